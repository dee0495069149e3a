package tern.queue;

import tern.envelope.Envelope;
import tern.outcome.Outcome;

/**
 * A queued message as {@link QueueState} holds it: a handful of objects whatever its number of
 * recipients, since a million of them must fit in a modest heap. The envelope is packed into
 * bytes ({@link PackedEnvelope}) and read back when a delivery or a report needs it; each
 * recipient is its name (the one string the scheduler shares), four longs in one array (next
 * due time, last attempt, when its delay notice went, and its state, notice flag and attempt
 * count), and its last outcome (shared or packed, see {@link SharedOutcomes}).
 */
final class HeldMessage {

    static final int PENDING = 0;
    static final int DELIVERED = 1;
    static final int FAILED = 2;
    static final long NEVER = Long.MIN_VALUE;

    private static final int NEXT_DUE = 0;
    private static final int LAST_ATTEMPT = 1;
    private static final int NOTIFIED = 2;
    private static final int FLAGS = 3; // state in bits 0-1, notice scheduled in bit 2, attempts from bit 8
    private static final int WORDS = 4;
    private static final long STATE_MASK = 3;
    private static final long NOTICE_BIT = 4;

    final QueueId id;
    final long arrival;
    final int size;
    private final byte[] envelope;
    private final Object names; // one recipient: its String; more: String[]
    private final long[] words;
    private Object outcomes; // one recipient: what SharedOutcomes kept; more: Object[]
    int pending;

    HeldMessage(Envelope envelope, int size, SharedWords shared) {
        this.id = envelope.id();
        this.arrival = envelope.arrival().toEpochMilli();
        this.size = size;
        this.envelope = PackedEnvelope.pack(envelope, shared);
        int n = envelope.recipients().size();
        if (n == 1) {
            names = envelope.recipients().getFirst().address().toString();
        } else {
            String[] all = new String[n];
            for (int i = 0; i < n; i++) {
                all[i] = envelope.recipients().get(i).address().toString();
            }
            names = all;
            outcomes = new Object[n];
        }
        words = new long[WORDS * n];
        for (int i = 0; i < n; i++) {
            words[WORDS * i + NEXT_DUE] = arrival;
            words[WORDS * i + LAST_ATTEMPT] = NEVER;
            words[WORDS * i + NOTIFIED] = NEVER;
        }
        pending = n;
    }

    Envelope envelope(SharedWords shared) {
        return PackedEnvelope.unpack(id, arrival, envelope, this, shared);
    }

    int recipients() {
        return words.length / WORDS;
    }

    String name(int i) {
        return names instanceof String one ? one : ((String[]) names)[i];
    }

    /** The recipient's index, or -1. */
    int indexOf(String name) {
        if (names instanceof String one) {
            return one.equals(name) ? 0 : -1;
        }
        String[] all = (String[]) names;
        for (int i = 0; i < all.length; i++) {
            if (all[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    int state(int i) {
        return (int) (words[WORDS * i + FLAGS] & STATE_MASK);
    }

    void setState(int i, int state) {
        words[WORDS * i + FLAGS] = (words[WORDS * i + FLAGS] & ~STATE_MASK) | state;
    }

    int attempts(int i) {
        return (int) (words[WORDS * i + FLAGS] >>> 8);
    }

    void setAttempts(int i, int attempts) {
        words[WORDS * i + FLAGS] = (words[WORDS * i + FLAGS] & 0xFF) | (long) attempts << 8;
    }

    boolean noticeScheduled(int i) {
        return (words[WORDS * i + FLAGS] & NOTICE_BIT) != 0;
    }

    void setNoticeScheduled(int i, boolean scheduled) {
        long w = words[WORDS * i + FLAGS];
        words[WORDS * i + FLAGS] = scheduled ? w | NOTICE_BIT : w & ~NOTICE_BIT;
    }

    long nextDue(int i) {
        return words[WORDS * i + NEXT_DUE];
    }

    void setNextDue(int i, long millis) {
        words[WORDS * i + NEXT_DUE] = millis;
    }

    long lastAttempt(int i) {
        return words[WORDS * i + LAST_ATTEMPT];
    }

    void setLastAttempt(int i, long millis) {
        words[WORDS * i + LAST_ATTEMPT] = millis;
    }

    long delayNotifiedAt(int i) {
        return words[WORDS * i + NOTIFIED];
    }

    void setDelayNotifiedAt(int i, long millis) {
        words[WORDS * i + NOTIFIED] = millis;
    }

    Outcome outcome(int i, SharedOutcomes shared) {
        return shared.read(outcomes instanceof Object[] all ? all[i] : outcomes);
    }

    /** Keeps what {@link SharedOutcomes#keep} returned. */
    void setOutcome(int i, Object kept) {
        if (outcomes instanceof Object[] all) {
            all[i] = kept;
        } else {
            outcomes = kept;
        }
    }
}
