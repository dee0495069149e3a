package tern.queue;

import java.util.Arrays;

/**
 * The scheduler's middle tier: one unordered bucket (an array of slots) per tick of 2.048 s
 * for the next 37.3 hours. A schedule appends to a bucket and a cancel swaps in the bucket's
 * last slot, both O(1); the next non-empty bucket is found with a bitmap. It costs a fixed
 * half megabyte. Which tick (and so which bucket) a slot is in follows from its due time; the
 * slot records only its position in the bucket.
 */
final class TimingWheel {

    /** A tick is 2^11 ms: a big queue's bucket holds about a hundred entries, enough to overlap their misses. */
    static final int TICK_SHIFT = 11;
    /** 2^16 ticks of 2.048 s reach 37.3 hours ahead, well past the longest usual retry interval. */
    static final int BITS = 16;
    static final int SIZE = 1 << BITS;
    static final int MASK = SIZE - 1;

    private final DueSlots entries;
    private final int[][] bucket = new int[SIZE][]; // null when empty
    private final int[] bucketSize = new int[SIZE]; // apart from the arrays: the ones ahead stay in cache
    // Emptied bucket arrays, for the next ticks to fill: a tick's array freshly allocated among
    // the caller's garbage would spread the wheel over the young generation, a TLB miss per append.
    private final int[][] spare = new int[256][];
    private int spares;
    private final long[] occupied = new long[SIZE >>> 6]; // a bit per non-empty bucket
    int size;
    long high; // while the wheel holds entries: no tick there is later

    TimingWheel(DueSlots entries) {
        this.entries = entries;
    }

    static long tick(long dueMillis) {
        return dueMillis >> TICK_SHIFT; // an arithmetic shift floors, before 1970 too
    }

    void add(int slot, long tick) {
        high = size == 0 ? tick : Math.max(high, tick);
        int b = (int) tick & MASK;
        int[] slots = bucket[b];
        int n = bucketSize[b];
        if (slots == null) {
            slots = bucket[b] = spares > 0 ? spare[--spares] : new int[8];
            occupied[b >>> 6] |= 1L << b;
        } else if (n == slots.length) {
            slots = bucket[b] = Arrays.copyOf(slots, DueSlots.grow(n));
        }
        slots[n] = slot;
        bucketSize[b] = n + 1;
        entries.setWhere(slot, n);
        size++;
    }

    void remove(int slot, long tick) {
        int b = (int) tick & MASK;
        int[] slots = bucket[b];
        int last = bucketSize[b] - 1;
        int at = entries.where(slot);
        if (at != last) {
            int moved = slots[last];
            slots[at] = moved;
            entries.setWhere(moved, at);
        }
        bucketSize[b] = last;
        if (last == 0) {
            bucket[b] = null; // an empty tick keeps no array: most ticks are empty most of the time
            occupied[b >>> 6] &= ~(1L << b);
            keepSpare(slots);
        }
        size--;
    }

    /**
     * Moves bucket {@code b} into {@code near}. Each of these slots will be polled soon, and its
     * poll needs its references and its table line: loaded here, in a loop whose loads do not
     * depend on each other, their cache misses overlap instead of coming one at a time.
     */
    long emptyInto(int b, DueHeap near, SlotIndex index) {
        int[] slots = bucket[b];
        int n = bucketSize[b];
        bucket[b] = null;
        bucketSize[b] = 0;
        occupied[b >>> 6] &= ~(1L << b);
        Object[] ref = entries.ref;
        long touched = 0;
        for (int i = 0; i < n; i++) {
            int slot = slots[i];
            if (ref[2 * slot] == null) {
                throw new IllegalStateException("scheduled slot " + slot + " has no message");
            }
            touched += index.peek(slot);
            near.add(slot, entries.due(slot));
        }
        size -= n;
        keepSpare(slots);
        return touched;
    }

    private void keepSpare(int[] slots) {
        if (spares < spare.length) {
            spare[spares++] = slots;
        }
    }

    /** The first non-empty bucket at or cyclically after {@code from}; the wheel must not be empty. */
    int nextOccupied(int from) {
        long[] bits = occupied;
        int word = from >>> 6;
        long w = bits[word] & (-1L << from); // a long shift uses the low 6 bits only
        for (int i = 0; i <= bits.length; i++) { // the last round rereads the first word whole: wrap-around
            if (w != 0) {
                return (word << 6) + Long.numberOfTrailingZeros(w);
            }
            word = (word + 1) & (bits.length - 1);
            w = bits[word];
        }
        throw new IllegalStateException("empty wheel");
    }
}
