package tern.admin.console;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tern.queue.QueueId;

/**
 * The queue as the console sees it, supplied by the running server: a snapshot to read and the
 * operator's three actions. The pages know nothing of who owns the queue or how it is kept, so
 * the queue manager may change behind this without a page changing.
 */
public interface QueueView {

    /** Where a recipient stands, in the words of the queue page's filter. */
    enum RecipientState {
        /** Not tried yet, or an attempt is under way. */
        PENDING,
        /** Tried, failed for now, waiting for its next attempt. */
        DEFERRED,
        DELIVERED,
        FAILED;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The state named {@code word}; empty for anything else (no filter). */
        public static Optional<RecipientState> of(String word) {
            for (RecipientState s : values()) {
                if (s.word().equalsIgnoreCase(word == null ? "" : word.strip())) {
                    return Optional.of(s);
                }
            }
            return Optional.empty();
        }
    }

    /** One recipient of a queued message; times and texts may be null (never tried). */
    record Recipient(String address, RecipientState state, int attempts, Instant nextAttempt, Instant lastAttempt,
                     String relay, String lastReply) {

        /** The domain part, lower case: what the queue page groups and filters by. */
        public String domain() {
            int at = address.lastIndexOf('@');
            return (at < 0 ? "" : address.substring(at + 1)).toLowerCase(Locale.ROOT);
        }

        /** Whether delivery is still to come. */
        public boolean waiting() {
            return state == RecipientState.PENDING || state == RecipientState.DEFERRED;
        }
    }

    /** One queued message; {@code sender} is empty for the null reverse-path. */
    record Message(QueueId id, Instant arrival, String sender, long size, List<Recipient> recipients) {
    }

    /** Every queued message, oldest first. */
    List<Message> messages();

    /**
     * One page of the queue, as the queue page shows it: the messages with a recipient at
     * {@code domain} (null = any) in {@code state} (empty = any), after the id {@code after}
     * (null = from the oldest), at most {@code limit}, oldest first; {@code next} is the
     * {@code after} of the following page (null on the last), {@code matching} counts every
     * message that matches, {@code total} every queued one. This default filters
     * {@link #messages()}; the server's view asks its queue for the page alone.
     */
    default Page page(String domain, Optional<RecipientState> state, QueueId after, int limit) {
        List<Message> all = messages();
        List<Message> matching = all.stream().filter(m -> m.recipients().stream().anyMatch(r ->
                (domain == null || r.domain().equals(domain)) && state.map(s -> r.state() == s).orElse(true))).toList();
        List<Message> rest = matching.stream().filter(m -> after == null || m.id().compareTo(after) > 0).toList();
        List<Message> shown = rest.subList(0, Math.min(limit, rest.size()));
        return new Page(shown, rest.size() > limit ? shown.getLast().id() : null, matching.size(), all.size());
    }

    /** The per-destination summary (qshape) of the waiting recipients. */
    default List<QueueShape.Row> shape(Instant now) {
        return QueueShape.of(messages(), now);
    }

    /** A page of messages: see {@link #page}. */
    record Page(List<Message> messages, QueueId next, int matching, int total) {
    }

    /** One queued message; empty when it is not (or no longer) queued. */
    Optional<Message> message(QueueId id);

    /** Every pending recipient of the message is due now; false when it is not queued. */
    boolean retry(QueueId id);

    /** The message goes to Badmail, as {@code tern queue delete}; false when it is not queued. */
    boolean delete(QueueId id);

    /** Every message with a recipient waiting in {@code domain} is due now; returns how many. */
    int retryDestination(String domain);
}
