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

    /** One queued message; empty when it is not (or no longer) queued. */
    Optional<Message> message(QueueId id);

    /** Every pending recipient of the message is due now; false when it is not queued. */
    boolean retry(QueueId id);

    /** The message goes to Badmail, as {@code tern queue delete}; false when it is not queued. */
    boolean delete(QueueId id);

    /** Every message with a recipient waiting in {@code domain} is due now; returns how many. */
    int retryDestination(String domain);
}
