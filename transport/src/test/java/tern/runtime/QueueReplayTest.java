package tern.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.config.TernConfig;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.journal.Journal;
import tern.journal.JournalEvent;
import tern.outcome.LocalDecision;
import tern.outcome.Outcome;
import tern.queue.QueueId;
import tern.queue.QueueState;
import tern.smtp.Reply;

/** A restart replays a big deferred queue through the journal: counts, due times and message bytes survive it. */
class QueueReplayTest {

    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    private static final int MESSAGES = 30_000;
    private static final Outcome DOWN = LocalDecision.of(LocalDecision.Reason.CONNECTION_FAILED,
            new Reply(451, "4.4.1", "no connection"));
    private static final Outcome OK = LocalDecision.of(LocalDecision.Reason.LOCAL_DELIVERY,
            new Reply(250, "2.0.0", "delivered"));

    @TempDir
    Path dir;

    @Test
    void deferredRecipientsComeBackWithTheirJournaledDueTimesAndFinishedOnesStayFinished() throws IOException {
        Map<String, Instant> due = new HashMap<>(); // "id rcpt" -> next attempt, for every deferred recipient
        try (Journal journal = Journal.open(dir.resolve("journal"), TernConfig.Sync.NONE, InstantSource.fixed(T0))) {
            CompletableFuture<Void> last = null;
            for (int i = 0; i < MESSAGES; i++) {
                var id = new QueueId(String.format("Q%08d", i));
                var envelope = new Envelope(id, ReversePath.of(new Mailbox("sender", "example.test")),
                        List.of(Recipient.of(new Mailbox("a" + i, "remote" + (i % 50) + ".example")),
                                Recipient.of(new Mailbox("b" + i, "other.example"))),
                        Body.EIGHT_BIT_MIME, false, null, null, -1, "192.0.2.1", "client.example", T0);
                journal.append(new JournalEvent.Accepted(envelope, ("message " + i).getBytes()));
                Instant nextA = T0.plusSeconds(600 + i); // every recipient its own due time
                last = journal.append(new JournalEvent.Deferred(id, T0, "a" + i + "@remote" + (i % 50) + ".example",
                        DOWN, 1 + i % 3, nextA));
                due.put(id + " a" + i + "@remote" + (i % 50) + ".example", nextA);
                if (i % 2 == 0) {
                    last = journal.append(new JournalEvent.Delivered(id, T0, "b" + i + "@other.example", OK));
                } else {
                    Instant nextB = T0.plusSeconds(7_200 + i);
                    last = journal.append(new JournalEvent.Deferred(id, T0, "b" + i + "@other.example", DOWN, 2, nextB));
                    due.put(id + " b" + i + "@other.example", nextB);
                }
                if (i % 10 == 9) { // every tenth message was badmailed after all
                    last = journal.append(new JournalEvent.Badmailed(id, T0, "test"));
                    due.remove(id + " a" + i + "@remote" + (i % 50) + ".example");
                    due.remove(id + " b" + i + "@other.example");
                }
            }
            last.join();
        }

        try (Journal journal = Journal.open(dir.resolve("journal"), TernConfig.Sync.NONE, InstantSource.fixed(T0))) {
            QueueReplay replay = QueueReplay.of(journal);
            QueueState state = replay.state();

            int queued = MESSAGES - MESSAGES / 10;
            assertThat(replay.replayed().events()).isEqualTo(3L * MESSAGES + MESSAGES / 10);
            assertThat(state.messageCount()).isEqualTo(queued);
            assertThat(state.pendingRecipientCount()).isEqualTo(due.size());
            assertThat(state.scheduledRetries()).isEqualTo(due.size());
            assertThat(state.scheduler().nextDue()).contains(T0.plusSeconds(600));
            due.forEach((key, at) -> {
                var id = new QueueId(key.substring(0, key.indexOf(' ')));
                String rcpt = key.substring(key.indexOf(' ') + 1);
                assertThat(state.recipient(id, rcpt).orElseThrow().nextAttempt()).isEqualTo(at);
                assertThat(state.scheduler().dueTime(id, rcpt)).contains(at);
            });
            var some = new QueueId(String.format("Q%08d", 12_345));
            assertThat(state.recipient(some, "a12345@remote45.example").orElseThrow().attempts()).isEqualTo(1);
            assertThat(state.recipient(some, "b12345@other.example").orElseThrow().attempts()).isEqualTo(2);
            assertThat(state.recipient(some, "b12345@other.example").orElseThrow().lastOutcome()).isEqualTo(DOWN);
            assertThat(replay.bodies().read(some)).isEqualTo("message 12345".getBytes());
            assertThat(state.message(some).orElseThrow().size()).isEqualTo("message 12345".length());
            var badmailed = new QueueId(String.format("Q%08d", 12_349));
            assertThat(state.isPending(badmailed)).isFalse();
            assertThatThrownBy(() -> replay.bodies().read(badmailed)).isInstanceOf(NoSuchFileException.class);
        }
    }
}
