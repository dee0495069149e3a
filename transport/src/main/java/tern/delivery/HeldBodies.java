package tern.delivery;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.ConcurrentHashMap;
import tern.queue.QueueId;

/**
 * Message bytes held in memory from arrival (or replay) until the message is finished.
 *
 * <p>Why memory and not a second copy on disk: the journal already holds every byte durably,
 * and most mail leaves within milliseconds of arrival, so re-reading it would only cost. The
 * price is heap for the bytes of the messages still queued; start-up replay holds only the
 * pending ones. A queue of many large deferred messages would want these read back from the
 * journal by index instead: see the README's "Journal" section.
 */
public final class HeldBodies implements MessageBodies {

    private final ConcurrentHashMap<QueueId, byte[]> held = new ConcurrentHashMap<>();

    @Override
    public void keep(QueueId id, byte[] message) {
        held.put(id, message);
    }

    @Override
    public byte[] read(QueueId id) throws IOException {
        byte[] message = held.get(id);
        if (message == null) {
            throw new NoSuchFileException("no message bytes held for " + id);
        }
        return message;
    }

    @Override
    public void forget(QueueId id) {
        held.remove(id);
    }

    public int size() {
        return held.size();
    }
}
