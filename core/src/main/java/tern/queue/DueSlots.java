package tern.queue;

import java.util.Arrays;

/**
 * The scheduler's entries, by <em>slot</em> number, in parallel arrays rather than one object
 * each: {@code entry[2 * slot]} is the due time in epoch milliseconds, {@code entry[2 * slot + 1]}
 * is {@code hash << 32 | where} (the position in its heap or wheel bucket, or for a free slot
 * the next free slot), {@code ref[2 * slot]} the message id and {@code ref[2 * slot + 1]} the
 * recipient. Touching an entry is touching two cache lines, and a million of them cost 24
 * bytes each here. The id and recipient are the caller's own objects, only referenced.
 *
 * <p>The lowest bit of an entry's hash says whether it is a recipient's retry or its delay
 * notice: both are keyed by the same name object, so a notice costs no string of its own.
 */
final class DueSlots {

    static final int FREE_END = -1;
    static final long LOW = 0xFFFF_FFFFL;

    long[] entry;
    Object[] ref;
    private int freeSlot = FREE_END;
    private int slotsInUse; // high-water mark of slots ever handed out

    DueSlots(int capacity) {
        entry = new long[2 * capacity];
        ref = new Object[2 * capacity];
    }

    long due(int slot) {
        return entry[2 * slot];
    }

    void setDue(int slot, long dueMillis) {
        entry[2 * slot] = dueMillis;
    }

    int hash(int slot) {
        return (int) (entry[2 * slot + 1] >>> 32);
    }

    boolean isNotice(int slot) {
        return (hash(slot) & 1) != 0;
    }

    QueueId id(int slot) {
        return (QueueId) ref[2 * slot];
    }

    String recipient(int slot) {
        return (String) ref[2 * slot + 1];
    }

    int where(int slot) {
        return (int) entry[2 * slot + 1];
    }

    void setWhere(int slot, int where) {
        int i = 2 * slot + 1;
        entry[i] = (entry[i] & ~LOW) | (where & LOW);
    }

    boolean holds(int slot, QueueId id, String recipient) {
        Object otherId = ref[2 * slot];
        Object otherRecipient = ref[2 * slot + 1];
        return (otherId == id || otherId.equals(id))
                && (otherRecipient == recipient || otherRecipient.equals(recipient));
    }

    int allocate(QueueId id, String recipient, int hash) {
        int slot;
        if (freeSlot != FREE_END) {
            slot = freeSlot;
            freeSlot = where(slot);
        } else {
            if (2 * slotsInUse == ref.length) {
                int capacity = grow(slotsInUse);
                entry = Arrays.copyOf(entry, 2 * capacity);
                ref = Arrays.copyOf(ref, 2 * capacity);
            }
            slot = slotsInUse++;
        }
        ref[2 * slot] = id;
        ref[2 * slot + 1] = recipient;
        entry[2 * slot + 1] = (long) hash << 32;
        return slot;
    }

    void free(int slot) {
        ref[2 * slot] = null; // let finished messages be collected
        ref[2 * slot + 1] = null;
        entry[2 * slot + 1] = freeSlot;
        freeSlot = slot;
    }

    static int grow(int length) {
        return length + (length >> 1) + 1;
    }
}
