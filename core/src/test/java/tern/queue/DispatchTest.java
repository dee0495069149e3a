package tern.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tern.address.Mailbox;
import tern.envelope.Recipient;
import tern.outcome.LocalDecision;
import tern.outcome.Outcome;
import tern.outcome.RemoteReply;
import tern.route.Destination;
import tern.route.Route;
import tern.smtp.Reply;

/** Dispatch decisions over several destinations, with the time given by the test. */
class DispatchTest {

    static final Destination STALLED = new Destination("stalled.test");
    static final Destination HEALTHY = new Destination("healthy.test");
    static final Outcome OK = new RemoteReply(new Reply(250, "2.0.0", "ok"), "mx", "[192.0.2.1]:25");
    static final Outcome REFUSED = LocalDecision.of(LocalDecision.Reason.CONNECTION_FAILED,
            new Reply(451, "4.4.1", "connection refused by [192.0.2.1]:25"));

    long now = 1_000_000;
    int ids;
    final List<Dispatch.Job> started = new ArrayList<>();
    final List<Dispatch.Job> deferred = new ArrayList<>();
    final Dispatch.Decisions decisions = new Dispatch.Decisions() {
        @Override
        public void start(Dispatch.Job job) {
            started.add(job);
        }

        @Override
        public void down(Dispatch.Job job, long until, Outcome lastFailure) {
            deferred.add(job);
        }
    };

    Dispatch.Job job(Destination d) {
        var r = Recipient.of(new Mailbox("r" + ids, d.name()));
        return new Dispatch.Job(new QueueId("M" + ids++), List.of(r), new Route.Mx(d.name()), d);
    }

    long startedFor(Destination d) {
        return started.stream().filter(j -> j.destination().equals(d)).count();
    }

    @Test
    void aStalledDestinationAtItsWindowHoldsUpNothingElse() {
        var dispatch = new Dispatch(10, Dispatch_limits(100));
        for (int i = 0; i < 1000; i++) {
            dispatch.offer(job(STALLED));
        }
        dispatch.run(now, decisions);
        assertThat(startedFor(STALLED)).isEqualTo(5); // its initial window, never answering

        dispatch.offer(job(HEALTHY));
        dispatch.run(now, decisions);
        assertThat(startedFor(HEALTHY)).isEqualTo(1);
        assertThat(dispatch.backlog()).isEqualTo(995);
    }

    @Test
    void theTotalWindowIsSharedInTurnsAndAFinishedDeliveryLetsTheNextOneGo() {
        var dispatch = new Dispatch(4, Dispatch_limits(100));
        for (int i = 0; i < 10; i++) {
            dispatch.offer(job(STALLED));
            dispatch.offer(job(HEALTHY));
        }
        dispatch.run(now, decisions);
        assertThat(started).hasSize(4);
        assertThat(startedFor(HEALTHY)).isEqualTo(2);

        Dispatch.Job first = started.getFirst();
        dispatch.finished(first, List.of(OK), now);
        dispatch.run(now, decisions);
        assertThat(started).hasSize(5);
        assertThat(dispatch.inFlight()).isEqualTo(4);
    }

    @Test
    void aDownDestinationsBacklogIsDeferredWithoutConnectingUntilItsProbe() {
        var dispatch = new Dispatch(100, Dispatch_limits(100), Duration.ofSeconds(30));
        for (int i = 0; i < 20; i++) {
            dispatch.offer(job(STALLED));
        }
        dispatch.run(now, decisions);
        for (Dispatch.Job j : List.copyOf(started)) {
            dispatch.finished(j, List.of(REFUSED), now);
        }
        dispatch.run(now, decisions);
        assertThat(started).hasSize(5);
        assertThat(deferred).hasSize(15);

        now += 30_000;
        for (int i = 0; i < 3; i++) {
            dispatch.offer(job(STALLED));
        }
        dispatch.run(now, decisions);
        assertThat(started).as("one probe").hasSize(6);
    }

    @Test
    void aPacedDestinationWakesAtItsNextStart() {
        var dispatch = new Dispatch(100, d -> new Dispatch.Limits(10, Duration.ofMillis(500), true));
        for (int i = 0; i < 3; i++) {
            dispatch.offer(job(HEALTHY));
        }
        dispatch.run(now, decisions);
        assertThat(started).hasSize(1);
        assertThat(dispatch.nextWake()).isEqualTo(now + 500);
        dispatch.run(now + 500, decisions);
        assertThat(started).hasSize(2);
    }

    @Test
    void aReloadThatRaisesTheLimitLetsAFullLaneStartMoreAtTheNextDispatch() {
        var dispatch = new Dispatch(100, d -> new Dispatch.Limits(1, null, true));
        for (int i = 0; i < 6; i++) {
            dispatch.offer(job(HEALTHY));
        }
        dispatch.run(now, decisions);
        assertThat(started).hasSize(1);

        dispatch.limits(100, d -> new Dispatch.Limits(4, null, true));
        dispatch.run(now, decisions);
        assertThat(started).hasSize(4);
    }

    @Test
    void localDeliveriesDoNotCountInTheTotalWindow() {
        var dispatch = new Dispatch(1, d -> new Dispatch.Limits(10, null, !d.isLocal()));
        dispatch.offer(job(HEALTHY));
        dispatch.offer(job(HEALTHY));
        dispatch.offer(job(Destination.LOCAL));
        dispatch.run(now, decisions);
        assertThat(startedFor(HEALTHY)).isEqualTo(1);
        assertThat(startedFor(Destination.LOCAL)).isEqualTo(1);
    }

    @Test
    void localDeliveryUsesItsWholeLimitFromTheStart() {
        var dispatch = new Dispatch(1, d -> new Dispatch.Limits(20, null, !d.isLocal()));
        for (int i = 0; i < 30; i++) {
            dispatch.offer(job(Destination.LOCAL));
        }
        dispatch.run(now, decisions);
        assertThat(startedFor(Destination.LOCAL)).isEqualTo(20);
    }

    static java.util.function.Function<Destination, Dispatch.Limits> Dispatch_limits(int connections) {
        var limits = new Dispatch.Limits(connections, null, true);
        return d -> limits;
    }
}
