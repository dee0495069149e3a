package tern.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tern.outcome.LocalDecision;
import tern.outcome.Outcome;
import tern.outcome.RemoteReply;
import tern.queue.DestinationWindow.Feedback;
import tern.queue.DestinationWindow.Verdict;
import tern.smtp.Reply;

/** The window arithmetic with a clock the test moves (epoch milliseconds). */
class DestinationWindowTest {

    long now = 1_000_000;

    private int startAll(DestinationWindow w) {
        int started = 0;
        while (w.decide(now) == Verdict.START) {
            w.started(now);
            started++;
        }
        return started;
    }

    @Test
    void aNewDestinationStartsWithFiveAtOnceAndGrowsByOnePerSuccessUpToItsLimit() {
        var w = new DestinationWindow();
        w.limits(8, null);
        assertThat(startAll(w)).isEqualTo(5);
        assertThat(w.decide(now)).isEqualTo(Verdict.FULL);

        w.finished(Feedback.SUCCESS, now);
        assertThat(startAll(w)).as("one finished, window now 6: two more").isEqualTo(2);
        for (int i = 0; i < 10; i++) {
            w.finished(Feedback.SUCCESS, now);
            startAll(w);
        }
        assertThat(w.effectiveWindow()).isEqualTo(8);
        assertThat(w.inFlight()).isEqualTo(8);
    }

    @Test
    void aSmallerLimitCapsTheStartingWindowAndARaisedLimitAppliesAtTheNextDecision() {
        var w = new DestinationWindow();
        w.limits(1, null);
        assertThat(startAll(w)).isEqualTo(1);
        w.limits(4, null); // a reload from connections 1 to 4
        assertThat(startAll(w)).isEqualTo(3);
        assertThat(w.inFlight()).isEqualTo(4);
    }

    @Test
    void failuresNarrowTheWindowAndAFailedCohortTakesTheDestinationDownWithoutMoreConnections() {
        var w = new DestinationWindow(Duration.ofSeconds(60));
        w.limits(100, null);
        assertThat(startAll(w)).isEqualTo(5);
        for (int i = 0; i < 4; i++) {
            w.finished(Feedback.FAILURE, now);
            assertThat(w.decide(now)).as("failure %d narrows the window: no new start", i + 1).isEqualTo(Verdict.FULL);
        }
        w.finished(Feedback.FAILURE, now); // the fifth: the whole cohort failed
        assertThat(w.decide(now)).isEqualTo(Verdict.DOWN);
        assertThat(w.downUntil()).isEqualTo(now + 60_000);

        now += 59_999;
        assertThat(w.decide(now)).isEqualTo(Verdict.DOWN);
        now += 1;
        assertThat(w.decide(now)).as("the pause is over: one probe").isEqualTo(Verdict.START);
        w.started(now);
        assertThat(w.decide(now)).as("the probe decides alone").isEqualTo(Verdict.FULL);

        w.finished(Feedback.FAILURE, now);
        assertThat(w.decide(now)).as("a failed probe: another pause").isEqualTo(Verdict.DOWN);
        now += 60_000;
        w.started(now);
        w.finished(Feedback.SUCCESS, now);
        assertThat(startAll(w)).as("back, with the initial window").isEqualTo(5);
    }

    @Test
    void aSuccessInTheMiddleOfFailuresEndsTheRun() {
        var w = new DestinationWindow();
        w.limits(100, null);
        startAll(w);
        for (int i = 0; i < 4; i++) {
            w.finished(Feedback.FAILURE, now);
        }
        w.finished(Feedback.SUCCESS, now); // four failures left a window of one; the success widens it to two
        assertThat(w.isDown(now)).isFalse();
        assertThat(w.effectiveWindow()).isEqualTo(2);
        w.started(now);
        w.started(now);
        w.finished(Feedback.FAILURE, now);
        assertThat(w.isDown(now)).as("a new run: its cohort is the window of two").isFalse();
        w.finished(Feedback.FAILURE, now);
        assertThat(w.isDown(now)).isTrue();
    }

    @Test
    void aRateSpacesTheStartsEvenlyInsteadOfInBursts() {
        var w = new DestinationWindow();
        w.limits(100, Duration.ofMillis(500)); // 2/s
        assertThat(w.decide(now)).isEqualTo(Verdict.START);
        w.started(now);
        assertThat(w.decide(now)).isEqualTo(Verdict.PACED);
        assertThat(w.nextStartAt()).isEqualTo(now + 500);
        now += 499;
        assertThat(w.decide(now)).isEqualTo(Verdict.PACED);
        now += 1;
        assertThat(w.decide(now)).isEqualTo(Verdict.START);
        w.started(now);
        now += 10_000; // idle for a while: no burst saved up
        w.started(now);
        assertThat(w.decide(now)).isEqualTo(Verdict.PACED);
    }

    @Test
    void feedbackSaysSuccessWhenAHostAnsweredAndFailureWhenNoneDid() {
        Outcome rejected = new RemoteReply(new Reply(550, "5.1.1", "no such user"), "mx", "[192.0.2.1]:25");
        Outcome busy = new RemoteReply(new Reply(421, "4.3.2", "busy"), "mx", "[192.0.2.1]:25");
        Outcome refused = LocalDecision.of(LocalDecision.Reason.CONNECTION_FAILED, new Reply(451, "4.4.1", "refused"));
        Outcome dns = LocalDecision.of(LocalDecision.Reason.DNS, new Reply(451, "4.4.3", "servfail"));
        assertThat(Feedback.of(List.of(rejected))).isEqualTo(Feedback.SUCCESS);
        assertThat(Feedback.of(List.of(busy))).isEqualTo(Feedback.FAILURE);
        assertThat(Feedback.of(List.of(refused))).isEqualTo(Feedback.FAILURE);
        assertThat(Feedback.of(List.of(dns))).isEqualTo(Feedback.NEUTRAL);
    }
}
