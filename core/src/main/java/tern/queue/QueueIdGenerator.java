package tern.queue;

import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes queue ids from the wall clock in microseconds, written in 11 characters of
 * Crockford base32 so they sort by arrival.
 *
 * <p>Why a clock and not a counter: a restarted server has no counter to go on from,
 * but its clock has moved on. Each id is at least one microsecond after the previous
 * one, so a burst never repeats an id; a clock stepped backwards only slows that
 * counter down, it cannot repeat ids handed out before within this process. Across a
 * restart an id could only repeat if the clock went back by more than the server's
 * downtime; {@link #continueAfter} lets start-up rule that out with the last journaled id.
 */
public final class QueueIdGenerator {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final int LENGTH = 11; // 55 bits: microseconds until the year 3111

    private final InstantSource clock;
    private final AtomicLong last = new AtomicLong();

    public QueueIdGenerator(InstantSource clock) {
        this.clock = clock;
    }

    /** Never hand out an id at or before this one (used after replaying the journal). */
    public void continueAfter(QueueId id) {
        long value = decode(id.value());
        last.accumulateAndGet(value, Math::max);
    }

    public QueueId next() {
        var now = clock.instant();
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        long value = last.accumulateAndGet(micros, (prev, candidate) -> Math.max(prev + 1, candidate));
        return new QueueId(encode(value));
    }

    static String encode(long value) {
        char[] out = new char[LENGTH];
        for (int i = LENGTH - 1; i >= 0; i--) {
            out[i] = ALPHABET[(int) (value & 31)];
            value >>>= 5;
        }
        return new String(out);
    }

    static long decode(String text) {
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            int digit = new String(ALPHABET).indexOf(Character.toUpperCase(text.charAt(i)));
            if (digit < 0) {
                return 0; // not one of ours: nothing to continue after
            }
            value = (value << 5) | digit;
        }
        return value;
    }
}
