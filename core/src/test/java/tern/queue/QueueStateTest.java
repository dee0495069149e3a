package tern.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static tern.queue.Messages.T0;
import static tern.queue.Messages.accepted;
import static tern.queue.Messages.envelope;
import static tern.queue.Messages.rcpt;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tern.address.ReversePath;
import tern.envelope.Envelope;
import tern.journal.JournalEvent;
import tern.journal.JournalEvent.Badmailed;
import tern.journal.JournalEvent.DelayNotified;
import tern.journal.JournalEvent.Deferred;
import tern.journal.JournalEvent.Delivered;
import tern.journal.JournalEvent.Failed;
import tern.journal.JournalEvent.RetryRequested;
import tern.queue.QueueState.State;

class QueueStateTest {

    private static final String BOB = "bob@remote.example";
    private static final String CAROL = "carol@example.test";
    private static final String DAN = "dan@other.example";

    private final Envelope m1 = envelope("M1", rcpt(BOB), rcpt(CAROL), rcpt(DAN));
    private final QueueState state = new QueueState();

    @Test
    void anAcceptedMessageIsPendingWithEveryRecipientDueAtArrivalAndOnlyItsSizeKept() {
        state.apply(accepted(m1));

        assertThat(state.isPending(m1.id())).isTrue();
        var message = state.message(m1.id()).orElseThrow();
        assertThat(message.size()).isEqualTo(1234);
        assertThat(message.sender()).isEqualTo(Messages.ALICE);
        assertThat(message.recipients()).extracting(QueueState.RecipientStatus::name).containsExactly(BOB, CAROL, DAN);
        assertThat(message.recipients()).allSatisfy(r -> {
            assertThat(r.state()).isEqualTo(State.PENDING);
            assertThat(r.attempts()).isZero();
            assertThat(r.nextAttempt()).isEqualTo(T0);
        });
        assertThat(state.scheduler().size()).isEqualTo(3);
        assertThat(state.scheduler().nextDue()).contains(T0);
        assertThat(state.counts()).isEqualTo(new QueueState.Counts(1, 3, 0, 0));
    }

    @Test
    void deliveredAndFailedFinishOneRecipientAndTheLastOneFinishesTheMessage() {
        state.apply(accepted(m1));
        state.apply(new Delivered(m1.id(), T0.plusSeconds(1), CAROL, "local", "250 2.0.0 Ok"));
        state.apply(new Failed(m1.id(), T0.plusSeconds(2), DAN, "mx.other.example", "550 5.1.1 no such user"));

        assertThat(state.counts()).isEqualTo(new QueueState.Counts(1, 1, 1, 1));
        assertThat(state.recipient(m1.id(), DAN).orElseThrow().lastReply()).isEqualTo("550 5.1.1 no such user");
        assertThat(state.recipient(m1.id(), CAROL).orElseThrow().state()).isEqualTo(State.DELIVERED);
        assertThat(state.scheduler().isScheduled(m1.id(), CAROL)).isFalse();
        assertThat(state.scheduler().isScheduled(m1.id(), DAN)).isFalse();

        state.apply(new Delivered(m1.id(), T0.plusSeconds(3), BOB, "mx.remote.example", "250 2.0.0 Ok"));
        assertThat(state.isPending(m1.id())).isFalse();
        assertThat(state.message(m1.id())).isEmpty();
        assertThat(state.scheduler().isEmpty()).isTrue();
        assertThat(state.counts()).isEqualTo(new QueueState.Counts(0, 0, 0, 0));
    }

    @Test
    void deferredRecordsAttemptsReplyAndReschedulesAtTheNextAttempt() {
        state.apply(accepted(m1));
        Instant next = T0.plus(Duration.ofMinutes(15));
        state.apply(new Deferred(m1.id(), T0, BOB, "mx.remote.example", "451 4.7.1 greylisted", 1, next));

        var bob = state.recipient(m1.id(), BOB).orElseThrow();
        assertThat(bob.state()).isEqualTo(State.PENDING);
        assertThat(bob.attempts()).isEqualTo(1);
        assertThat(bob.nextAttempt()).isEqualTo(next);
        assertThat(bob.lastAttempt()).isEqualTo(T0);
        assertThat(bob.relay()).isEqualTo("mx.remote.example");
        assertThat(bob.lastReply()).isEqualTo("451 4.7.1 greylisted");
        assertThat(state.scheduler().dueTime(m1.id(), BOB)).contains(next);
    }

    @Test
    void delayNotifiedSetsTheFlagOfThatRecipientOnly() {
        state.apply(accepted(m1));
        state.apply(new DelayNotified(m1.id(), T0.plus(Duration.ofHours(12)), BOB));
        assertThat(state.recipient(m1.id(), BOB).orElseThrow().delayNotified()).isTrue();
        assertThat(state.recipient(m1.id(), CAROL).orElseThrow().delayNotified()).isFalse();
    }

    @Test
    void badmailedRemovesTheMessageAndItsScheduledRecipients() {
        state.apply(accepted(m1));
        state.apply(new Badmailed(m1.id(), T0.plusSeconds(5), "NDR undeliverable"));
        assertThat(state.isPending(m1.id())).isFalse();
        assertThat(state.scheduler().isEmpty()).isTrue();
        assertThat(state.pendingRecipientCount()).isZero();
    }

    @Test
    void retryRequestedMakesScheduledPendingRecipientsDueNowButLeavesOnesInFlightAlone() {
        state.apply(accepted(m1));
        Instant later = T0.plus(Duration.ofMinutes(15));
        state.apply(new Deferred(m1.id(), T0, BOB, "mx", "451 4.7.1 later", 1, later));
        state.apply(new Deferred(m1.id(), T0, DAN, "mx", "451 4.7.1 later", 1, later));
        // DAN is taken out for an attempt that is under way.
        state.scheduler().cancel(m1.id(), DAN);

        Instant now = T0.plus(Duration.ofMinutes(5));
        state.apply(new RetryRequested(m1.id(), now));

        assertThat(state.scheduler().dueTime(m1.id(), BOB)).contains(now);
        assertThat(state.recipient(m1.id(), BOB).orElseThrow().nextAttempt()).isEqualTo(now);
        assertThat(state.scheduler().isScheduled(m1.id(), DAN)).isFalse();
        assertThat(state.scheduler().pollDue(now, 10)).singleElement()
                .satisfies(w -> assertThat(w.recipients()).containsExactlyInAnyOrder(BOB, CAROL));
    }

    @Test
    void anAcceptedForAKnownIdStartsThatMessageAfresh() {
        state.apply(accepted(m1));
        state.apply(new Delivered(m1.id(), T0, CAROL, "local", "250 ok"));
        state.apply(new Deferred(m1.id(), T0, BOB, "mx", "451 later", 1, T0.plus(Duration.ofMinutes(15))));
        state.apply(new DelayNotified(m1.id(), T0, BOB));

        state.apply(accepted(m1));

        assertThat(state.message(m1.id()).orElseThrow().recipients()).allSatisfy(r -> {
            assertThat(r.state()).isEqualTo(State.PENDING);
            assertThat(r.attempts()).isZero();
            assertThat(r.delayNotified()).isFalse();
        });
        assertThat(state.pendingRecipientCount()).isEqualTo(3);
        assertThat(state.scheduler().size()).isEqualTo(3);
    }

    @Test
    void carryForwardAfterItsAcceptedRebuildsTheSameState() {
        Envelope m2 = envelope("M2", rcpt(BOB));
        List<JournalEvent> history = List.of(
                accepted(m1),
                accepted(m2),
                new Deferred(m1.id(), T0, BOB, "mx1", "451 greylisted", 1, T0.plus(Duration.ofMinutes(15))),
                new Delivered(m1.id(), T0.plusSeconds(1), CAROL, "local", "250 ok"),
                new Deferred(m1.id(), T0.plus(Duration.ofMinutes(15)), BOB, "mx2", "421 busy", 2,
                        T0.plus(Duration.ofMinutes(45))),
                new Deferred(m1.id(), T0, DAN, "mx3", "452 full", 1, T0.plus(Duration.ofMinutes(15))),
                new DelayNotified(m1.id(), T0.plus(Duration.ofHours(12)), DAN),
                new Failed(m1.id(), T0.plus(Duration.ofHours(13)), DAN, "mx3", "554 5.4.7 expired"),
                new Delivered(m2.id(), T0.plusSeconds(2), BOB, "mx1", "250 ok"));
        history.forEach(state::apply);

        var copy = new QueueState();
        for (QueueState.QueuedMessage m : state.list()) {
            copy.apply(accepted(m.envelope()));
            state.carryForward(m.id()).forEach(copy::apply);
        }

        assertThat(copy.list()).isEqualTo(state.list());
        assertThat(copy.counts()).isEqualTo(state.counts());
        assertThat(copy.scheduler().dueTime(m1.id(), BOB)).contains(T0.plus(Duration.ofMinutes(45)));
        assertThat(state.carryForward(m2.id())).isEmpty(); // finished: nothing to carry

        // Replaying the old history and then the copied events also ends in the same state.
        var both = new QueueState();
        history.forEach(both::apply);
        for (QueueState.QueuedMessage m : state.list()) {
            both.apply(accepted(m.envelope()));
            state.carryForward(m.id()).forEach(both::apply);
        }
        assertThat(both.list()).isEqualTo(state.list());
    }

    @Test
    void aHandOverFinishesItsRecipientsOnlyAndRetentionsCopyFoldsToTheSameState() {
        state.apply(accepted(m1));
        state.apply(new Deferred(m1.id(), T0, BOB, "mx.remote.example", "451 4.7.1 greylisted", 1, T0.plusSeconds(900)));
        var reply = new tern.outcome.RemoteReply(new tern.smtp.Reply(250, "2.0.0", "Ok: queued as X"), "127.0.0.1",
                "[127.0.0.1]:2526");
        state.apply(new JournalEvent.HandedOver(m1.id(), T0.plusSeconds(60), List.of(BOB, CAROL), reply));

        assertThat(state.isPending(m1.id())).isTrue();
        assertThat(state.recipient(m1.id(), BOB).orElseThrow().state()).isEqualTo(State.DELIVERED);
        assertThat(state.recipient(m1.id(), BOB).orElseThrow().lastOutcome()).isEqualTo(reply);
        assertThat(state.recipient(m1.id(), CAROL).orElseThrow().state()).isEqualTo(State.DELIVERED);
        assertThat(state.recipient(m1.id(), DAN).orElseThrow().state()).isEqualTo(State.PENDING);
        assertThat(state.scheduler().isScheduled(m1.id(), BOB)).isFalse();
        assertThat(state.scheduler().isScheduled(m1.id(), DAN)).isTrue();
        assertThat(state.counts()).isEqualTo(new QueueState.Counts(1, 1, 2, 0));

        QueueState copy = new QueueState();
        copy.apply(accepted(m1));
        state.carryForward(m1.id()).forEach(copy::apply);
        assertThat(copy.message(m1.id())).isEqualTo(state.message(m1.id()));

        state.apply(new JournalEvent.HandedOver(m1.id(), T0.plusSeconds(61), List.of(DAN), reply));
        assertThat(state.isPending(m1.id())).isFalse();
        assertThat(state.scheduler().isEmpty()).isTrue();
    }

    @Test
    void outcomesForUnknownMessagesOrFinishedRecipientsAreIgnored() {
        state.apply(new Delivered(new QueueId("NOPE"), T0, BOB, "mx", "250 ok"));
        state.apply(accepted(m1));
        state.apply(new Failed(m1.id(), T0, BOB, "mx", "550 no"));
        state.apply(new Deferred(m1.id(), T0, BOB, "mx", "451 later", 1, T0.plusSeconds(60)));
        state.apply(new Delivered(m1.id(), T0, "stranger@x.example", "mx", "250 ok"));

        assertThat(state.recipient(m1.id(), BOB).orElseThrow().state()).isEqualTo(State.FAILED);
        assertThat(state.scheduler().isScheduled(m1.id(), BOB)).isFalse();
        assertThat(state.pendingRecipientCount()).isEqualTo(2);
    }

    @Test
    void listIsOldestFirstAndOldestPendingArrivalFollowsDeliveries() {
        Envelope old = envelope("A1", Messages.ALICE, T0.minus(Duration.ofHours(3)), rcpt(BOB));
        Envelope young = envelope("Z9", ReversePath.NULL, T0, rcpt(CAROL));
        state.apply(accepted(young));
        state.apply(accepted(old));

        assertThat(state.list()).extracting(QueueState.QueuedMessage::id).containsExactly(old.id(), young.id());
        assertThat(state.list().getFirst().age(T0)).isEqualTo(Duration.ofHours(3));
        assertThat(state.oldestPendingArrival()).contains(old.arrival());
        state.apply(new Delivered(old.id(), T0, BOB, "mx", "250 ok"));
        assertThat(state.oldestPendingArrival()).contains(T0);
        state.apply(new Delivered(young.id(), T0, CAROL, "local", "250 ok"));
        assertThat(state.oldestPendingArrival()).isEmpty();
    }

    @Test
    void aMillionEventsFoldWithoutKeepingMessageBytes() {
        // The fold must not hold on to Accepted.message(): 10,000 messages of 1 MB each would
        // need 10 GB if it did; the test JVM has 1 GB.
        List<QueueId> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Envelope e = envelope("B" + i, rcpt(BOB));
            state.apply(new JournalEvent.Accepted(e, new byte[1_000_000]));
            ids.add(e.id());
        }
        assertThat(state.messageCount()).isEqualTo(10_000);
        assertThat(state.message(ids.getLast()).orElseThrow().size()).isEqualTo(1_000_000);
    }
}
