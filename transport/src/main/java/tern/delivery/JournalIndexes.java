package tern.delivery;

import java.util.function.Predicate;
import tern.queue.QueueId;

/**
 * Where each queued message's Accepted event sits in the journal: a message id to a journal
 * index. After a restart with a million deferred messages this holds a million entries, so it
 * is parallel arrays with open addressing (about 32 bytes a message, the id shared with the
 * queue state) rather than a map of boxed longs (about 65); each id's hash sits beside it, so
 * a probe touches an id (and its string, two cache misses) only when the hash matches. Guarded by its own lock: the
 * queue manager writes it, delivery threads read it, each call is short.
 */
final class JournalIndexes {

    static final long NONE = -1;

    private QueueId[] ids = new QueueId[16];
    private int[] hashes = new int[16];
    private long[] indexes = new long[16];
    private int size;

    synchronized void put(QueueId id, long index) {
        int hash = hash(id);
        int i = slotOf(id, hash);
        if (ids[i] == null) {
            if ((size + 1) * 2 > ids.length) {
                resize(ids.length * 2, q -> true);
                i = slotOf(id, hash);
            }
            ids[i] = id;
            hashes[i] = hash;
            size++;
        }
        indexes[i] = index;
    }

    /** The journal index of the message's Accepted event, or {@link #NONE}. */
    synchronized long get(QueueId id) {
        int i = slotOf(id, hash(id));
        return ids[i] == null ? NONE : indexes[i];
    }

    synchronized boolean contains(QueueId id) {
        return ids[slotOf(id, hash(id))] != null;
    }

    synchronized void remove(QueueId id) {
        int i = slotOf(id, hash(id));
        if (ids[i] != null) {
            removeAt(i);
        }
    }

    /** Keeps only the messages {@code queued} still holds; one pass over the table. */
    synchronized void retain(Predicate<QueueId> queued) {
        resize(ids.length, queued);
    }

    synchronized int size() {
        return size;
    }

    /** The slot holding {@code id}, or the empty slot where it would go. */
    private int slotOf(QueueId id, int hash) {
        int mask = ids.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            QueueId other = ids[i];
            if (other == null || hashes[i] == hash && (other == id || other.equals(id))) {
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
            int home = hashes[i] & mask;
            boolean homeBetween = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
            if (!homeBetween) { // backward-shift delete: no tombstones
                ids[hole] = id;
                hashes[hole] = hashes[i];
                indexes[hole] = indexes[i];
                hole = i;
            }
        }
        ids[hole] = null;
        size--;
    }

    /** Moves what {@code keep} accepts into fresh arrays of {@code length}. */
    private void resize(int length, Predicate<QueueId> keep) {
        QueueId[] oldIds = ids;
        int[] oldHashes = hashes;
        long[] oldIndexes = indexes;
        ids = new QueueId[length];
        hashes = new int[length];
        indexes = new long[length];
        size = 0;
        int mask = length - 1;
        for (int i = 0; i < oldIds.length; i++) {
            if (oldIds[i] != null && keep.test(oldIds[i])) {
                int j = oldHashes[i] & mask;
                while (ids[j] != null) {
                    j = (j + 1) & mask;
                }
                ids[j] = oldIds[i];
                hashes[j] = oldHashes[i];
                indexes[j] = oldIndexes[i];
                size++;
            }
        }
    }

    private static int hash(QueueId id) {
        int h = id.value().hashCode() * 0x9E3779B9; // spread consecutive ids over the table
        return h ^ (h >>> 16);
    }
}
