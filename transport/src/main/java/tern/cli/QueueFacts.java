package tern.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import tern.envelope.Envelope;
import tern.journal.JournalEvent;
import tern.journal.JournalEvent.Accepted;
import tern.journal.JournalEvent.Badmailed;
import tern.journal.JournalEvent.Deferred;
import tern.journal.JournalEvent.Delivered;
import tern.journal.JournalEvent.Failed;
import tern.journal.JournalEvent.RetryRequested;
import tern.journal.JournalReader;
import tern.outcome.Outcome;

/**
 * The first pass of the command line's queue tools over the journal: where each message and
 * each recipient stands, kept as primitives in a few arrays instead of one object graph per
 * message, so that a million queued messages fit in a CLI's small heap.
 *
 * <p>Per message: a compact key for its queue id (see {@link IdTable}), where its recipients
 * start, how many it has and how many are still pending. Per recipient: a 64-bit hash of its
 * name (outcome events name recipients by text; the hash finds which of the message's
 * recipients is meant without keeping the names), its state, attempts, next attempt and the
 * number of its last reply in a table of distinct reply texts. Envelopes, addresses and message
 * bytes are not kept: the second pass reads them again from the journal, in journal order. That
 * is about 40 bytes per message and 25 per recipient, plus each distinct reply text once: a
 * queue whose replies all differ (a server that quotes the queue id) costs a string each.
 *
 * <p>The fold follows {@link tern.queue.QueueState}'s rules: an Accepted for a known id starts
 * the message afresh (retention's copies), events for unknown messages or finished recipients
 * are ignored, a RetryRequested makes pending recipients due now, never later.
 */
final class QueueFacts {

    static final byte PENDING = 0;
    static final byte DELIVERED = 1;
    static final byte FAILED = 2;
    static final int NO_REPLY = -1;

    private final IdTable ids = new IdTable();
    // Per message, by ordinal (the order of the Accepted events).
    private int[] first = new int[1024];
    private int[] count = new int[1024];
    private int[] pending = new int[1024];
    private int messages;
    // Per recipient, by ordinal.
    private long[] nameHash = new long[1024];
    private byte[] state = new byte[1024];
    private int[] attempts = new int[1024];
    private long[] nextDue = new long[1024];
    private int[] reply = new int[1024];
    private int recipients;
    private final HashMap<String, Integer> replyNumbers = new HashMap<>();
    private final List<String> replyTexts = new ArrayList<>();
    private long events;

    /** Reads the whole journal in {@code journalDir} (an absent one is an empty queue). */
    static QueueFacts read(Path journalDir) {
        QueueFacts facts = new QueueFacts();
        if (Files.isDirectory(journalDir)) {
            try (JournalReader reader = JournalReader.open(journalDir)) {
                reader.readWithoutBodies((event, size) -> facts.apply(event));
            }
        }
        return facts;
    }

    void apply(JournalEvent event) {
        events++;
        switch (event) {
            case Accepted a -> accept(a.envelope());
            case Delivered d -> finish(d.id().value(), d.recipient(), DELIVERED, d.outcome());
            case Failed f -> finish(f.id().value(), f.recipient(), FAILED, f.outcome());
            case Deferred d -> defer(d);
            case Badmailed b -> remove(ids.get(b.id().value()));
            case RetryRequested r -> retryNow(r.id().value(), r.at().toEpochMilli());
            case JournalEvent.HandedOver h -> {
                for (String recipient : h.recipients()) { // another MTA has them: finished here
                    finish(h.id().value(), recipient, DELIVERED, h.reply());
                }
            }
            case JournalEvent.DelayNotified n -> {
                // shown by queue show only, which folds one message in full
            }
        }
    }

    private void accept(Envelope envelope) {
        String id = envelope.id().value();
        remove(ids.get(id)); // an Accepted again starts afresh
        int m = messages++;
        if (m == first.length) {
            int grown = m + (m >> 1);
            first = Arrays.copyOf(first, grown);
            count = Arrays.copyOf(count, grown);
            pending = Arrays.copyOf(pending, grown);
        }
        int n = envelope.recipients().size();
        ensureRecipients(recipients + n);
        first[m] = recipients;
        count[m] = n;
        pending[m] = n;
        long arrival = envelope.arrival().toEpochMilli();
        for (int i = 0; i < n; i++) {
            int r = recipients++;
            nameHash[r] = hash(envelope.recipients().get(i).address().toString());
            state[r] = PENDING;
            attempts[r] = 0;
            nextDue[r] = arrival;
            reply[r] = NO_REPLY;
        }
        ids.put(id, m);
    }

    private void ensureRecipients(int needed) {
        if (needed <= state.length) {
            return;
        }
        int grown = Math.max(needed, state.length + (state.length >> 1));
        nameHash = Arrays.copyOf(nameHash, grown);
        state = Arrays.copyOf(state, grown);
        attempts = Arrays.copyOf(attempts, grown);
        nextDue = Arrays.copyOf(nextDue, grown);
        reply = Arrays.copyOf(reply, grown);
    }

    private void remove(int m) {
        if (m >= 0) {
            pending[m] = 0;
        }
    }

    /** The recipient ordinal of {@code name} in message {@code m} if it is still pending, else -1. */
    private int pendingRecipient(int m, String name) {
        if (m < 0 || pending[m] == 0) {
            return -1;
        }
        long h = hash(name);
        for (int r = first[m], end = first[m] + count[m]; r < end; r++) {
            if (nameHash[r] == h) {
                return state[r] == PENDING ? r : -1;
            }
        }
        return -1;
    }

    private void finish(String id, String name, byte outcomeState, Outcome outcome) {
        int m = ids.get(id);
        int r = pendingRecipient(m, name);
        if (r < 0) {
            return;
        }
        state[r] = outcomeState;
        reply[r] = replyNumber(outcome);
        pending[m]--;
    }

    private void defer(Deferred d) {
        int r = pendingRecipient(ids.get(d.id().value()), d.recipient());
        if (r < 0) {
            return;
        }
        attempts[r] = d.attempts();
        nextDue[r] = d.nextAttempt().toEpochMilli();
        reply[r] = replyNumber(d.outcome());
    }

    private void retryNow(String id, long at) {
        int m = ids.get(id);
        if (m < 0 || pending[m] == 0) {
            return;
        }
        for (int r = first[m], end = first[m] + count[m]; r < end; r++) {
            if (state[r] == PENDING) {
                nextDue[r] = Math.min(nextDue[r], at);
            }
        }
    }

    private int replyNumber(Outcome outcome) {
        if (outcome == null || outcome.text() == null) {
            return NO_REPLY;
        }
        return replyNumbers.computeIfAbsent(outcome.text(), text -> {
            replyTexts.add(text);
            return replyTexts.size() - 1;
        });
    }

    /** FNV-1a over the name's characters, 64 bits: two recipients of one message never share one in practice. */
    static long hash(String name) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < name.length(); i++) {
            h ^= name.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    // ---- what the second pass asks

    /** How many journal events the first pass read. */
    long events() {
        return events;
    }

    /**
     * The message ordinal of {@code id} when it is still queued (a recipient pending), else -1.
     */
    int queued(String id) {
        int m = ids.get(id);
        return m >= 0 && pending[m] > 0 ? m : -1;
    }

    /** How many messages are still queued. */
    int queuedMessages() {
        int n = 0;
        for (int m = 0; m < messages; m++) {
            if (pending[m] > 0) {
                n++;
            }
        }
        return n;
    }

    /** The facts of the {@code index}-th recipient (envelope order) of queued message {@code m}. */
    RecipientFacts recipient(int m, int index) {
        int r = first[m] + index;
        return new RecipientFacts(state[r], attempts[r], state[r] == PENDING ? Instant.ofEpochMilli(nextDue[r]) : null,
                reply[r] == NO_REPLY ? null : replyTexts.get(reply[r]));
    }

    /** Whether the {@code index}-th recipient of message {@code m} waits for delivery. */
    boolean waiting(int m, int index) {
        return state[first[m] + index] == PENDING;
    }

    /** Whether it has been attempted (a waiting recipient is then "deferred", else "pending"). */
    boolean attempted(int m, int index) {
        return attempts[first[m] + index] > 0;
    }

    /** One recipient as the listing prints it; {@code next} is null once it is finished. */
    record RecipientFacts(byte state, int attempts, Instant next, String lastReply) {

        /** The listing's word: pending (never tried), deferred (tried, waiting), delivered, failed. */
        String label() {
            return switch (state) {
                case DELIVERED -> "delivered";
                case FAILED -> "failed";
                default -> attempts > 0 ? "deferred" : "pending";
            };
        }

        boolean waiting() {
            return state == PENDING;
        }
    }
}
