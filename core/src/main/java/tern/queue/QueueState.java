package tern.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
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
import tern.journal.JournalEvent.HandedOver;
import tern.journal.JournalEvent.RetryRequested;
import tern.outcome.Outcome;

/**
 * The queue as the fold of the journal: every message that still has a pending recipient,
 * and for each recipient where it stands. {@link #apply} is the only way in, so the state
 * after a restart (replaying the retained journal) is the state before it ({@link #accepted}
 * is the same fold for an Accepted whose bytes a replay left in the journal).
 *
 * <p>It keeps its {@link Scheduler} in step: an Accepted schedules every recipient at
 * arrival, a Deferred at its next attempt, an outcome or Badmailed cancels. The owner takes
 * due work with {@code scheduler().pollDue(...)}; a recipient taken out of the scheduler is
 * <em>in flight</em> until its outcome event arrives, and a RetryRequested leaves it alone.
 *
 * <p>Single owner (the queue manager's thread), not thread-safe. It holds no message bytes:
 * only their size; the bytes stay in the journal. What it holds is compact, since a queue may
 * hold a million recipients ({@link HeldMessage}: the envelope packed, words shared, about
 * 400 bytes a recipient with its scheduler entry): the views it answers with are built
 * afresh on each query. A message leaves the state once no
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

    private static final int PENDING = HeldMessage.PENDING;
    private static final int DELIVERED = HeldMessage.DELIVERED;
    private static final int FAILED = HeldMessage.FAILED;
    private static final long NEVER = HeldMessage.NEVER;

    private final MessageTable messages;
    private final SharedWords words = new SharedWords();
    private final SharedOutcomes outcomes = new SharedOutcomes(words);
    private final MessageViews views = new MessageViews(words, outcomes);
    private final Scheduler scheduler;
    private int pendingRecipients;
    private int notices;

    public QueueState() {
        this(new Scheduler(), 16);
    }

    /** A state sized for {@code expectedMessages}, with the scheduler it keeps in step. */
    public QueueState(Scheduler scheduler, int expectedMessages) {
        this.scheduler = scheduler;
        this.messages = new MessageTable(expectedMessages);
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
            case HandedOver h -> {
                // Finished as delivered: another MTA has them. Retention carries such a recipient
                // forward as a Delivered with the same reply, which folds to the same state.
                for (String recipient : h.recipients()) {
                    finish(h.id(), recipient, DELIVERED, h.at(), h.reply());
                }
            }
        }
    }

    /**
     * Folds an Accepted whose message bytes were left in the journal (a start-up replay):
     * the same as applying it, with {@code size} for the bytes the event does not carry.
     */
    public void accepted(Envelope envelope, int size) {
        accept(envelope, size);
    }

    private void accept(Envelope envelope, int size) {
        remove(envelope.id()); // an Accepted again starts afresh: see JournalEvent
        if (envelope.recipients().isEmpty()) {
            return; // nothing to deliver, nothing pending
        }
        HeldMessage m = new HeldMessage(envelope, size, words);
        messages.add(m);
        pendingRecipients += m.pending;
        Instant arrival = envelope.arrival();
        for (int i = 0; i < m.recipients(); i++) {
            scheduler.schedule(m.id, m.name(i), arrival);
        }
    }

    private void finish(QueueId id, String name, int state, Instant at, Outcome outcome) {
        HeldMessage m = messages.get(id);
        int i = m == null ? -1 : m.indexOf(name);
        if (i < 0 || m.state(i) != PENDING) {
            return;
        }
        m.setState(i, state);
        m.setLastAttempt(i, at.toEpochMilli());
        m.setOutcome(i, outcomes.keep(outcome));
        scheduler.cancel(m.id, m.name(i));
        cancelNotice(m, i);
        pendingRecipients--;
        if (--m.pending == 0) {
            messages.remove(id);
        }
    }

    private void defer(Deferred d) {
        HeldMessage m = messages.get(d.id());
        int i = m == null ? -1 : m.indexOf(d.recipient());
        if (i < 0 || m.state(i) != PENDING) {
            return;
        }
        m.setAttempts(i, d.attempts());
        m.setLastAttempt(i, d.at().toEpochMilli());
        m.setNextDue(i, d.nextAttempt().toEpochMilli());
        m.setOutcome(i, outcomes.keep(d.outcome()));
        scheduler.schedule(m.id, m.name(i), d.nextAttempt());
    }

    private void delayNotified(DelayNotified n) {
        HeldMessage m = messages.get(n.id());
        int i = m == null ? -1 : m.indexOf(n.recipient());
        if (i >= 0) {
            m.setDelayNotifiedAt(i, n.at().toEpochMilli());
        }
    }

    private void retryNow(QueueId id, Instant at) {
        HeldMessage m = messages.get(id);
        if (m == null) {
            return;
        }
        long now = at.toEpochMilli();
        for (int i = 0; i < m.recipients(); i++) {
            // Only scheduled recipients: one in flight already has its attempt under way.
            if (m.state(i) == PENDING && scheduler.reschedule(m.id, m.name(i), at)) {
                m.setNextDue(i, Math.min(m.nextDue(i), now)); // a retry asks for sooner, never for later
            }
        }
    }

    private void remove(QueueId id) {
        HeldMessage m = messages.remove(id);
        if (m == null) {
            return;
        }
        for (int i = 0; i < m.recipients(); i++) {
            if (m.state(i) == PENDING) {
                scheduler.cancel(m.id, m.name(i));
                cancelNotice(m, i);
            }
        }
        pendingRecipients -= m.pending;
    }

    // ---- delay notices: entries in the same scheduler as the retries, flagged as notices

    /** The scheduler key of a recipient's delay notice: its name after a NUL, which no address contains. */
    public static String noticeKey(String recipient) {
        return Scheduler.noticeKey(recipient);
    }

    /** The recipient a scheduler key names, when it is a delay notice's key; else null. */
    public static String noticeOf(String key) {
        return Scheduler.noticeOf(key);
    }

    /**
     * Makes a pending recipient's delay notice due at {@code at}: the scheduler that times
     * retries times notices too. Forgotten when the recipient finishes or the message leaves.
     */
    public void scheduleNotice(QueueId id, String recipient, Instant at) {
        HeldMessage m = messages.get(id);
        int i = m == null ? -1 : m.indexOf(recipient);
        if (i < 0 || m.state(i) != PENDING || m.delayNotifiedAt(i) != NEVER) {
            return;
        }
        scheduler.scheduleNotice(m.id, m.name(i), at);
        if (!m.noticeScheduled(i)) {
            m.setNoticeScheduled(i, true);
            notices++;
        }
    }

    /** A notice's entry left the scheduler (taken by {@code pollDue}). */
    public void noticeTaken(QueueId id, String recipient) {
        HeldMessage m = messages.get(id);
        int i = m == null ? -1 : m.indexOf(recipient);
        if (i >= 0 && m.noticeScheduled(i)) {
            m.setNoticeScheduled(i, false);
            notices--;
        }
    }

    private void cancelNotice(HeldMessage m, int i) {
        if (m.noticeScheduled(i)) {
            scheduler.cancelNotice(m.id, m.name(i));
            m.setNoticeScheduled(i, false);
            notices--;
        }
    }

    /** Retries waiting in the scheduler (its delay notices not counted). */
    public int scheduledRetries() {
        return scheduler.size() - notices;
    }

    // ---- queries

    public boolean isPending(QueueId id) {
        return messages.get(id) != null;
    }

    public int messageCount() {
        return messages.size();
    }

    public int pendingRecipientCount() {
        return pendingRecipients;
    }

    /** The message's envelope, read back from the state's packed form: a fresh object each call. */
    public Optional<Envelope> envelope(QueueId id) {
        HeldMessage m = messages.get(id);
        return m == null ? Optional.empty() : Optional.of(views.envelope(m));
    }

    public Optional<QueuedMessage> message(QueueId id) {
        HeldMessage m = messages.get(id);
        return m == null ? Optional.empty() : Optional.of(views.view(m));
    }

    public Optional<RecipientStatus> recipient(QueueId id, String name) {
        HeldMessage m = messages.get(id);
        int i = m == null ? -1 : m.indexOf(name);
        return i < 0 ? Optional.empty() : Optional.of(views.view(m, views.envelope(m), i));
    }

    /** Every queued message, oldest first (queue ids sort by arrival). */
    public List<QueuedMessage> list() {
        List<QueuedMessage> out = new ArrayList<>(messages.size());
        messages.forEach(m -> out.add(views.view(m)));
        out.sort(Comparator.comparing(QueuedMessage::arrival).thenComparing(QueuedMessage::id));
        return out;
    }

    /** Every queued message's id, oldest first: what a bulk operation needs without any view. */
    public List<QueueId> ids() {
        List<QueueId> out = new ArrayList<>(messages.size());
        messages.forEach(m -> out.add(m.id));
        out.sort(null); // queue ids sort by arrival
        return out;
    }

    /**
     * Every queued message in no particular order, one view at a time: unlike {@link #list},
     * a big queue is never held twice over. The action must not add or remove messages.
     */
    public void forEachMessage(Consumer<QueuedMessage> action) {
        messages.forEach(m -> action.accept(views.view(m)));
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
     * Visits every recipient of every queued message, in no particular order: the admin API
     * pages and the bulk operations select from the queue with it, at a million recipients,
     * with one envelope read back per message and no view of its recipients.
     */
    public void forEachRecipient(RecipientVisitor visitor) {
        messages.forEach(m -> {
            Envelope envelope = views.envelope(m);
            for (int i = 0; i < m.recipients(); i++) {
                visitor.visit(envelope, m.name(i), switch (m.state(i)) {
                    case DELIVERED -> State.DELIVERED;
                    case FAILED -> State.FAILED;
                    default -> State.PENDING;
                }, m.attempts(i));
            }
        });
    }

    public Counts counts() {
        int[] finished = new int[3];
        messages.forEach(m -> {
            for (int i = 0; i < m.recipients(); i++) {
                finished[m.state(i)]++;
            }
        });
        return new Counts(messages.size(), pendingRecipients, finished[DELIVERED], finished[FAILED]);
    }

    /** The arrival of the oldest queued message: how far behind delivery is. */
    public Optional<Instant> oldestPendingArrival() {
        long[] oldest = {Long.MAX_VALUE};
        messages.forEach(m -> oldest[0] = Math.min(oldest[0], m.arrival));
        return messages.isEmpty() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(oldest[0]));
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
        HeldMessage m = messages.get(id);
        return m == null ? List.of() : views.carryForward(m);
    }
}
