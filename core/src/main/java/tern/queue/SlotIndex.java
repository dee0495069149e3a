package tern.queue;

/**
 * Finds a scheduled (message, recipient) pair's slot: open addressing with linear probing
 * over {@code hash << 32 | (slot + 1)} (0 = empty), kept at most half full, so a lookup
 * compares hashes without touching the entries it probes past.
 */
final class SlotIndex {

    private final DueSlots entries;
    private long[] table;
    private int size;

    SlotIndex(DueSlots entries, int capacity) {
        this.entries = entries;
        this.table = new long[tableSizeFor(capacity)];
    }

    /** The slot of the entry, or -1. */
    int slotOf(QueueId id, String recipient, int hash) {
        int index = indexOf(id, recipient, hash);
        return index < 0 ? -1 : (int) table[index] - 1;
    }

    int indexOf(QueueId id, String recipient, int hash) {
        long[] t = table;
        int mask = t.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            long e = t[i];
            if (e == 0) {
                return -1;
            }
            if ((int) (e >>> 32) == hash && entries.holds((int) e - 1, id, recipient)) {
                return i;
            }
        }
    }

    /** The table line a slot sits on: read early, it overlaps the cache miss of a later poll. */
    long peek(int slot) {
        long[] t = table;
        return t[entries.hash(slot) & (t.length - 1)];
    }

    void insert(int slot, int hash) {
        if ((size + 1) * 2 > table.length) {
            rehash(table.length * 2);
        }
        long[] t = table;
        int mask = t.length - 1;
        int i = hash & mask;
        while (t[i] != 0) {
            i = (i + 1) & mask;
        }
        t[i] = ((long) hash << 32) | (slot + 1);
        size++;
    }

    void remove(int slot) {
        long[] t = table;
        int mask = t.length - 1;
        int hash = entries.hash(slot);
        long wanted = ((long) hash << 32) | (slot + 1);
        int i = hash & mask;
        while (t[i] != wanted) {
            i = (i + 1) & mask;
        }
        removeAt(i);
    }

    /** Linear probing's backward-shift delete: no tombstones, so lookups never slow down with churn. */
    private void removeAt(int index) {
        long[] t = table;
        int mask = t.length - 1;
        int hole = index;
        int i = index;
        while (true) {
            i = (i + 1) & mask;
            long e = t[i];
            if (e == 0) {
                break;
            }
            int home = (int) (e >>> 32) & mask;
            // The entry at i may fill the hole unless its home lies cyclically in (hole, i].
            boolean homeBetween = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
            if (!homeBetween) {
                t[hole] = e;
                hole = i;
            }
        }
        t[hole] = 0;
        size--;
    }

    private void rehash(int length) {
        long[] t = new long[length];
        int mask = length - 1;
        for (long e : table) {
            if (e != 0) {
                int i = (int) (e >>> 32) & mask;
                while (t[i] != 0) {
                    i = (i + 1) & mask;
                }
                t[i] = e;
            }
        }
        table = t;
    }

    private static int tableSizeFor(int entries) {
        int n = Integer.highestOneBit(Math.max(2, entries) * 2 - 1) << 1;
        return Math.max(n, 16);
    }
}
