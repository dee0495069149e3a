package tern.metrics;

import java.time.Instant;

/**
 * What the queue tells the metrics about itself. The admin listener calls these from its
 * own thread at every scrape, so an implementation must be safe to call from any thread
 * (read a published snapshot or counters, never walk state the queue owner is changing).
 */
public interface QueueGauges {

    /** Recipients whose next attempt is due now or already running. */
    long pendingRecipients();

    /** Recipients waiting for their next retry time. */
    long deferredRecipients();

    /** Messages with at least one recipient neither delivered nor failed. */
    long messages();

    /** When the oldest message still in the queue arrived; null when the queue is empty. */
    Instant oldestMessageArrival();

    /** An empty queue: what the gauges read before the queue registers itself. */
    QueueGauges EMPTY = new QueueGauges() {
        @Override
        public long pendingRecipients() {
            return 0;
        }

        @Override
        public long deferredRecipients() {
            return 0;
        }

        @Override
        public long messages() {
            return 0;
        }

        @Override
        public Instant oldestMessageArrival() {
            return null;
        }
    };
}
