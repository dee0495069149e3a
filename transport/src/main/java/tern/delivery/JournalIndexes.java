package tern.delivery;

import java.util.function.Predicate;
import tern.queue.QueueId;

/**
 * Where each queued message's Accepted event sits in the journal: a message id to a journal
 * index. After a restart with a million deferred messages this holds a million entries, so it
 * is two parallel arrays with open addressing (about 24 bytes a message, the id shared with
 * the queue state) rather than a map of boxed longs (about 65). Guarded by its own lock: the
 * queue manager writes it, delivery threads read it, each call is short.
 */
final class JournalIndexes {

    static final long NONE = -1;

    private QueueId[] ids = new QueueId[16];
    private long[] indexes = new long[16];
    private int size;

    synchronized void put(QueueId id, long index) {
        int i = slotOf(id);
        if (ids[i] == null) {
            if ((size + 1) * 2 > ids.length) {
                grow();
                i = slotOf(id);
            }
            ids[i] = id;
            size++;
        }
        indexes[i] = index;
    }

    /** The journal index of the message's Accepted event, or {@link #NONE}. */
    synchronized long get(QueueId id) {
        int i = slotOf(id);
        return ids[i] == null ? NONE : indexes[i];
    }

    synchronized boolean contains(QueueId id) {
        return ids[slotOf(id)] != null;
    }

    synchronized void remove(QueueId id) {
        int i = slotOf(id);
        if (ids[i] != null) {
            removeAt(i);
        }
    }

    /** Keeps only the messages {@code queued} still holds; one pass over the table. */
    synchronized void retain(Predicate<QueueId> queued) {
        QueueId[] old = ids;
        long[] oldIndexes = indexes;
        ids = new QueueId[old.length];
        indexes = new long[old.length];
        size = 0;
        for (int i = 0; i < old.length; i++) {
            if (old[i] != null && queued.test(old[i])) {
                int j = slotOf(old[i]);
                ids[j] = old[i];
                indexes[j] = oldIndexes[i];
                size++;
            }
        }
    }

    synchronized int size() {
        return size;
    }

    /** The slot holding {@code id}, or the empty slot where it would go. */
    private int slotOf(QueueId id) {
        int mask = ids.length - 1;
        for (int i = home(id, mask); ; i = (i + 1) & mask) {
            QueueId other = ids[i];
            if (other == null || other == id || other.equals(id)) {
                return i;
            }
        }
    }

    private void removeAt(int index) {
        int mask = ids.length - 1;
        int hole = index;
        int i = index;
        while (true) {
            i = (i + 1) & mask;
            QueueId id = ids[i];
            if (id == null) {
                break;
            }
            int home = home(id, mask);
            boolean homeBetween = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
            if (!homeBetween) { // backward-shift delete: no tombstones
                ids[hole] = id;
                indexes[hole] = indexes[i];
                hole = i;
            }
        }
        ids[hole] = null;
        size--;
    }

    private void grow() {
        QueueId[] old = ids;
        long[] oldIndexes = indexes;
        ids = new QueueId[old.length * 2];
        indexes = new long[old.length * 2];
        for (int i = 0; i < old.length; i++) {
            if (old[i] != null) {
                int j = slotOf(old[i]);
                ids[j] = old[i];
                indexes[j] = oldIndexes[i];
            }
        }
    }

    private static int home(QueueId id, int mask) {
        int h = id.value().hashCode() * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }
}
