package tern.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import tern.address.Mailbox;
import tern.envelope.Recipient;
import tern.outcome.Outcome;
import tern.outcome.RemoteReply;
import tern.route.Destination;
import tern.route.Route;
import tern.smtp.Reply;

/** The dispatch asks the shared limits before each counted start, and never waits for them. */
class DispatchSharedLimitsTest {

    static final Destination PARTNER = new Destination("partner.test");
    static final Outcome OK = new RemoteReply(new Reply(250, "2.0.0", "ok"), "mx", "[192.0.2.1]:25");

    /** Answers from a script the test fills, and counts what was released. */
    static final class ScriptedShare implements SharedLimits {
        final ArrayDeque<Answer> answers = new ArrayDeque<>();
        int asked;
        int released;
        Consumer<Destination> listener;

        @Override
        public Answer take(Destination destination, Dispatch.Limits limits, long now) {
            asked++;
            Answer a = answers.poll();
            return a == null ? Asking.INSTANCE : a;
        }

        @Override
        public void release(Destination destination, long now) {
            released++;
        }

        @Override
        public void onAnswer(Consumer<Destination> listener) {
            this.listener = listener;
        }
    }

    long now = 1_000_000;
    int ids;
    final List<Dispatch.Job> started = new ArrayList<>();
    final Dispatch.Decisions decisions = new Dispatch.Decisions() {
        @Override
        public void start(Dispatch.Job job) {
            started.add(job);
        }

        @Override
        public void down(Dispatch.Job job, long until, Outcome lastFailure) {
        }
    };
    final ScriptedShare share = new ScriptedShare();
    final Dispatch dispatch = new Dispatch(100, d -> new Dispatch.Limits(10, null, !d.isLocal()),
            Duration.ofMinutes(1), share);

    Dispatch.Job job(Destination d) {
        var r = Recipient.of(new Mailbox("r" + ids, d.name()));
        return new Dispatch.Job(new QueueId("M" + ids++), List.of(r), new Route.Mx(d.name()), d);
    }

    @Test
    void aLaneWhoseAnswerIsStillComingWaitsUntilItIsAnsweredThenStarts() {
        dispatch.offer(job(PARTNER));
        dispatch.run(now, decisions);
        assertThat(started).isEmpty();
        assertThat(share.asked).isEqualTo(1);

        dispatch.run(now, decisions); // nothing new: not asked again, no busy loop
        assertThat(share.asked).isEqualTo(1);
        assertThat(dispatch.hasRunnable()).isFalse();

        share.answers.add(SharedLimits.Granted.INSTANCE);
        dispatch.answered(PARTNER);
        dispatch.run(now, decisions);
        assertThat(started).hasSize(1);
    }

    @Test
    void notBeforeWaitsForItsTimeLikeARate() {
        share.answers.add(new SharedLimits.NotBefore(now + 250));
        dispatch.offer(job(PARTNER));
        dispatch.run(now, decisions);
        assertThat(started).isEmpty();
        assertThat(dispatch.nextWake()).isEqualTo(now + 250);

        share.answers.add(SharedLimits.Granted.INSTANCE);
        dispatch.run(now + 249, decisions);
        assertThat(started).isEmpty();
        dispatch.run(now + 250, decisions);
        assertThat(started).hasSize(1);
    }

    @Test
    void aGrantedShareGoesBackWhenItsDeliveryFinishes() {
        share.answers.add(SharedLimits.Granted.INSTANCE);
        share.answers.add(SharedLimits.Granted.INSTANCE);
        dispatch.offer(job(PARTNER));
        dispatch.offer(job(PARTNER));
        dispatch.run(now, decisions);
        assertThat(started).hasSize(2);

        dispatch.finished(started.getFirst(), List.of(OK), now);
        assertThat(share.released).isEqualTo(1);
        dispatch.finished(started.get(1), List.of(OK), now);
        assertThat(share.released).isEqualTo(2);
    }

    @Test
    void localDeliveryIsNeverAskedAbout() {
        var local = Destination.of(new Route.Local("example.test"));
        dispatch.offer(new Dispatch.Job(new QueueId("L1"), List.of(Recipient.of(new Mailbox("a", "example.test"))),
                new Route.Local("example.test"), local));
        dispatch.run(now, decisions);
        assertThat(started).hasSize(1);
        assertThat(share.asked).isZero();
    }
}
