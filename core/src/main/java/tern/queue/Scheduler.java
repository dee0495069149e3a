package tern.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;

/**
 * What is due when: one due time per pending recipient, and the earliest ones first.
 *
 * <p>Owned by the queue manager's thread and not thread-safe on purpose: one owner decides
 * what is delivered when (Postfix's qmgr rule), so locking here would only hide a design
 * error.
 *
 * <p>What is promised: due times have millisecond precision; {@link #pollDue} never returns
 * a recipient before its due time, returns the earliest due ones first (exactly: no
 * coarsening), and loses nothing; {@link #nextDue} is the exact earliest due time. Among
 * entries due at the same millisecond the order is unspecified.
 *
 * <p>Why this shape: a queue may hold a million pending recipients, and an object per entry
 * (a {@code PriorityQueue} of records plus a {@code HashMap} to find them again) costs around
 * 100 bytes each and a pointer chase per comparison. Here an entry is a <em>slot</em> number
 * into parallel arrays; its due time, its hash and where it sits share 16 bytes of one array,
 * and its message id and recipient two neighbouring references, so touching an entry is
 * touching two cache lines. A single heap over a million entries was still too slow (about
 * ten cache misses and as many position updates per poll: 0.5-0.9 M polls a second), so
 * entries are kept in three places by due time, in the manner of a timing wheel:
 * <ul>
 * <li>the <em>near</em> heap: everything due up to the end of the current tick (a tick is
 *     2.048 s), ordered exactly; it holds about a hundred entries, so its sifts stay in cache;</li>
 * <li>the <em>wheel</em>: one unordered bucket (an array of slots) per tick for the next
 *     37.3 hours; a schedule appends to a bucket and a cancel swaps in the bucket's last
 *     slot, both O(1); when the near heap runs empty, the next non-empty bucket (found with a
 *     bitmap) moves into it, reading slots in a row rather than chasing links;</li>
 * <li>the <em>far</em> heap: the rest, moved into the wheel as it comes within reach.</li>
 * </ul>
 * Which of the three holds an entry follows from its tick and the current tick alone, so an
 * entry records only its position there. The wheel costs a fixed half megabyte per scheduler
 * (there is one per queue). An open-addressing table of (hash, slot) pairs finds a
 * (message, recipient) pair for {@link #reschedule} and {@link #cancel} without touching the
 * entries it probes past. About 46 bytes per entry, and no allocation per schedule beyond a
 * bucket's array now and then. The id and recipient strings are the caller's own objects,
 * only referenced.
 */
public final class Scheduler {

    /** One message's recipients that are due now, to be tried together where they share a next hop. */
    public record DueWork(QueueId id, List<String> recipients) {
    }

    private static final int INITIAL_CAPACITY = 64;
    private static final int FREE_END = -1;
    /** A tick is 2^11 ms: a big queue's bucket holds about a hundred entries, enough to overlap their misses. */
    private static final int TICK_SHIFT = 11;
    /** 2^16 ticks of 2.048 s reach 37.3 hours ahead, well past the longest usual retry interval. */
    private static final int WHEEL_BITS = 16;
    private static final int WHEEL = 1 << WHEEL_BITS;
    private static final int WHEEL_MASK = WHEEL - 1;
    private static final long LOW = 0xFFFF_FFFFL;

    // Entries, by slot: entry[2 * slot] is the due time in epoch milliseconds; entry[2 * slot + 1]
    // is hash << 32 | where: the position in its heap or its bucket, or for a free slot the next
    // free slot. ref[2 * slot] is its message id, ref[2 * slot + 1] its recipient.
    private long[] entry;
    private Object[] ref;
    private int freeSlot = FREE_END;
    private int slotsInUse; // high-water mark of slots ever handed out
    private int size;

    // Open addressing with linear probing: hash << 32 | (slot + 1), 0 = empty. Kept at most half full.
    private long[] table;

    // The near heap holds ticks <= current, the wheel current < tick < current + WHEEL, the far
    // heap the rest. The current tick only moves back while the near heap is empty (see put).
    private long current;
    private final DueHeap near = new DueHeap(INITIAL_CAPACITY);
    private final DueHeap far = new DueHeap(INITIAL_CAPACITY);
    private final int[][] bucket = new int[WHEEL][]; // null when empty
    private final int[] bucketSize = new int[WHEEL]; // apart from the arrays: the ones ahead stay in cache
    // Emptied bucket arrays, for the next ticks to fill: a tick's array freshly allocated among
    // the caller's garbage would spread the wheel over the young generation, a TLB miss per append.
    private final int[][] spare = new int[256][];
    private int spares;
    private final long[] occupied = new long[WHEEL >>> 6]; // a bit per non-empty bucket
    private int inWheel;
    private long wheelHigh; // while the wheel holds entries: no tick there is later
    @SuppressWarnings("unused")
    private long loaded; // keeps the JIT from dropping the loads that warm a bucket's table lines

    public Scheduler() {
        this(INITIAL_CAPACITY);
    }

    /** A scheduler sized for {@code expected} entries, so loading a big queue does not regrow. */
    public Scheduler(int expected) {
        int capacity = Math.max(INITIAL_CAPACITY, expected);
        entry = new long[2 * capacity];
        ref = new Object[2 * capacity];
        table = new long[tableSizeFor(capacity)];
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
        long dueMillis = due.toEpochMilli();
        int hash = hash(id, recipient);
        int index = tableIndexOf(id, recipient, hash);
        int slot;
        if (index >= 0) {
            slot = (int) table[index] - 1;
            take(slot);
        } else {
            slot = allocateSlot(id, recipient, hash);
            insertIntoTable(slot, hash);
        }
        put(slot, dueMillis);
    }

    /** Moves a scheduled recipient to {@code due}; false (and nothing scheduled) when it is not scheduled. */
    public boolean reschedule(QueueId id, String recipient, Instant due) {
        long dueMillis = due.toEpochMilli();
        int index = tableIndexOf(id, recipient, hash(id, recipient));
        if (index < 0) {
            return false;
        }
        int slot = (int) table[index] - 1;
        take(slot);
        put(slot, dueMillis);
        return true;
    }

    /** Forgets a recipient; false when it was not scheduled. */
    public boolean cancel(QueueId id, String recipient) {
        int index = tableIndexOf(id, recipient, hash(id, recipient));
        if (index < 0) {
            return false;
        }
        int slot = (int) table[index] - 1;
        removeFromTable(index);
        take(slot);
        freeSlot(slot);
        return true;
    }

    public boolean isScheduled(QueueId id, String recipient) {
        return tableIndexOf(id, recipient, hash(id, recipient)) >= 0;
    }

    /** When the recipient is due, if it is scheduled. */
    public Optional<Instant> dueTime(QueueId id, String recipient) {
        int index = tableIndexOf(id, recipient, hash(id, recipient));
        return index < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(entry[2 * ((int) table[index] - 1)]));
    }

    /** The earliest due time, so the owner can sleep exactly until then. */
    public Optional<Instant> nextDue() {
        return fillNear() ? Optional.of(Instant.ofEpochMilli(near.minDue())) : Optional.empty();
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
        if (max <= 0 || !fillNear() || near.minDue() > nowMillis) {
            return List.of();
        }
        List<DueWork> groups = new ArrayList<>();
        HashMap<QueueId, DueWork> byId = null; // only for big polls: a short list is faster to scan
        int taken = 0;
        while (taken < max && fillNear() && near.minDue() <= nowMillis) {
            int slot = near.removeMin();
            size--;
            QueueId id = (QueueId) ref[2 * slot];
            String recipient = (String) ref[2 * slot + 1];
            removeFromTable(tableIndexOfSlot(slot));
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

    // ---- near heap, wheel and far heap

    private static long tick(long dueMillis) {
        return dueMillis >> TICK_SHIFT; // an arithmetic shift floors, before 1970 too
    }

    /** Schedules a slot that is nowhere yet. */
    private void put(int slot, long dueMillis) {
        entry[2 * slot] = dueMillis;
        long t = tick(dueMillis);
        if (size == 0 || t <= current && near.size == 0 && (inWheel == 0 || wheelHigh - t < WHEEL - 1)) {
            // Before the current tick, an entry would go to the near heap. While that is empty
            // and the wheel's entries stay within reach, move the wheel's window back instead:
            // else a journal replay (arrival times, then retry times, in no order) or a clock
            // set back would pile thousands into the near heap, where every sift costs misses.
            current = t - 1;
        }
        place(slot, dueMillis);
        size++;
    }

    private void place(int slot, long dueMillis) {
        long ahead = tick(dueMillis) - current;
        if (ahead <= 0) {
            near.add(slot, dueMillis);
        } else if (ahead < WHEEL) {
            long t = tick(dueMillis);
            wheelHigh = inWheel == 0 ? t : Math.max(wheelHigh, t);
            addToBucket(slot, (int) t & WHEEL_MASK);
        } else {
            far.add(slot, dueMillis);
        }
    }

    /** Takes a scheduled slot out of wherever it is; the slot and its table entry stay. */
    private void take(int slot) {
        long dueMillis = entry[2 * slot];
        long ahead = tick(dueMillis) - current;
        if (ahead <= 0) {
            near.removeAt(where(slot));
        } else if (ahead < WHEEL) {
            removeFromBucket(slot, (int) tick(dueMillis) & WHEEL_MASK);
        } else {
            far.removeAt(where(slot));
        }
        size--;
    }

    /**
     * Makes the near heap hold the earliest entry, if there is any: when it has run empty,
     * the current tick advances to the next non-empty bucket (or, with an empty wheel, to the
     * far heap's earliest), that bucket moves into the near heap, and far entries now within
     * the wheel's reach move into the wheel.
     */
    private boolean fillNear() {
        if (near.size > 0) {
            return true;
        }
        if (size == 0) {
            return false;
        }
        if (inWheel > 0) {
            int from = (int) current & WHEEL_MASK;
            int bucket = nextOccupiedBucket((from + 1) & WHEEL_MASK);
            current += (bucket - from) & WHEEL_MASK;
            emptyBucketIntoNear(bucket);
        } else {
            current = tick(far.minDue());
        }
        while (far.size > 0 && tick(far.minDue()) - current < WHEEL) {
            int slot = far.removeMin();
            place(slot, entry[2 * slot]);
        }
        return true;
    }

    private int where(int slot) {
        return (int) entry[2 * slot + 1];
    }

    private void setWhere(int slot, int where) {
        int i = 2 * slot + 1;
        entry[i] = (entry[i] & ~LOW) | (where & LOW);
    }

    private void addToBucket(int slot, int b) {
        int[] slots = bucket[b];
        int n = bucketSize[b];
        if (slots == null) {
            slots = bucket[b] = spares > 0 ? spare[--spares] : new int[8];
            occupied[b >>> 6] |= 1L << b;
        } else if (n == slots.length) {
            slots = bucket[b] = Arrays.copyOf(slots, grow(n));
        }
        slots[n] = slot;
        bucketSize[b] = n + 1;
        setWhere(slot, n);
        inWheel++;
    }

    private void removeFromBucket(int slot, int b) {
        int[] slots = bucket[b];
        int last = bucketSize[b] - 1;
        int at = where(slot);
        if (at != last) {
            int moved = slots[last];
            slots[at] = moved;
            setWhere(moved, at);
        }
        bucketSize[b] = last;
        if (last == 0) {
            bucket[b] = null; // an empty tick keeps no array: most ticks are empty most of the time
            occupied[b >>> 6] &= ~(1L << b);
            keepSpare(slots);
        }
        inWheel--;
    }

    private void emptyBucketIntoNear(int b) {
        int[] slots = bucket[b];
        int n = bucketSize[b];
        bucket[b] = null;
        bucketSize[b] = 0;
        occupied[b >>> 6] &= ~(1L << b);
        long[] t = table;
        int mask = t.length - 1;
        long touched = 0;
        for (int i = 0; i < n; i++) {
            int slot = slots[i];
            // Each of these slots will be polled soon, and its poll needs its references and its
            // table line. Loaded here, in a loop whose loads do not depend on each other, their
            // cache misses overlap instead of coming one at a time, poll after poll.
            if (ref[2 * slot] == null) {
                throw new IllegalStateException("scheduled slot " + slot + " has no message");
            }
            touched += t[(int) (entry[2 * slot + 1] >>> 32) & mask];
            near.add(slot, entry[2 * slot]);
        }
        loaded = touched;
        inWheel -= n;
        keepSpare(slots);
    }

    private void keepSpare(int[] slots) {
        if (spares < spare.length) {
            spare[spares++] = slots;
        }
    }

    /** The first non-empty bucket at or cyclically after {@code from}; the wheel must not be empty. */
    private int nextOccupiedBucket(int from) {
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

    /** A 4-ary heap of slots by due time: keys inline, four children to a cache line. */
    private final class DueHeap {
        private long[] dues;
        private int[] slots;
        private int size;

        DueHeap(int capacity) {
            dues = new long[capacity];
            slots = new int[capacity];
        }

        long minDue() {
            return dues[0];
        }

        void add(int slot, long due) {
            if (size == dues.length) {
                dues = Arrays.copyOf(dues, grow(dues.length));
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
            long[] e = entry;
            while (pos > 0) {
                int parent = (pos - 1) >>> 2;
                long parentDue = d[parent];
                if (parentDue <= due) {
                    break;
                }
                d[pos] = parentDue;
                int parentSlot = s[parent];
                s[pos] = parentSlot;
                e[2 * parentSlot + 1] = (e[2 * parentSlot + 1] & ~LOW) | pos;
                pos = parent;
            }
            d[pos] = due;
            s[pos] = slot;
            e[2 * slot + 1] = (e[2 * slot + 1] & ~LOW) | pos;
        }

        private void siftDown(int pos, long due, int slot) {
            long[] d = dues;
            int[] s = slots;
            long[] e = entry;
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
                e[2 * minSlot + 1] = (e[2 * minSlot + 1] & ~LOW) | pos;
                pos = min;
            }
            d[pos] = due;
            s[pos] = slot;
            e[2 * slot + 1] = (e[2 * slot + 1] & ~LOW) | pos;
        }
    }

    // ---- slots

    private int allocateSlot(QueueId id, String recipient, int hash) {
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

    private void freeSlot(int slot) {
        ref[2 * slot] = null; // let finished messages be collected
        ref[2 * slot + 1] = null;
        entry[2 * slot + 1] = freeSlot;
        freeSlot = slot;
    }

    // ---- the table from (id, recipient) to slot

    private static int hash(QueueId id, String recipient) {
        int h = id.value().hashCode() * 31 + recipient.hashCode();
        h *= 0x9E3779B9; // spread consecutive ids over the table
        return h ^ (h >>> 16);
    }

    private int tableIndexOf(QueueId id, String recipient, int hash) {
        long[] t = table;
        int mask = t.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            long e = t[i];
            if (e == 0) {
                return -1;
            }
            if ((int) (e >>> 32) == hash && sameRecipient((int) e - 1, id, recipient)) {
                return i;
            }
        }
    }

    private boolean sameRecipient(int slot, QueueId id, String recipient) {
        Object otherId = ref[2 * slot];
        Object otherRecipient = ref[2 * slot + 1];
        return (otherId == id || otherId.equals(id))
                && (otherRecipient == recipient || otherRecipient.equals(recipient));
    }

    private int tableIndexOfSlot(int slot) {
        long[] t = table;
        int mask = t.length - 1;
        int hash = (int) (entry[2 * slot + 1] >>> 32);
        long wanted = ((long) hash << 32) | (slot + 1);
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            if (t[i] == wanted) {
                return i;
            }
        }
    }

    private void insertIntoTable(int slot, int hash) {
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

    /** Linear probing's backward-shift delete: no tombstones, so lookups never slow down with churn. */
    private void removeFromTable(int index) {
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
    }

    private static int tableSizeFor(int entries) {
        int n = Integer.highestOneBit(Math.max(2, entries) * 2 - 1) << 1;
        return Math.max(n, 16);
    }

    private static int grow(int length) {
        return length + (length >> 1) + 1;
    }
}
