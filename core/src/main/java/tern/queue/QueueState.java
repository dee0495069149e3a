package tern.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import tern.address.ReversePath;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.journal.JournalEvent;
import tern.journal.JournalEvent.Accepted;
import tern.journal.JournalEvent.Badmailed;
import tern.journal.JournalEvent.DelayNotified;
import tern.journal.JournalEvent.Deferred;
import tern.journal.JournalEvent.Delivered;
import tern.journal.JournalEvent.Failed;
import tern.journal.JournalEvent.RetryRequested;
import tern.outcome.Outcome;
import tern.queue.QueuedEntry.Message;
import tern.queue.QueuedEntry.Rcpt;

/**
 * The queue as the fold of the journal: every message that still has a pending recipient,
 * and for each recipient where it stands. {@link #apply} is the only way in, so the state
 * after a restart (replaying the retained journal) is the state before it.
 *
 * <p>It keeps its {@link Scheduler} in step: an Accepted schedules every recipient at
 * arrival, a Deferred at its next attempt, an outcome or Badmailed cancels. The owner takes
 * due work with {@code scheduler().pollDue(...)}; a recipient taken out of the scheduler is
 * <em>in flight</em> until its outcome event arrives, and a RetryRequested leaves it alone.
 *
 * <p>Single owner (the queue manager's thread), not thread-safe. It holds no message bytes:
 * only their size; the bytes stay in the journal. A message leaves the state once no
 * recipient is pending (or it is badmailed): the journal keeps its history.
 *
 * <p>Events for an unknown message, or outcomes for a recipient that is already finished,
 * are ignored: retention may have dropped the cycle that held a finished message's Accepted,
 * and a recipient's first final outcome is its fate.
 */
public final class QueueState {

    public enum State {
        PENDING, DELIVERED, FAILED
    }

    /** One recipient of a queued message, as {@code tern queue show} prints it. */
    public record RecipientStatus(
            Recipient recipient,
            String name,
            State state,
            int attempts,
            Instant nextAttempt,
            Instant lastAttempt,
            String relay,
            String lastReply,
            boolean delayNotified,
            Outcome lastOutcome) {
    }

    /** One queued message with its recipients, for {@code tern queue list|show}. */
    public record QueuedMessage(Envelope envelope, long size, List<RecipientStatus> recipients) {

        public QueueId id() {
            return envelope.id();
        }

        public Instant arrival() {
            return envelope.arrival();
        }

        public ReversePath sender() {
            return envelope.reversePath();
        }

        public Duration age(Instant now) {
            return Duration.between(envelope.arrival(), now);
        }
    }

    /** Recipients by state, over the messages still queued. */
    public record Counts(int messages, int pending, int delivered, int failed) {
    }

    private static final byte PENDING = QueuedEntry.PENDING;
    private static final byte DELIVERED = QueuedEntry.DELIVERED;
    private static final byte FAILED = QueuedEntry.FAILED;
    private static final long NEVER = QueuedEntry.NEVER;
    private static final int MAX_SHARED_OUTCOMES = 10_000;

    private final HashMap<QueueId, Message> messages;
    /** Outcomes repeat across recipients (one host's 451, one tarpit's timeout): keep one copy each. */
    private final HashMap<Outcome, Outcome> outcomes = new HashMap<>();
    private final Scheduler scheduler;
    private int pendingRecipients;
    private int notices;
    private static final char NOTICE = '\0';

    public QueueState() {
        this(new Scheduler(), 16);
    }

    /** A state sized for {@code expectedMessages}, with the scheduler it keeps in step. */
    public QueueState(Scheduler scheduler, int expectedMessages) {
        this.scheduler = scheduler;
        this.messages = HashMap.newHashMap(expectedMessages);
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** Folds one journal event into the state. */
    public void apply(JournalEvent event) {
        switch (event) {
            case Accepted a -> accept(a.envelope(), a.message().length);
            case Delivered d -> finish(d.id(), d.recipient(), DELIVERED, d.at(), d.outcome());
            case Failed f -> finish(f.id(), f.recipient(), FAILED, f.at(), f.outcome());
            case Deferred d -> defer(d);
            case DelayNotified n -> delayNotified(n);
            case Badmailed b -> remove(b.id());
            case RetryRequested r -> retryNow(r.id(), r.at());
        }
    }

    private void accept(Envelope envelope, long size) {
        remove(envelope.id()); // an Accepted again starts afresh: see JournalEvent
        long arrival = envelope.arrival().toEpochMilli();
        List<Recipient> list = envelope.recipients();
        Rcpt[] recipients = new Rcpt[list.size()];
        for (int i = 0; i < recipients.length; i++) {
            recipients[i] = new QueuedEntry.Rcpt(list.get(i).address().toString(), arrival);
        }
        if (recipients.length == 0) {
            return; // nothing to deliver, nothing pending
        }
        messages.put(envelope.id(), new QueuedEntry.Message(envelope, size, recipients));
        pendingRecipients += recipients.length;
        for (Rcpt r : recipients) {
            scheduler.schedule(envelope.id(), r.name, envelope.arrival());
        }
    }

    private void finish(QueueId id, String name, byte state, Instant at, Outcome outcome) {
        Message m = messages.get(id);
        Rcpt r = m == null ? null : m.find(name);
        if (r == null || r.state != PENDING) {
            return;
        }
        r.state = state;
        r.lastAttempt = at.toEpochMilli();
        r.outcome = shared(outcome);
        scheduler.cancel(m.envelope.id(), r.name);
        cancelNotice(m, r);
        pendingRecipients--;
        if (--m.pending == 0) {
            messages.remove(id);
        }
    }

    private void defer(Deferred d) {
        Message m = messages.get(d.id());
        Rcpt r = m == null ? null : m.find(d.recipient());
        if (r == null || r.state != PENDING) {
            return;
        }
        r.attempts = d.attempts();
        r.lastAttempt = d.at().toEpochMilli();
        r.nextDue = d.nextAttempt().toEpochMilli();
        r.outcome = shared(d.outcome());
        scheduler.schedule(m.envelope.id(), r.name, d.nextAttempt());
    }

    private Outcome shared(Outcome outcome) {
        if (outcome == null) {
            return null;
        }
        Outcome shared = outcomes.get(outcome);
        if (shared != null) {
            return shared;
        }
        if (outcomes.size() < MAX_SHARED_OUTCOMES) { // bounded: a flood of one-off replies must not grow it forever
            outcomes.put(outcome, outcome);
        }
        return outcome;
    }

    private void delayNotified(DelayNotified n) {
        Message m = messages.get(n.id());
        Rcpt r = m == null ? null : m.find(n.recipient());
        if (r != null) {
            r.delayNotifiedAt = n.at().toEpochMilli();
        }
    }

    private void retryNow(QueueId id, Instant at) {
        Message m = messages.get(id);
        if (m == null) {
            return;
        }
        long now = at.toEpochMilli();
        for (Rcpt r : m.recipients) {
            // Only scheduled recipients: one in flight already has its attempt under way.
            if (r.state == PENDING && scheduler.reschedule(m.envelope.id(), r.name, at)) {
                r.nextDue = Math.min(r.nextDue, now); // a retry asks for sooner, never for later
            }
        }
    }

    private void remove(QueueId id) {
        Message m = messages.remove(id);
        if (m == null) {
            return;
        }
        for (Rcpt r : m.recipients) {
            if (r.state == PENDING) {
                scheduler.cancel(m.envelope.id(), r.name);
                cancelNotice(m, r);
            }
        }
        pendingRecipients -= m.pending;
    }

    // ---- delay notices: entries in the same scheduler as the retries, under a key no address has

    /** The scheduler key of a recipient's delay notice: its name after a NUL, which no address contains. */
    public static String noticeKey(String recipient) {
        return NOTICE + recipient;
    }

    /** The recipient a scheduler key names, when it is a delay notice's key; else null. */
    public static String noticeOf(String key) {
        return !key.isEmpty() && key.charAt(0) == NOTICE ? key.substring(1) : null;
    }

    /**
     * Makes a pending recipient's delay notice due at {@code at}: the scheduler that times
     * retries times notices too. Forgotten when the recipient finishes or the message leaves.
     */
    public void scheduleNotice(QueueId id, String recipient, Instant at) {
        Message m = messages.get(id);
        Rcpt r = m == null ? null : m.find(recipient);
        if (r == null || r.state != PENDING || r.delayNotifiedAt != NEVER) {
            return;
        }
        scheduler.schedule(m.envelope.id(), noticeKey(r.name), at);
        if (!r.noticeScheduled) {
            r.noticeScheduled = true;
            notices++;
        }
    }

    /** A notice's entry left the scheduler (taken by {@code pollDue}). */
    public void noticeTaken(QueueId id, String recipient) {
        Message m = messages.get(id);
        Rcpt r = m == null ? null : m.find(recipient);
        if (r != null && r.noticeScheduled) {
            r.noticeScheduled = false;
            notices--;
        }
    }

    private void cancelNotice(Message m, Rcpt r) {
        if (r.noticeScheduled) {
            scheduler.cancel(m.envelope.id(), noticeKey(r.name));
            r.noticeScheduled = false;
            notices--;
        }
    }

    /** Retries waiting in the scheduler (its delay notices not counted). */
    public int scheduledRetries() {
        return scheduler.size() - notices;
    }

    // ---- queries

    public boolean isPending(QueueId id) {
        return messages.containsKey(id);
    }

    public int messageCount() {
        return messages.size();
    }

    public int pendingRecipientCount() {
        return pendingRecipients;
    }

    public Optional<Envelope> envelope(QueueId id) {
        Message m = messages.get(id);
        return m == null ? Optional.empty() : Optional.of(m.envelope);
    }

    public Optional<QueuedMessage> message(QueueId id) {
        Message m = messages.get(id);
        return m == null ? Optional.empty() : Optional.of(view(m));
    }

    public Optional<RecipientStatus> recipient(QueueId id, String name) {
        Message m = messages.get(id);
        if (m == null) {
            return Optional.empty();
        }
        Rcpt[] rs = m.recipients;
        for (int i = 0; i < rs.length; i++) {
            if (rs[i].name.equals(name)) {
                return Optional.of(view(m, i));
            }
        }
        return Optional.empty();
    }

    /** Every queued message, oldest first (queue ids sort by arrival). */
    public List<QueuedMessage> list() {
        List<QueuedMessage> out = new ArrayList<>(messages.size());
        for (Message m : messages.values()) {
            out.add(view(m));
        }
        out.sort(Comparator.comparing(QueuedMessage::arrival).thenComparing(QueuedMessage::id));
        return out;
    }

    /** One recipient of a queued message, as {@link #forEachRecipient} hands it over. */
    @FunctionalInterface
    public interface RecipientVisitor {
        /**
         * @param envelope  the message's envelope (its id, arrival and sender)
         * @param recipient the recipient's name ({@code Mailbox.toString()}, as events name it)
         * @param attempts  attempts made so far; a waiting recipient with none is "pending", else "deferred"
         */
        void visit(Envelope envelope, String recipient, State state, int attempts);
    }

    /**
     * Visits every recipient of every queued message, in no particular order, copying nothing:
     * the admin API pages and the bulk operations select from the queue with it, at a million
     * recipients, without a view object per message.
     */
    public void forEachRecipient(RecipientVisitor visitor) {
        for (Message m : messages.values()) {
            for (Rcpt r : m.recipients) {
                visitor.visit(m.envelope, r.name, switch (r.state) {
                    case DELIVERED -> State.DELIVERED;
                    case FAILED -> State.FAILED;
                    default -> State.PENDING;
                }, r.attempts);
            }
        }
    }

    public Counts counts() {
        int delivered = 0;
        int failed = 0;
        for (Message m : messages.values()) {
            for (Rcpt r : m.recipients) {
                if (r.state == DELIVERED) {
                    delivered++;
                } else if (r.state == FAILED) {
                    failed++;
                }
            }
        }
        return new Counts(messages.size(), pendingRecipients, delivered, failed);
    }

    /** The arrival of the oldest queued message: how far behind delivery is. */
    public Optional<Instant> oldestPendingArrival() {
        Instant oldest = null;
        for (Message m : messages.values()) {
            Instant arrival = m.envelope.arrival();
            if (oldest == null || arrival.isBefore(oldest)) {
                oldest = arrival;
            }
        }
        return Optional.ofNullable(oldest);
    }

    /**
     * The events that, after the message's Accepted, rebuild this message's state: the
     * latest outcome of each recipient (Delivered, Failed, or Deferred with its attempts and
     * next attempt; a finished recipient that was deferred before gets a Deferred first, for
     * its attempt count) and its DelayNotified. Empty for a message that is not queued.
     *
     * <p>The Accepted event itself is not included: it carries the message bytes, which
     * this state does not keep. Journal retention copies a message forward by writing the
     * Accepted it already holds (or reads from the journal) followed by these events.
     * Replaying the copy alone gives the same state as replaying the original history.
     */
    public List<JournalEvent> carryForward(QueueId id) {
        Message m = messages.get(id);
        if (m == null) {
            return List.of();
        }
        List<JournalEvent> events = new ArrayList<>(m.recipients.length);
        for (Rcpt r : m.recipients) {
            if (r.state != PENDING && r.attempts > 0) {
                // Delivered and Failed carry no attempt count: a Deferred first brings it along.
                events.add(new Deferred(id, instant(r.lastAttempt), r.name, r.outcome,
                        r.attempts, Instant.ofEpochMilli(r.nextDue)));
            }
            switch (r.state) {
                case DELIVERED -> events.add(new Delivered(id, instant(r.lastAttempt), r.name, r.outcome));
                case FAILED -> events.add(new Failed(id, instant(r.lastAttempt), r.name, r.outcome));
                default -> {
                    if (r.attempts > 0) {
                        events.add(new Deferred(id, instant(r.lastAttempt), r.name, r.outcome,
                                r.attempts, Instant.ofEpochMilli(r.nextDue)));
                    }
                }
            }
            if (r.delayNotifiedAt != NEVER) {
                events.add(new DelayNotified(id, Instant.ofEpochMilli(r.delayNotifiedAt), r.name));
            }
        }
        return events;
    }

    private static QueuedMessage view(Message m) {
        List<RecipientStatus> recipients = new ArrayList<>(m.recipients.length);
        for (int i = 0; i < m.recipients.length; i++) {
            recipients.add(view(m, i));
        }
        return new QueuedMessage(m.envelope, m.size, List.copyOf(recipients));
    }

    private static RecipientStatus view(Message m, int index) {
        Rcpt r = m.recipients[index];
        State state = switch (r.state) {
            case DELIVERED -> State.DELIVERED;
            case FAILED -> State.FAILED;
            default -> State.PENDING;
        };
        return new RecipientStatus(m.envelope.recipients().get(index), r.name, state, r.attempts,
                state == State.PENDING ? Instant.ofEpochMilli(r.nextDue) : null, instant(r.lastAttempt),
                r.outcome == null ? null : r.outcome.relay(), r.outcome == null ? null : r.outcome.text(),
                r.delayNotifiedAt != NEVER, r.outcome);
    }

    private static Instant instant(long millis) {
        return millis == NEVER ? null : Instant.ofEpochMilli(millis);
    }
}
