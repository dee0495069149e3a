package tern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.journal.JournalEvent;
import tern.journal.JournalReader;
import tern.queue.QueueId;
import tern.testing.QueueJournal;

/** {@code tern queue retry|delete --domain D} with the server stopped: two passes over the journal. */
class QueueDomainCommandTest {
    @TempDir
    Path dir;

    private CapturedTerminal terminal;
    private final List<QueueId> down = new ArrayList<>();
    private QueueId elsewhere;
    private QueueId both;

    @BeforeEach
    void journal() throws Exception {
        terminal = new CapturedTerminal(dir);
        Files.writeString(dir.resolve("q.yaml"), "server: {dataDir: qdata}\nadmin: {listen: \"\"}\n");
        Instant now = Instant.now();
        try (QueueJournal journal = QueueJournal.open(dir.resolve("qdata/journal"))) {
            for (int i = 0; i < 30; i++) {
                List<String> rcpts = new ArrayList<>();
                for (int r = 0; r < 100; r++) {
                    rcpts.add("u" + r + "@down.test");
                }
                QueueId id = journal.accept("D", now.minusSeconds(600), "s@x.test", rcpts);
                for (String rcpt : rcpts) {
                    journal.defer(id, rcpt, now.minusSeconds(500), 1, now.plus(Duration.ofHours(3)), "421 4.4.2 timeout");
                }
                down.add(id);
            }
            elsewhere = journal.accept("E", now, "s@x.test", List.of("a@up.test"));
            both = journal.accept("E", now, "s@x.test", List.of("b@up.test", "c@DOWN.test"));
            QueueId finished = journal.accept("E", now, "s@x.test", List.of("d@down.test"));
            journal.deliver(finished, "d@down.test", now);
        }
    }

    private List<JournalEvent> journaled() {
        List<JournalEvent> events = new ArrayList<>();
        try (JournalReader reader = JournalReader.open(dir.resolve("qdata/journal"))) {
            reader.readAvailable(events::add);
        }
        return events;
    }

    @Test
    void retryDomainMakesEveryMessageWaitingThereDueAndLeavesTheRestAlone() {
        assertThat(terminal.run("queue", "retry", "--domain", "Down.Test", "--config", "q.yaml"))
                .as(terminal.err()).isEqualTo(Exit.OK);
        assertThat(terminal.out()).contains("31 messages (3001 recipients at down.test) due now");
        List<QueueId> retried = journaled().stream().filter(e -> e instanceof JournalEvent.RetryRequested)
                .map(JournalEvent::id).toList();
        List<QueueId> expected = new ArrayList<>(down);
        expected.add(both);
        assertThat(retried).containsExactlyElementsOf(expected);

        int before = terminal.out().length();
        assertThat(terminal.run("queue", "list", "--state", "deferred", "--domain", "down.test", "--config", "q.yaml"))
                .isEqualTo(Exit.OK);
        assertThat(terminal.out().substring(before)).doesNotContain("next=" + Instant.now().plus(Duration.ofHours(2)).toString().substring(0, 13));
    }

    @Test
    void deleteDomainMovesThoseMessagesToBadmailWholeAndJournalsIt() throws Exception {
        assertThat(terminal.run("queue", "delete", "--domain", "down.test", "--config", "q.yaml"))
                .as(terminal.err()).isEqualTo(Exit.OK);
        assertThat(terminal.out()).contains("31 messages (3001 recipients at down.test) deleted (moved to Badmail)");
        assertThat(journaled().stream().filter(e -> e instanceof JournalEvent.Badmailed).map(JournalEvent::id))
                .hasSize(31).contains(both).doesNotContain(elsewhere);
        Path badmail = dir.resolve("qdata/badmail");
        assertThat(badmail.resolve(down.getFirst() + ".bad")).exists();
        assertThat(Files.readString(badmail.resolve(both + ".bdr"))).contains("deleted by operator");

        int before = terminal.out().length();
        assertThat(terminal.run("queue", "list", "--config", "q.yaml")).isEqualTo(Exit.OK);
        assertThat(terminal.out().substring(before)).contains(elsewhere.value())
                .endsWith("1 message, 1 pending and 0 deferred recipient\n");
    }

    @Test
    void domainGoesWithListRetryAndDeleteOnly() {
        assertThat(terminal.run("queue", "show", "X1", "--domain", "d.test", "--config", "q.yaml")).isEqualTo(Exit.USAGE);
        assertThat(terminal.run("queue", "retry", "--all", "--domain", "d.test", "--config", "q.yaml")).isEqualTo(Exit.USAGE);
    }
}
