package tern.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tern.config.TernConfig;

class RetryScheduleTest {

    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    @Test
    void retriesAtFirstSecondThirdThenSubsequentIntervalsEachCountedFromThePreviousAttempt() {
        var schedule = RetrySchedule.from(TernConfig.Retry.defaults());
        List<Instant> attempts = new ArrayList<>();
        Instant last = T0;
        attempts.add(last); // the first attempt happens on arrival
        for (int n = 1; n < 7; n++) {
            last = schedule.nextAttempt(n, last).orElseThrow();
            attempts.add(last);
        }
        assertThat(attempts).containsExactly(T0, T0.plus(min(15)), T0.plus(min(45)), T0.plus(min(105)),
                T0.plus(min(345)), T0.plus(min(585)), T0.plus(min(825)));
    }

    @Test
    void beforeAnyAttemptTheRecipientIsDueAtOnce() {
        assertThat(RetrySchedule.defaults().nextAttempt(0, T0)).contains(T0);
    }

    @Test
    void intervalsCountFromTheLastAttemptNotFromArrival() {
        // A slow second attempt (finished at +25m instead of +15m) pushes the third back.
        assertThat(RetrySchedule.defaults().nextAttempt(2, T0.plus(min(25)))).contains(T0.plus(min(55)));
    }

    @Test
    void aLimitOfThreeAllowsNoFourthAttempt() {
        var schedule = new RetrySchedule(min(15), min(30), min(60), min(240), 3);
        assertThat(schedule.nextAttempt(1, T0)).isPresent();
        assertThat(schedule.nextAttempt(2, T0)).isPresent();
        assertThat(schedule.nextAttempt(3, T0)).isEqualTo(Optional.empty());
        assertThat(schedule.limitReached(3)).isTrue();
    }

    @Test
    void limitZeroRetriesUntilExpirationDecidesOtherwise() {
        assertThat(RetrySchedule.defaults().nextAttempt(10_000, T0)).contains(T0.plus(min(240)));
    }

    @Test
    void negativeIntervalsAndLimitsAreRefused() {
        assertThatThrownBy(() -> new RetrySchedule(min(-1), min(30), min(60), min(240), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetrySchedule(min(15), min(30), min(60), min(240), -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Duration min(long minutes) {
        return Duration.ofMinutes(minutes);
    }
}
