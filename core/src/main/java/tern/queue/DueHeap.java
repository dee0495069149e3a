package tern.queue;

import java.util.Arrays;

/**
 * A 4-ary heap of scheduler slots by due time: keys inline, four children to a cache line.
 * It keeps each slot's position in {@link DueSlots} up to date, so a slot can leave from
 * anywhere in it.
 */
final class DueHeap {

    private final DueSlots entries;
    private long[] dues;
    private int[] slots;
    int size;

    DueHeap(DueSlots entries, int capacity) {
        this.entries = entries;
        dues = new long[capacity];
        slots = new int[capacity];
    }

    long minDue() {
        return dues[0];
    }

    void add(int slot, long due) {
        if (size == dues.length) {
            dues = Arrays.copyOf(dues, DueSlots.grow(dues.length));
            slots = Arrays.copyOf(slots, dues.length);
        }
        siftUp(size++, due, slot);
    }

    int removeMin() {
        int slot = slots[0];
        removeAt(0);
        return slot;
    }

    void removeAt(int pos) {
        int last = --size;
        if (last < dues.length >>> 2 && dues.length > 1024) {
            // After a replay or a leap of the clock a heap may have held much: give it back.
            dues = Arrays.copyOf(dues, dues.length >>> 1);
            slots = Arrays.copyOf(slots, dues.length);
        }
        if (pos == last) {
            return;
        }
        long due = dues[last];
        int slot = slots[last];
        if (pos > 0 && due < dues[(pos - 1) >>> 2]) {
            siftUp(pos, due, slot);
        } else {
            siftDown(pos, due, slot);
        }
    }

    private void siftUp(int pos, long due, int slot) {
        long[] d = dues;
        int[] s = slots;
        long[] e = entries.entry;
        while (pos > 0) {
            int parent = (pos - 1) >>> 2;
            long parentDue = d[parent];
            if (parentDue <= due) {
                break;
            }
            d[pos] = parentDue;
            int parentSlot = s[parent];
            s[pos] = parentSlot;
            e[2 * parentSlot + 1] = (e[2 * parentSlot + 1] & ~DueSlots.LOW) | pos;
            pos = parent;
        }
        d[pos] = due;
        s[pos] = slot;
        e[2 * slot + 1] = (e[2 * slot + 1] & ~DueSlots.LOW) | pos;
    }

    private void siftDown(int pos, long due, int slot) {
        long[] d = dues;
        int[] s = slots;
        long[] e = entries.entry;
        int n = size;
        while (true) {
            int child = (pos << 2) + 1;
            if (child >= n) {
                break;
            }
            int end = Math.min(child + 4, n);
            int min = child;
            long minDue = d[child];
            for (int c = child + 1; c < end; c++) {
                if (d[c] < minDue) {
                    minDue = d[c];
                    min = c;
                }
            }
            if (minDue >= due) {
                break;
            }
            d[pos] = minDue;
            int minSlot = s[min];
            s[pos] = minSlot;
            e[2 * minSlot + 1] = (e[2 * minSlot + 1] & ~DueSlots.LOW) | pos;
            pos = min;
        }
        d[pos] = due;
        s[pos] = slot;
        e[2 * slot + 1] = (e[2 * slot + 1] & ~DueSlots.LOW) | pos;
    }
}
