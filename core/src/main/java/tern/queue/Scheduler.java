package tern.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What is due when: one due time per pending recipient, and the earliest ones first.
 *
 * <p>Owned by the queue manager's thread and not thread-safe on purpose: one owner decides
 * what is delivered when (Postfix's qmgr rule), so locking here would only hide a design
 * error.
 *
 * <p>Why this shape: a queue may hold a million pending recipients, and an object per
 * entry (a {@code PriorityQueue} of records plus a {@code HashMap} to find them again) costs
 * around 100 bytes each and a pointer chase per comparison. Here an entry is a <em>slot</em>
 * number into parallel arrays (its message id, its recipient, its hash, its heap position);
 * the heap is a 4-ary heap whose keys (due times in epoch milliseconds) sit inline next to
 * their slot numbers, so a sift compares neighbouring longs, four children to a cache line;
 * and an open-addressing table of slot numbers finds a (message, recipient) pair for
 * {@link #reschedule} and {@link #cancel}. About 40 bytes per entry, no allocation per
 * schedule. The id and recipient strings are the caller's own objects, only referenced.
 *
 * <p>Due times have millisecond precision. Among entries due at the same millisecond the
 * order is unspecified.
 */
public final class Scheduler {

    /** One message's recipients that are due now, to be tried together where they share a next hop. */
    public record DueWork(QueueId id, List<String> recipients) {
    }

    /**
     * How fast {@link #spreadOverdue} lets a backlog go: one recipient every 10 ms (100 a
     * second) until the caller's window is full; a bigger backlog shares the whole window.
     */
    public static final Duration SPREAD_PACE = Duration.ofMillis(10);

    private static final int FREE_END = -1;
    private static final int INITIAL_CAPACITY = 64;

    // The heap, by position: due time and the slot of the entry there.
    private long[] heapDue;
    private int[] heapSlot;
    private int size;

    // Entries, by slot. A free slot's slotPos links to the next free slot.
    private QueueId[] slotId;
    private String[] slotRecipient;
    private int[] slotHash;
    private int[] slotPos;
    private int freeSlot = FREE_END;
    private int slotsInUse; // high-water mark of slots ever handed out

    // Open addressing with linear probing: slot + 1, 0 = empty. Kept at most half full.
    private int[] table;

    public Scheduler() {
        this(INITIAL_CAPACITY);
    }

    /** A scheduler sized for {@code expected} entries, so loading a big queue does not regrow. */
    public Scheduler(int expected) {
        int capacity = Math.max(INITIAL_CAPACITY, expected);
        heapDue = new long[capacity];
        heapSlot = new int[capacity];
        slotId = new QueueId[capacity];
        slotRecipient = new String[capacity];
        slotHash = new int[capacity];
        slotPos = new int[capacity];
        table = new int[tableSizeFor(capacity)];
    }

    /** How many recipients are scheduled. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Makes the recipient due at {@code due}, whether it was scheduled before or not. */
    public void schedule(QueueId id, String recipient, Instant due) {
        int hash = hash(id, recipient);
        int slot = find(id, recipient, hash);
        long dueMillis = due.toEpochMilli();
        if (slot >= 0) {
            move(slot, dueMillis);
            return;
        }
        slot = allocateSlot(id, recipient, hash);
        insertIntoTable(slot, hash);
        if (size == heapDue.length) {
            heapDue = Arrays.copyOf(heapDue, grow(heapDue.length));
            heapSlot = Arrays.copyOf(heapSlot, heapDue.length);
        }
        siftUp(size++, dueMillis, slot);
    }

    /** Moves a scheduled recipient to {@code due}; false (and nothing scheduled) when it is not scheduled. */
    public boolean reschedule(QueueId id, String recipient, Instant due) {
        int slot = find(id, recipient, hash(id, recipient));
        if (slot < 0) {
            return false;
        }
        move(slot, due.toEpochMilli());
        return true;
    }

    /** Forgets a recipient; false when it was not scheduled. */
    public boolean cancel(QueueId id, String recipient) {
        int hash = hash(id, recipient);
        int index = tableIndexOf(id, recipient, hash);
        if (index < 0) {
            return false;
        }
        int slot = table[index] - 1;
        removeFromTable(index);
        removeFromHeap(slotPos[slot]);
        freeSlot(slot);
        return true;
    }

    public boolean isScheduled(QueueId id, String recipient) {
        return find(id, recipient, hash(id, recipient)) >= 0;
    }

    /** When the recipient is due, if it is scheduled. */
    public Optional<Instant> dueTime(QueueId id, String recipient) {
        int slot = find(id, recipient, hash(id, recipient));
        return slot < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(heapDue[slotPos[slot]]));
    }

    /** The earliest due time, so the owner can sleep exactly until then. */
    public Optional<Instant> nextDue() {
        return size == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(heapDue[0]));
    }

    /**
     * Takes up to {@code max} recipients due at or before {@code now}, earliest first, out of
     * the schedule, grouped by message in the order each message first came due. A message's
     * recipients are only in one group when they fit within {@code max}; the rest come with
     * the next poll. Taken recipients are in flight: the caller schedules them again when the
     * attempt is deferred.
     */
    public List<DueWork> pollDue(Instant now, int max) {
        long nowMillis = now.toEpochMilli();
        if (size == 0 || heapDue[0] > nowMillis || max <= 0) {
            return List.of();
        }
        List<DueWork> groups = new ArrayList<>();
        HashMap<QueueId, DueWork> byId = null; // only for big polls: a short list is faster to scan
        int taken = 0;
        while (taken < max && size > 0 && heapDue[0] <= nowMillis) {
            int slot = heapSlot[0];
            QueueId id = slotId[slot];
            String recipient = slotRecipient[slot];
            removeFromTable(tableIndexOfSlot(slot));
            removeFromHeap(0);
            freeSlot(slot);
            taken++;

            DueWork group = null;
            if (byId != null) {
                group = byId.get(id);
            } else {
                for (int i = groups.size() - 1; i >= 0; i--) {
                    if (groups.get(i).id().equals(id)) {
                        group = groups.get(i);
                        break;
                    }
                }
            }
            if (group == null) {
                group = new DueWork(id, new ArrayList<>(2));
                groups.add(group);
                if (byId != null) {
                    byId.put(id, group);
                } else if (groups.size() > 16) {
                    byId = new HashMap<>();
                    for (DueWork g : groups) {
                        byId.put(g.id(), g);
                    }
                }
            }
            group.recipients().add(recipient);
        }
        return groups;
    }

    /**
     * Spreads the recipients that fell due while the server was down over a window, so a
     * restart does not open connections for the whole backlog at once.
     *
     * <p>The {@code n} overdue recipients keep their order (longest overdue first); the
     * {@code i}-th becomes due at {@code now + i × w / n}, where {@code w} is
     * {@code n × }{@link #SPREAD_PACE} but at most {@code window}. So a small backlog goes
     * out within seconds and a huge one is paced over the whole window rather than at the
     * pace (which would take hours).
     *
     * @return how many recipients were overdue
     */
    public int spreadOverdue(Instant now, Duration window) {
        Objects.requireNonNull(window, "window");
        long nowMillis = now.toEpochMilli();
        int n = 0;
        int[] overdue = new int[16];
        while (size > 0 && heapDue[0] <= nowMillis) {
            if (n == overdue.length) {
                overdue = Arrays.copyOf(overdue, grow(n));
            }
            overdue[n++] = heapSlot[0];
            removeFromHeap(0); // the slot and its table entry stay: only its due time changes
        }
        if (n == 0) {
            return 0;
        }
        long windowMillis = Math.min(window.toMillis(), (long) n * SPREAD_PACE.toMillis());
        for (int i = 0; i < n; i++) {
            long offset = (long) ((double) windowMillis * i / n);
            siftUp(size++, nowMillis + offset, overdue[i]);
        }
        return n;
    }

    // ---- the heap

    private void move(int slot, long dueMillis) {
        int pos = slotPos[slot];
        long old = heapDue[pos];
        if (dueMillis < old) {
            siftUp(pos, dueMillis, slot);
        } else if (dueMillis > old) {
            siftDown(pos, dueMillis, slot);
        }
    }

    private void removeFromHeap(int pos) {
        int last = --size;
        if (pos == last) {
            return;
        }
        long due = heapDue[last];
        int slot = heapSlot[last];
        if (pos > 0 && due < heapDue[(pos - 1) >>> 2]) {
            siftUp(pos, due, slot);
        } else {
            siftDown(pos, due, slot);
        }
    }

    private void siftUp(int pos, long due, int slot) {
        long[] dues = heapDue;
        int[] slots = heapSlot;
        while (pos > 0) {
            int parent = (pos - 1) >>> 2;
            long parentDue = dues[parent];
            if (parentDue <= due) {
                break;
            }
            dues[pos] = parentDue;
            int parentSlot = slots[parent];
            slots[pos] = parentSlot;
            slotPos[parentSlot] = pos;
            pos = parent;
        }
        dues[pos] = due;
        slots[pos] = slot;
        slotPos[slot] = pos;
    }

    private void siftDown(int pos, long due, int slot) {
        long[] dues = heapDue;
        int[] slots = heapSlot;
        int n = size;
        while (true) {
            int child = (pos << 2) + 1;
            if (child >= n) {
                break;
            }
            int end = Math.min(child + 4, n);
            int min = child;
            long minDue = dues[child];
            for (int c = child + 1; c < end; c++) {
                if (dues[c] < minDue) {
                    minDue = dues[c];
                    min = c;
                }
            }
            if (minDue >= due) {
                break;
            }
            dues[pos] = minDue;
            int minSlot = slots[min];
            slots[pos] = minSlot;
            slotPos[minSlot] = pos;
            pos = min;
        }
        dues[pos] = due;
        slots[pos] = slot;
        slotPos[slot] = pos;
    }

    // ---- slots

    private int allocateSlot(QueueId id, String recipient, int hash) {
        int slot;
        if (freeSlot != FREE_END) {
            slot = freeSlot;
            freeSlot = slotPos[slot];
        } else {
            if (slotsInUse == slotId.length) {
                int capacity = grow(slotId.length);
                slotId = Arrays.copyOf(slotId, capacity);
                slotRecipient = Arrays.copyOf(slotRecipient, capacity);
                slotHash = Arrays.copyOf(slotHash, capacity);
                slotPos = Arrays.copyOf(slotPos, capacity);
            }
            slot = slotsInUse++;
        }
        slotId[slot] = id;
        slotRecipient[slot] = recipient;
        slotHash[slot] = hash;
        return slot;
    }

    private void freeSlot(int slot) {
        slotId[slot] = null; // let finished messages be collected
        slotRecipient[slot] = null;
        slotPos[slot] = freeSlot;
        freeSlot = slot;
    }

    // ---- the table from (id, recipient) to slot

    private static int hash(QueueId id, String recipient) {
        int h = id.value().hashCode() * 31 + recipient.hashCode();
        h *= 0x9E3779B9; // spread consecutive ids over the table
        return h ^ (h >>> 16);
    }

    private int find(QueueId id, String recipient, int hash) {
        int index = tableIndexOf(id, recipient, hash);
        return index < 0 ? -1 : table[index] - 1;
    }

    private int tableIndexOf(QueueId id, String recipient, int hash) {
        int[] t = table;
        int mask = t.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            int entry = t[i];
            if (entry == 0) {
                return -1;
            }
            int slot = entry - 1;
            if (slotHash[slot] == hash && sameRecipient(slot, id, recipient)) {
                return i;
            }
        }
    }

    private boolean sameRecipient(int slot, QueueId id, String recipient) {
        QueueId otherId = slotId[slot];
        String otherRecipient = slotRecipient[slot];
        return (otherId == id || otherId.equals(id))
                && (otherRecipient == recipient || otherRecipient.equals(recipient));
    }

    private int tableIndexOfSlot(int slot) {
        int[] t = table;
        int mask = t.length - 1;
        for (int i = slotHash[slot] & mask; ; i = (i + 1) & mask) {
            if (t[i] == slot + 1) {
                return i;
            }
        }
    }

    private void insertIntoTable(int slot, int hash) {
        if ((size + 1) * 2 > table.length) {
            rehash(table.length * 2);
        }
        int[] t = table;
        int mask = t.length - 1;
        int i = hash & mask;
        while (t[i] != 0) {
            i = (i + 1) & mask;
        }
        t[i] = slot + 1;
    }

    private void rehash(int length) {
        int[] old = table;
        int[] t = new int[length];
        int mask = length - 1;
        for (int entry : old) {
            if (entry != 0) {
                int i = slotHash[entry - 1] & mask;
                while (t[i] != 0) {
                    i = (i + 1) & mask;
                }
                t[i] = entry;
            }
        }
        table = t;
    }

    /** Linear probing's backward-shift delete: no tombstones, so lookups never slow down with churn. */
    private void removeFromTable(int index) {
        int[] t = table;
        int mask = t.length - 1;
        int hole = index;
        int i = index;
        while (true) {
            i = (i + 1) & mask;
            int entry = t[i];
            if (entry == 0) {
                break;
            }
            int home = slotHash[entry - 1] & mask;
            // The entry at i may fill the hole unless its home lies cyclically in (hole, i].
            boolean homeBetween = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
            if (!homeBetween) {
                t[hole] = entry;
                hole = i;
            }
        }
        t[hole] = 0;
    }

    private static int tableSizeFor(int entries) {
        int n = Integer.highestOneBit(Math.max(2, entries) * 2 - 1) << 1;
        return Math.max(n, 16);
    }

    private static int grow(int length) {
        return length + (length >> 1) + 1;
    }
}
