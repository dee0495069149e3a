package tern.queue;

import java.time.Duration;
import tern.outcome.LocalDecision;
import tern.outcome.Outcome;
import tern.outcome.RemoteReply;

/**
 * How many deliveries one destination may have under way, and whether it may have another
 * now: the arithmetic of Postfix's qmgr concurrency scheduler, in Tern's words. Pure: the
 * caller passes the time (epoch milliseconds) and owns the instance (one thread).
 *
 * <p>The rule, with its constants:
 * <ul>
 *   <li>A destination starts with a window of {@link #INITIAL} deliveries at once (or its
 *       limit, if smaller): a destination nobody knows yet is not sent a thousand
 *       connections before it has answered one.</li>
 *   <li>Each success (a host answered the transaction, whatever it said to the recipients)
 *       widens the window by one, up to the destination's limit. Each failure (no
 *       connection, a lost or broken session, an error greeting, a 421) narrows it by one,
 *       down to one.</li>
 *   <li>A <em>failed cohort</em>: as many failures in a row as the window held when the run
 *       of failures began. The destination is then <em>down</em> for {@link #PAUSE}: its
 *       mail is deferred without connecting. When the pause is over, one delivery (the
 *       probe) goes out alone; a success brings the destination back with its initial
 *       window, a failure starts another pause.</li>
 *   <li>Outcomes that say nothing about the host (a DNS answer, a local delivery) change
 *       nothing but the count under way.</li>
 *   <li>The limit and the rate are read again at every decision, so a reload applies at the
 *       next dispatch. A rate spaces the starts evenly ({@code 2/s}: one every 500 ms), so
 *       nothing goes out in bursts.</li>
 * </ul>
 */
public final class DestinationWindow {

    /** The window of a destination not yet known. */
    public static final int INITIAL = 5;
    /** How long a destination is down after a failed cohort. */
    public static final Duration PAUSE = Duration.ofMinutes(1);

    /** What the caller may do now with this destination's next delivery. */
    public enum Verdict {
        /** Start it. */
        START,
        /** Wait: as many deliveries as the window allows are under way (a probe, when down). */
        FULL,
        /** Wait until {@link #nextStartAt()}: the rate allows no start before. */
        PACED,
        /** Defer it without connecting: the destination is down until {@link #downUntil()}. */
        DOWN
    }

    /** What one finished delivery says about the destination. */
    public enum Feedback {
        SUCCESS, FAILURE, NEUTRAL;

        /**
         * From the outcomes of one delivery: a success when a host answered the transaction
         * (any reply but 421), a failure when none did and Tern gave up on the host (no
         * connection, lost session, error greeting, protocol error, TLS policy, 421),
         * neutral otherwise (DNS, local delivery, a message refused before sending).
         */
        public static Feedback of(Iterable<Outcome> outcomes) {
            boolean failure = false;
            for (Outcome o : outcomes) {
                switch (o) {
                    case RemoteReply r -> {
                        if (r.code() != 421) {
                            return SUCCESS;
                        }
                        failure = true;
                    }
                    case LocalDecision d -> failure |= switch (d.reason()) {
                        case CONNECTION_FAILED, CONNECTION_LOST, PROTOCOL_ERROR, HOST_REFUSED, TLS_POLICY -> true;
                        default -> false;
                    };
                }
            }
            return failure ? FAILURE : NEUTRAL;
        }
    }

    private static final long NEVER = Long.MIN_VALUE;

    private final long pauseMillis;
    private int window = INITIAL;
    private int inFlight;
    private int failuresInRow;
    private int cohort;
    private long downUntil = NEVER;
    private boolean probing;
    private long nextStartAt = NEVER;
    private int limit = Integer.MAX_VALUE;
    private long intervalMillis;

    public DestinationWindow() {
        this(PAUSE);
    }

    public DestinationWindow(Duration pause) {
        this.pauseMillis = pause.toMillis();
    }

    /**
     * The limits in force now: at most {@code connections} at once, and starts at least
     * {@code interval} apart (null or zero: no rate). Called before each decision.
     */
    public void limits(int connections, Duration interval) {
        this.limit = Math.max(1, connections);
        this.intervalMillis = interval == null ? 0 : interval.toMillis();
    }

    /**
     * The limits of a destination that is no remote host (local delivery): its window is its
     * limit from the start, since there is no host to spare and no feedback to wait for.
     */
    public void fixedLimits(int connections, Duration interval) {
        limits(connections, interval);
        window = limit;
    }

    /** Whether the next delivery may start at {@code now}. */
    public Verdict decide(long now) {
        if (downUntil != NEVER) {
            if (now < downUntil) {
                return Verdict.DOWN;
            }
            if (probing || inFlight > 0) {
                return Verdict.FULL; // the probe decides alone
            }
        } else if (inFlight >= effectiveWindow()) {
            return Verdict.FULL;
        }
        if (intervalMillis > 0 && nextStartAt != NEVER && now < nextStartAt) {
            return Verdict.PACED;
        }
        return Verdict.START;
    }

    /** A delivery started at {@code now} (after {@link Verdict#START}). */
    public void started(long now) {
        inFlight++;
        if (downUntil != NEVER) {
            probing = true;
        }
        if (intervalMillis > 0) {
            nextStartAt = Math.max(nextStartAt == NEVER ? now : nextStartAt, now) + intervalMillis;
        }
    }

    /** A delivery finished at {@code now} with {@code feedback}. */
    public void finished(Feedback feedback, long now) {
        inFlight = Math.max(0, inFlight - 1);
        switch (feedback) {
            case SUCCESS -> {
                failuresInRow = 0;
                if (downUntil != NEVER) {
                    downUntil = NEVER; // the probe got through: back, with a fresh start
                    probing = false;
                    window = INITIAL;
                } else {
                    window = Math.min(window + 1, Math.max(limit, INITIAL));
                }
            }
            case FAILURE -> {
                if (failuresInRow == 0) {
                    cohort = Math.max(1, effectiveWindow());
                }
                failuresInRow++;
                window = Math.max(1, window - 1);
                if (probing || failuresInRow >= cohort) {
                    downUntil = now + pauseMillis;
                    probing = false;
                }
            }
            case NEUTRAL -> probing = false;
        }
    }

    /** Deliveries under way. */
    public int inFlight() {
        return inFlight;
    }

    /** The window in force: the adaptive window within the limit. */
    public int effectiveWindow() {
        return Math.min(window, limit);
    }

    public boolean isDown(long now) {
        return downUntil != NEVER && now < downUntil;
    }

    /** Until when the destination is down; meaningful after {@link Verdict#DOWN}. */
    public long downUntil() {
        return downUntil;
    }

    /** The earliest next start the rate allows; meaningful after {@link Verdict#PACED}. */
    public long nextStartAt() {
        return nextStartAt;
    }

    /** Whether the window keeps nothing worth remembering: nothing under way, not down, not paced. */
    public boolean isIdle(long now) {
        return inFlight == 0 && downUntil == NEVER && failuresInRow == 0 && (nextStartAt == NEVER || nextStartAt <= now)
                && window >= INITIAL;
    }
}
