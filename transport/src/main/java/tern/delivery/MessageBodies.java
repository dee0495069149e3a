package tern.delivery;

import java.io.IOException;
import tern.queue.QueueId;

/** The bytes of queued messages; the queue state keeps only their envelopes. */
public interface MessageBodies {

    /** Keeps {@code message} at hand for delivery (a fresh arrival, or one found by replay). */
    void keep(QueueId id, byte[] message);

    /** The bytes of a queued message. Safe to call from delivery workers. */
    byte[] read(QueueId id) throws IOException;

    /** The message is finished: its bytes are no longer needed for delivery. */
    void forget(QueueId id);
}
