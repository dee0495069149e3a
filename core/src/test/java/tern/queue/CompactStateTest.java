package tern.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static tern.queue.Messages.T0;
import static tern.queue.Messages.accepted;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Notify;
import tern.envelope.Recipient;
import tern.envelope.Ret;
import tern.journal.JournalEvent.Deferred;
import tern.outcome.LocalDecision;
import tern.outcome.Outcome;
import tern.outcome.RemoteReply;
import tern.smtp.Reply;

/** The queue state keeps envelopes and outcomes packed: what it reads back is what it was given. */
class CompactStateTest {

    private final QueueState state = new QueueState();

    @Test
    void anEnvelopeReadsBackWithEveryParameterFromItsPackedForm() {
        var envelope = new Envelope(new QueueId("P1"), ReversePath.of(new Mailbox("Älice", "bücher.example")),
                List.of(new Recipient(new Mailbox("bob", "remote.example"), Set.of(Notify.SUCCESS, Notify.DELAY),
                                "rfc822;bob@original.example"),
                        new Recipient(new Mailbox("a \"quoted\" \\ one", "[192.0.2.7]"), Set.of(Notify.NEVER), null),
                        new Recipient(new Mailbox("", "empty.example"), Set.of(), null),
                        new Recipient(new Mailbox("x@y", "at.example"), Set.of(), "utf-8;x@y")),
                Body.BINARY_MIME, true, Ret.HDRS, "envid+2Bone", 123_456_789L, "2001:db8::1", "helo.example", T0);
        var bounce = new Envelope(new QueueId("P2"), ReversePath.NULL,
                List.of(new Recipient(new Mailbox("carol", "example.test"), Set.of(), null)),
                Body.SEVEN_BIT, false, null, null, -1, "127.0.0.1", "client.example.test", T0.plusMillis(1));

        state.apply(accepted(envelope));
        state.apply(accepted(bounce));

        assertThat(state.envelope(envelope.id())).contains(envelope);
        assertThat(state.envelope(bounce.id())).contains(bounce);
        assertThat(state.message(envelope.id()).orElseThrow().recipients())
                .extracting(QueueState.RecipientStatus::recipient).isEqualTo(envelope.recipients());
    }

    @Test
    void outcomesPastTheSharedOnesReadBackFromTheirPackedForm() {
        int messages = 10_500; // more distinct outcomes than the state shares
        Map<QueueId, Outcome> expected = new HashMap<>();
        for (int i = 0; i < messages; i++) {
            var envelope = Messages.envelope("O" + i, Messages.rcpt("r" + i + "@remote.example"));
            state.apply(accepted(envelope));
            Outcome outcome = i % 2 == 0
                    ? new RemoteReply(new Reply(451, "4.7.1", List.of("Greylisted", "try again (" + i + ")")),
                            "mx.remote.example", "[192.0.2.1]:25")
                    : new LocalDecision(LocalDecision.Reason.DESTINATION_DOWN,
                            new Reply(451, "4.4.1", "destination down until " + i), null,
                            new RemoteReply(new Reply(421, null, "busy " + i), "mx.remote.example", null));
            state.apply(new Deferred(envelope.id(), T0, "r" + i + "@remote.example", outcome, 1, T0.plusSeconds(i)));
            expected.put(envelope.id(), outcome);
        }
        expected.forEach((id, outcome) -> {
            var status = state.message(id).orElseThrow().recipients().getFirst();
            assertThat(status.lastOutcome()).isEqualTo(outcome);
            assertThat(status.lastReply()).isEqualTo(outcome.text());
        });
    }

    @Test
    void aRecipientsDelayNoticeIsAnEntryOfItsOwnBesideItsRetry() {
        var envelope = Messages.envelope("N1", Messages.rcpt("bob@remote.example"));
        state.apply(accepted(envelope));
        state.scheduleNotice(envelope.id(), "bob@remote.example", T0.plusSeconds(5));

        assertThat(state.scheduler().size()).isEqualTo(2);
        assertThat(state.scheduledRetries()).isEqualTo(1);
        assertThat(state.scheduler().dueTime(envelope.id(), QueueState.noticeKey("bob@remote.example")))
                .contains(T0.plusSeconds(5));
        assertThat(state.scheduler().pollDue(T0.plusSeconds(10), 10)).containsExactly(new Scheduler.DueWork(
                envelope.id(), List.of("bob@remote.example", QueueState.noticeKey("bob@remote.example"))));
    }

    @Test
    void theMessageTableFindsEveryMessageThroughAddsAndRemoves() {
        var table = new MessageTable(4);
        var model = new HashMap<QueueId, HeldMessage>();
        var random = new Random(7);
        var words = new SharedWords();
        for (int step = 0; step < 50_000; step++) {
            var id = new QueueId("T" + random.nextInt(2_000));
            if (model.containsKey(id)) {
                assertThat(table.remove(id)).isSameAs(model.remove(id));
            } else {
                var m = new HeldMessage(Messages.envelope(id.value(), Messages.rcpt("a@b.example")), 1, words);
                table.add(m);
                model.put(id, m);
            }
            if (step % 1_000 == 0) {
                for (int i = 0; i < 2_000; i++) {
                    var probe = new QueueId("T" + i);
                    assertThat(table.get(probe)).isSameAs(model.get(probe));
                }
                assertThat(table.size()).isEqualTo(model.size());
            }
        }
    }

    @Test
    void idsAreEveryQueuedMessageOldestFirst() {
        for (String id : List.of("I3", "I1", "I2")) {
            state.apply(accepted(Messages.envelope(id, Messages.rcpt("a@b.example"))));
        }
        state.apply(new tern.journal.JournalEvent.Badmailed(new QueueId("I2"), T0, "test"));

        assertThat(state.ids()).containsExactly(new QueueId("I1"), new QueueId("I3"));
    }

    @Test
    void aNameReadsBackIntoItsMailbox() {
        for (Mailbox m : List.of(new Mailbox("plain", "x.example"), new Mailbox("with space", "x.example"),
                new Mailbox("q\"uo\\te", "[IPv6:2001:db8::1]"), new Mailbox("", "x.example"),
                new Mailbox("a@b", "x.example"), new Mailbox("ünï", "çö.example"))) {
            assertThat(PackedEnvelope.recipientAddress(m.toString())).isEqualTo(m);
        }
    }
}
