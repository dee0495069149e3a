package tern.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;

/**
 * What is due when: one due time per pending recipient (and per delay notice), and the
 * earliest ones first.
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
 * <p>A recipient's delay notice is an entry of its own, named by {@link #noticeKey}; it is
 * kept under the recipient's own name object with a flag, so it costs no string.
 *
 * <p>Why this shape: a queue may hold a million pending recipients, and an object per entry
 * (a {@code PriorityQueue} of records plus a {@code HashMap} to find them again) costs around
 * 100 bytes each and a pointer chase per comparison. Here an entry is a slot in parallel
 * arrays ({@link DueSlots}), found again by an open-addressing {@link SlotIndex}. A single
 * heap over a million entries was still too slow (about ten cache misses and as many
 * position updates per poll), so entries are kept in three places by due time:
 * <ul>
 * <li>the <em>near</em> {@link DueHeap}: everything due up to the end of the current tick
 *     (2.048 s), ordered exactly; it holds about a hundred entries, so its sifts stay in cache;</li>
 * <li>the {@link TimingWheel}: one unordered bucket per tick for the next 37.3 hours; when
 *     the near heap runs empty, the next non-empty bucket moves into it;</li>
 * <li>the <em>far</em> heap: the rest, moved into the wheel as it comes within reach.</li>
 * </ul>
 * Which of the three holds an entry follows from its tick and the current tick alone. About
 * 46 bytes per entry, and no allocation per schedule beyond a bucket's array now and then.
 */
public final class Scheduler {

    /** One message's recipients that are due now, to be tried together where they share a next hop. */
    public record DueWork(QueueId id, List<String> recipients) {
    }

    private static final int INITIAL_CAPACITY = 64;
    private static final char NOTICE = '\0';

    private final DueSlots slots;
    private final SlotIndex index;
    private final TimingWheel wheel;
    // The near heap holds ticks <= current, the wheel current < tick < current + wheel size, the
    // far heap the rest. The current tick only moves back while the near heap is empty (see put).
    private final DueHeap near;
    private final DueHeap far;
    private long current;
    private int size;
    @SuppressWarnings("unused")
    private long loaded; // keeps the JIT from dropping the loads that warm a bucket's table lines

    public Scheduler() {
        this(INITIAL_CAPACITY);
    }

    /** A scheduler sized for {@code expected} entries, so loading a big queue does not regrow. */
    public Scheduler(int expected) {
        int capacity = Math.max(INITIAL_CAPACITY, expected);
        slots = new DueSlots(capacity);
        index = new SlotIndex(slots, capacity);
        wheel = new TimingWheel(slots);
        near = new DueHeap(slots, INITIAL_CAPACITY);
        far = new DueHeap(slots, INITIAL_CAPACITY);
    }

    /** The scheduler key of a recipient's delay notice: its name after a NUL, which no address contains. */
    public static String noticeKey(String recipient) {
        return NOTICE + recipient;
    }

    /** The recipient a scheduler key names, when it is a delay notice's key; else null. */
    public static String noticeOf(String key) {
        return isNotice(key) ? key.substring(1) : null;
    }

    private static boolean isNotice(String key) {
        return !key.isEmpty() && key.charAt(0) == NOTICE;
    }

    /** How many recipients (and notices) are scheduled. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Makes the recipient (or, for a {@link #noticeKey}, its notice) due at {@code due}, whether it was scheduled before or not. */
    public void schedule(QueueId id, String recipient, Instant due) {
        boolean notice = isNotice(recipient);
        schedule(id, notice ? recipient.substring(1) : recipient, notice, due.toEpochMilli());
    }

    /** Makes a recipient's delay notice due at {@code due}, keyed by the recipient's own name object. */
    void scheduleNotice(QueueId id, String recipient, Instant due) {
        schedule(id, recipient, true, due.toEpochMilli());
    }

    private void schedule(QueueId id, String recipient, boolean notice, long dueMillis) {
        int hash = hash(id, recipient, notice);
        int slot = index.slotOf(id, recipient, hash);
        if (slot >= 0) {
            take(slot);
        } else {
            slot = slots.allocate(id, recipient, hash);
            index.insert(slot, hash);
        }
        put(slot, dueMillis);
    }

    /** Moves a scheduled recipient to {@code due}; false (and nothing scheduled) when it is not scheduled. */
    public boolean reschedule(QueueId id, String recipient, Instant due) {
        int slot = slotOf(id, recipient);
        if (slot < 0) {
            return false;
        }
        take(slot);
        put(slot, due.toEpochMilli());
        return true;
    }

    /** Forgets a recipient (or a notice, by its {@link #noticeKey}); false when it was not scheduled. */
    public boolean cancel(QueueId id, String recipient) {
        return cancel(slotOf(id, recipient));
    }

    boolean cancelNotice(QueueId id, String recipient) {
        return cancel(index.slotOf(id, recipient, hash(id, recipient, true)));
    }

    private boolean cancel(int slot) {
        if (slot < 0) {
            return false;
        }
        index.remove(slot);
        take(slot);
        slots.free(slot);
        return true;
    }

    public boolean isScheduled(QueueId id, String recipient) {
        return slotOf(id, recipient) >= 0;
    }

    /** When the recipient is due, if it is scheduled. */
    public Optional<Instant> dueTime(QueueId id, String recipient) {
        int slot = slotOf(id, recipient);
        return slot < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(slots.due(slot)));
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
     * attempt is deferred. A notice comes as its {@link #noticeKey}.
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
            QueueId id = slots.id(slot);
            String recipient = slots.isNotice(slot) ? noticeKey(slots.recipient(slot)) : slots.recipient(slot);
            index.remove(slot);
            slots.free(slot);
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

    /** Schedules a slot that is nowhere yet. */
    private void put(int slot, long dueMillis) {
        slots.setDue(slot, dueMillis);
        long t = TimingWheel.tick(dueMillis);
        if (size == 0 || t <= current && near.size == 0
                && (wheel.size == 0 || wheel.high - t < TimingWheel.SIZE - 1)) {
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
        long t = TimingWheel.tick(dueMillis);
        long ahead = t - current;
        if (ahead <= 0) {
            near.add(slot, dueMillis);
        } else if (ahead < TimingWheel.SIZE) {
            wheel.add(slot, t);
        } else {
            far.add(slot, dueMillis);
        }
    }

    /** Takes a scheduled slot out of wherever it is; the slot and its index entry stay. */
    private void take(int slot) {
        long t = TimingWheel.tick(slots.due(slot));
        long ahead = t - current;
        if (ahead <= 0) {
            near.removeAt(slots.where(slot));
        } else if (ahead < TimingWheel.SIZE) {
            wheel.remove(slot, t);
        } else {
            far.removeAt(slots.where(slot));
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
        if (wheel.size > 0) {
            int from = (int) current & TimingWheel.MASK;
            int bucket = wheel.nextOccupied((from + 1) & TimingWheel.MASK);
            current += (bucket - from) & TimingWheel.MASK;
            loaded = wheel.emptyInto(bucket, near, index);
        } else {
            current = TimingWheel.tick(far.minDue());
        }
        while (far.size > 0 && TimingWheel.tick(far.minDue()) - current < TimingWheel.SIZE) {
            int slot = far.removeMin();
            place(slot, slots.due(slot));
        }
        return true;
    }

    private int slotOf(QueueId id, String recipient) {
        boolean notice = isNotice(recipient);
        String name = notice ? recipient.substring(1) : recipient;
        return index.slotOf(id, name, hash(id, name, notice));
    }

    /** Spreads consecutive ids over the index; the lowest bit tells a notice from a retry. */
    private static int hash(QueueId id, String recipient, boolean notice) {
        int h = id.value().hashCode() * 31 + recipient.hashCode();
        h *= 0x9E3779B9;
        h ^= h >>> 16;
        return notice ? h | 1 : h & ~1;
    }
}
