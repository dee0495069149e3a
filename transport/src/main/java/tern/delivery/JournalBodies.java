package tern.delivery;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import tern.journal.JournalEvent;
import tern.queue.QueueId;

/**
 * Message bytes in memory while a message is fresh, read back from the journal once it waits.
 *
 * <p>Why both: most mail leaves within milliseconds of arrival, and re-reading what was just
 * written would only cost; but a deferred queue can grow far beyond any heap, so a message
 * whose attempt failed gives its bytes up ({@link #spill}) and a retry reads its Accepted
 * event back by index. Start-up replay records only indexes. The journal is the one durable
 * copy either way.
 */
public final class JournalBodies implements MessageBodies {

    private final LongFunction<JournalEvent> journal;
    private final ConcurrentHashMap<QueueId, byte[]> held = new ConcurrentHashMap<>();
    private final JournalIndexes indexes = new JournalIndexes();

    /** @param journal reads the event at an index (e.g. {@code Journal::read}); null = hold everything */
    public JournalBodies(LongFunction<JournalEvent> journal) {
        this.journal = journal;
    }

    @Override
    public void keep(QueueId id, byte[] message) {
        held.put(id, message);
    }

    @Override
    public void located(QueueId id, long index) {
        if (index < 0 || journal == null) {
            indexes.remove(id);
        } else {
            indexes.put(id, index);
        }
    }

    /** Forgets the places of messages that are no longer queued (after a replay). */
    public void retain(Predicate<QueueId> queued) {
        indexes.retain(queued);
    }

    @Override
    public void spill(QueueId id) {
        if (indexes.contains(id)) {
            held.remove(id);
        }
    }

    @Override
    public byte[] read(QueueId id) throws IOException {
        byte[] message = held.get(id);
        if (message != null) {
            return message;
        }
        long index = indexes.get(id);
        if (index == JournalIndexes.NONE) {
            throw new NoSuchFileException("no bytes held and no journal index for " + id);
        }
        JournalEvent event;
        try {
            event = journal.apply(index);
        } catch (NoSuchElementException e) {
            throw new NoSuchFileException(id + ": " + e.getMessage());
        }
        if (event instanceof JournalEvent.Accepted accepted && accepted.id().equals(id)) {
            return accepted.message();
        }
        throw new IOException("journal index " + Long.toHexString(index) + " does not hold " + id + "'s message");
    }

    @Override
    public void forget(QueueId id) {
        held.remove(id);
        indexes.remove(id);
    }

    /** Messages whose bytes are in memory now. */
    public int held() {
        return held.size();
    }
}
