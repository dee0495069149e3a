package tern.delivery;

import java.time.Instant;
import tern.metrics.QueueGauges;
import tern.queue.QueueState;

/**
 * The queue's size as the queue manager last published it, for /metrics and /health: read
 * from any thread, written by the manager at most once a second (finding the oldest message
 * walks the whole queue).
 */
final class QueueSize implements QueueGauges {

    private record Snapshot(long pending, long deferred, long messages, Instant oldest) {
    }

    private volatile Snapshot snapshot = new Snapshot(0, 0, 0, null);
    private long publishedAt;

    /** On the manager's thread. */
    void publish(QueueState state, Instant now) {
        long millis = now.toEpochMilli();
        if (millis - publishedAt < 1000 && millis >= publishedAt) {
            return;
        }
        publishedAt = millis;
        long total = state.pendingRecipientCount();
        long waiting = state.scheduledRetries();
        snapshot = new Snapshot(total - waiting, waiting, state.messageCount(), state.oldestPendingArrival().orElse(null));
    }

    @Override
    public long pendingRecipients() {
        return snapshot.pending();
    }

    @Override
    public long deferredRecipients() {
        return snapshot.deferred();
    }

    @Override
    public long messages() {
        return snapshot.messages();
    }

    @Override
    public Instant oldestMessageArrival() {
        return snapshot.oldest();
    }
}
