package tern.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import tern.queue.QueueId;
import tern.queue.QueueState;

/**
 * One page of the queue for the admin API and the console: up to {@code limit} queued
 * messages after the cursor {@code after} (a queue id; null = from the oldest), oldest first,
 * that have a recipient at {@code domain} and in {@code state} (either null = any).
 *
 * <p>Asked on the queue manager's thread ({@link QueueManager#ask}): one pass over the queue in
 * memory keeps only the {@code limit + 1} smallest matching ids (queue ids sort by arrival), and
 * only those become copies. So a page costs one scan and {@code limit} copies however long the
 * queue is, and a client walks a queue of millions page by page with {@code after} set to the
 * previous page's {@code next}. A message that arrives meanwhile with an earlier id is not seen;
 * ids come from a clock, so that only happens across a clock stepped back.
 *
 * @param state pending (never tried), deferred (tried, waiting), delivered or failed, as
 *              {@code tern queue list} names them
 */
public record QueueQuery(String domain, String state, QueueId after, int limit) {

    public static final int MAX_LIMIT = 1_000;

    public QueueQuery {
        domain = domain == null || domain.isBlank() ? null : domain.strip().toLowerCase(Locale.ROOT);
        state = state == null || state.isBlank() ? null : state.strip().toLowerCase(Locale.ROOT);
        if (state != null && !List.of("pending", "deferred", "delivered", "failed").contains(state)) {
            throw new IllegalArgumentException("state is pending, deferred, delivered or failed, not " + state);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit is from 1 to " + MAX_LIMIT + ", not " + limit);
        }
    }

    /**
     * The page, the cursor of the next one (null when this is the last), how many messages
     * match the filters in all (before the cursor too) and how many are queued.
     */
    public record Page(List<QueueState.QueuedMessage> messages, QueueId next, int matching, int total) {
    }

    /** The page out of {@code queue}; call it on the owner thread. */
    public Page apply(QueueState queue) {
        TreeSet<QueueId> smallest = new TreeSet<>();
        String suffix = domain == null ? null : "@" + domain;
        QueueId[] counted = new QueueId[1];
        int[] matching = new int[1];
        queue.forEachRecipient((envelope, recipient, s, attempts) -> {
            QueueId id = envelope.id();
            if (suffix != null && !recipient.regionMatches(true, recipient.length() - suffix.length(), suffix, 0,
                    suffix.length())) {
                return;
            }
            if (state != null && !state.equals(word(s, attempts))) {
                return;
            }
            if (counted[0] != id) { // a message's recipients are visited together
                counted[0] = id;
                matching[0]++;
            }
            if (after != null && id.compareTo(after) <= 0) {
                return;
            }
            if (smallest.size() <= limit) {
                smallest.add(id);
            } else if (id.compareTo(smallest.last()) < 0 && smallest.add(id)) {
                smallest.pollLast();
            }
        });
        List<QueueState.QueuedMessage> page = new ArrayList<>(Math.min(limit, smallest.size()));
        for (QueueId id : smallest) {
            if (page.size() == limit) {
                break;
            }
            queue.message(id).ifPresent(page::add);
        }
        QueueId next = smallest.size() > limit ? page.getLast().id() : null;
        return new Page(page, next, matching[0], queue.messageCount());
    }

    /** A recipient's state in the words of {@code tern queue list}. */
    public static String word(QueueState.State state, int attempts) {
        return switch (state) {
            case DELIVERED -> "delivered";
            case FAILED -> "failed";
            case PENDING -> attempts > 0 ? "deferred" : "pending";
        };
    }
}
