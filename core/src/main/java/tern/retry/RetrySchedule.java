package tern.retry;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import tern.config.TernConfig;

/**
 * When to try a recipient again after a transient failure: the Delivery tab's four retry
 * intervals, each counted from the previous attempt, and an optional limit on attempts.
 *
 * <pre>
 *   attempts so far   wait before the next one   (defaults)
 *   0                 none: try at once           arrival
 *   1                 first                       +15m
 *   2                 second                      +30m
 *   3                 third                       +60m
 *   4, 5, ...         subsequent                  +240m
 *   limit (if > 0)    none: give up
 * </pre>
 *
 * <p>Counting from the previous attempt rather than from arrival means a slow attempt (a
 * 10-minute timeout) pushes the following ones back instead of making them fire back to
 * back. Expiration is not this class's business: {@code tern.queue.DeliveryPolicy} caps
 * the schedule by the expiration timeout.
 */
public record RetrySchedule(Duration first, Duration second, Duration third, Duration subsequent, int limit) {

    public RetrySchedule {
        for (Duration d : new Duration[] {first, second, third, subsequent}) {
            Objects.requireNonNull(d, "retry interval");
            if (d.isNegative()) {
                throw new IllegalArgumentException("a retry interval cannot be negative: " + d);
            }
        }
        if (limit < 0) {
            throw new IllegalArgumentException("retry limit cannot be negative: " + limit);
        }
    }

    public static RetrySchedule from(TernConfig.Retry retry) {
        return new RetrySchedule(retry.first(), retry.second(), retry.third(), retry.subsequent(), retry.limit());
    }

    public static RetrySchedule defaults() {
        return from(TernConfig.Retry.defaults());
    }

    /** The wait after the {@code attemptsSoFar}-th attempt; zero before the first one. */
    public Duration delayAfter(int attemptsSoFar) {
        return switch (attemptsSoFar) {
            case 0 -> Duration.ZERO;
            case 1 -> first;
            case 2 -> second;
            case 3 -> third;
            default -> subsequent;
        };
    }

    /** True when {@code attemptsSoFar} attempts are all the limit allows. */
    public boolean limitReached(int attemptsSoFar) {
        return limit > 0 && attemptsSoFar >= limit;
    }

    /**
     * When the next attempt is due, given how many were made and when the last one was;
     * empty when the limit allows no more.
     */
    public Optional<Instant> nextAttempt(int attemptsSoFar, Instant lastAttempt) {
        if (attemptsSoFar < 0) {
            throw new IllegalArgumentException("attempts cannot be negative: " + attemptsSoFar);
        }
        if (limitReached(attemptsSoFar)) {
            return Optional.empty();
        }
        return Optional.of(lastAttempt.plus(delayAfter(attemptsSoFar)));
    }
}
