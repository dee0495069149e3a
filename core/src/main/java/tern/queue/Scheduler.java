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
 * <p>What is promised: due times have millisecond precision; {@link #pollDue} never returns
 * a recipient before its due time, returns the earliest due ones first (exactly: no
 * coarsening), and loses nothing; {@link #nextDue} is the exact earliest due time. Among
 * entries due at the same millisecond the order is unspecified.
 *
 * <p>Why this shape: a queue may hold a million pending recipients, and an object per entry
 * (a {@code PriorityQueue} of records plus a {@code HashMap} to find them again) costs around
 * 100 bytes each and a pointer chase per comparison. Here an entry is a <em>slot</em> number
 * into parallel arrays; its due time and its links share 16 bytes of one array, so touching
 * an entry is touching one cache line. A single heap over a million entries was still too
 * slow (about ten cache misses and as many position updates per poll), so entries are kept
 * in three places by due time, in the manner of a timing wheel:
 * <ul>
 * <li>the <em>near</em> heap: everything due up to the end of the current tick (a tick is
 *     1.024 s), ordered exactly; it holds tens of entries, so its sifts stay in cache;</li>
 * <li>the <em>wheel</em>: one unordered, doubly linked bucket per tick for the next 18.6
 *     hours; a schedule is a push onto a bucket and a cancel an unlink, both O(1); when the
 *     near heap runs empty, the next non-empty bucket (found with a bitmap) moves into it;</li>
 * <li>the <em>far</em> heap: the rest, moved into the wheel as it comes within reach.</li>
 * </ul>
 * Which of the three holds an entry follows from its tick and the current tick alone, so no
 * entry records where it is. An open-addressing table of (hash, slot) pairs finds a
 * (message, recipient) pair for {@link #reschedule} and {@link #cancel} without touching the
 * entries it probes past. About 41 bytes per entry, no allocation per schedule. The id and
 * recipient strings are the caller's own objects, only referenced.
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

    private static final int INITIAL_CAPACITY = 64;
    private static final int FREE_END = -1;
    /** A tick is 2^10 ms: fine enough that a bucket holds tens of entries of a big queue. */
    private static final int TICK_SHIFT = 10;
    /** 2^16 ticks of 1.024 s reach 18.6 hours ahead, past the longest usual retry interval. */
    private static final int WHEEL_BITS = 16;
    private static final int WHEEL = 1 << WHEEL_BITS;
    private static final int WHEEL_MASK = WHEEL - 1;
    /** Links and bucket heads hold slot + 1, so that 0 (a new array's value) is "none". */
    private static final int NONE = 0;

    // Entries, by slot: entry[2 * slot] is the due time in epoch milliseconds; entry[2 * slot + 1]
    // is, in a wheel bucket, (next + 1) << 32 | (previous + 1); in a heap, the position there;
    // for a free slot, the next free slot.
    private long[] entry;
    private QueueId[] slotId;
    private String[] slotRecipient;
    private int freeSlot = FREE_END;
    private int slotsInUse; // high-water mark of slots ever handed out
    private int size;

    // Open addressing with linear probing: hash << 32 | (slot + 1), 0 = empty. Kept at most half full.
    private long[] table;

    // The near heap holds ticks <= current, the wheel current < tick < current + WHEEL, the far heap the rest.
    private long current;
    private final DueHeap near = new DueHeap(INITIAL_CAPACITY);
    private final DueHeap far = new DueHeap(INITIAL_CAPACITY);
    private final int[] bucketHead = new int[WHEEL];
    private final long[] occupied = new long[WHEEL >>> 6]; // a bit per non-empty bucket
    private int inWheel;

    public Scheduler() {
        this(INITIAL_CAPACITY);
    }

    /** A scheduler sized for {@code expected} entries, so loading a big queue does not regrow. */
    public Scheduler(int expected) {
        int capacity = Math.max(INITIAL_CAPACITY, expected);
        entry = new long[2 * capacity];
        slotId = new QueueId[capacity];
        slotRecipient = new String[capacity];
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
            slot = allocateSlot(id, recipient);
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
            QueueId id = slotId[slot];
            String recipient = slotRecipient[slot];
            removeFromTable(tableIndexOfSlot(slot, hash(id, recipient)));
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
        while (fillNear() && near.minDue() <= nowMillis) {
            if (n == overdue.length) {
                overdue = Arrays.copyOf(overdue, grow(n));
            }
            overdue[n++] = near.removeMin(); // the slot and its table entry stay: only its due time changes
            size--;
        }
        if (n == 0) {
            return 0;
        }
        long windowMillis = Math.min(window.toMillis(), (long) n * SPREAD_PACE.toMillis());
        for (int i = 0; i < n; i++) {
            long offset = (long) ((double) windowMillis * i / n);
            put(overdue[i], nowMillis + offset);
        }
        return n;
    }

    // ---- near heap, wheel and far heap

    private static long tick(long dueMillis) {
        return dueMillis >> TICK_SHIFT; // an arithmetic shift floors, before 1970 too
    }

    /** Schedules a slot that is nowhere yet. */
    private void put(int slot, long dueMillis) {
        entry[2 * slot] = dueMillis;
        if (size == 0) {
            current = tick(dueMillis); // nothing anywhere: the wheel may start over from here
        }
        place(slot, dueMillis);
        size++;
    }

    private void place(int slot, long dueMillis) {
        long ahead = tick(dueMillis) - current;
        if (ahead <= 0) {
            near.add(slot, dueMillis);
        } else if (ahead < WHEEL) {
            addToBucket(slot, (int) tick(dueMillis) & WHEEL_MASK);
        } else {
            far.add(slot, dueMillis);
        }
    }

    /** Takes a scheduled slot out of wherever it is; the slot and its table entry stay. */
    private void take(int slot) {
        long dueMillis = entry[2 * slot];
        long ahead = tick(dueMillis) - current;
        if (ahead <= 0) {
            near.removeAt((int) entry[2 * slot + 1]);
        } else if (ahead < WHEEL) {
            removeFromBucket(slot, (int) tick(dueMillis) & WHEEL_MASK);
        } else {
            far.removeAt((int) entry[2 * slot + 1]);
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

    private void addToBucket(int slot, int bucket) {
        int head = bucketHead[bucket];
        entry[2 * slot + 1] = (long) head << 32; // next: the old head; previous: none
        if (head == NONE) {
            occupied[bucket >>> 6] |= 1L << bucket;
        } else {
            int i = 2 * (head - 1) + 1;
            entry[i] = (entry[i] & 0xFFFF_FFFF_0000_0000L) | (slot + 1);
        }
        bucketHead[bucket] = slot + 1;
        inWheel++;
    }

    private void removeFromBucket(int slot, int bucket) {
        long link = entry[2 * slot + 1];
        int next = (int) (link >>> 32);
        int previous = (int) link;
        if (previous == NONE) {
            bucketHead[bucket] = next;
            if (next == NONE) {
                occupied[bucket >>> 6] &= ~(1L << bucket);
            }
        } else {
            int i = 2 * (previous - 1) + 1;
            entry[i] = ((long) next << 32) | (entry[i] & 0xFFFF_FFFFL);
        }
        if (next != NONE) {
            int i = 2 * (next - 1) + 1;
            entry[i] = (entry[i] & 0xFFFF_FFFF_0000_0000L) | (previous & 0xFFFF_FFFFL);
        }
        inWheel--;
    }

    private void emptyBucketIntoNear(int bucket) {
        int e = bucketHead[bucket];
        bucketHead[bucket] = NONE;
        occupied[bucket >>> 6] &= ~(1L << bucket);
        while (e != NONE) {
            int slot = e - 1;
            e = (int) (entry[2 * slot + 1] >>> 32); // read before the heap overwrites the link
            near.add(slot, entry[2 * slot]);
            inWheel--;
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
                e[2 * parentSlot + 1] = pos;
                pos = parent;
            }
            d[pos] = due;
            s[pos] = slot;
            e[2 * slot + 1] = pos;
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
                e[2 * minSlot + 1] = pos;
                pos = min;
            }
            d[pos] = due;
            s[pos] = slot;
            e[2 * slot + 1] = pos;
        }
    }

    // ---- slots

    private int allocateSlot(QueueId id, String recipient) {
        int slot;
        if (freeSlot != FREE_END) {
            slot = freeSlot;
            freeSlot = (int) entry[2 * slot + 1];
        } else {
            if (slotsInUse == slotId.length) {
                int capacity = grow(slotId.length);
                entry = Arrays.copyOf(entry, 2 * capacity);
                slotId = Arrays.copyOf(slotId, capacity);
                slotRecipient = Arrays.copyOf(slotRecipient, capacity);
            }
            slot = slotsInUse++;
        }
        slotId[slot] = id;
        slotRecipient[slot] = recipient;
        return slot;
    }

    private void freeSlot(int slot) {
        slotId[slot] = null; // let finished messages be collected
        slotRecipient[slot] = null;
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
        QueueId otherId = slotId[slot];
        String otherRecipient = slotRecipient[slot];
        return (otherId == id || otherId.equals(id))
                && (otherRecipient == recipient || otherRecipient.equals(recipient));
    }

    private int tableIndexOfSlot(int slot, int hash) {
        long[] t = table;
        int mask = t.length - 1;
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
