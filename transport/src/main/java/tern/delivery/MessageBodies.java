package tern.delivery;

import java.io.IOException;
import tern.queue.QueueId;

/** The bytes of queued messages; the queue state keeps only their envelopes. */
public interface MessageBodies {

    /** Keeps {@code message} at hand for delivery: a fresh arrival, or a message retention copied. */
    void keep(QueueId id, byte[] message);

    /** The message's Accepted event is at {@code index} in the journal; a negative index means nowhere. */
    void located(QueueId id, long index);

    /**
     * The message waits for a retry: its bytes may leave memory if the journal can give them
     * back. Keeps the heap to the messages in flight, however large the deferred queue grows.
     */
    void spill(QueueId id);

    /** The bytes of a queued message. Safe to call from delivery workers; may read the journal. */
    byte[] read(QueueId id) throws IOException;

    /** The message is finished: its bytes are no longer needed for delivery. */
    void forget(QueueId id);
}
