package tern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.journal.JournalEvent;
import tern.journal.JournalReader;
import tern.queue.QueueId;
import tern.queue.QueueState;
import tern.testing.QueueJournal;

class QueueListCommandTest {
    @TempDir
    Path dir;

    private CapturedTerminal terminal;
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private QueueId mixed;
    private QueueId old;
    private QueueId copied;

    @BeforeEach
    void journal() throws Exception {
        terminal = new CapturedTerminal(dir);
        Files.writeString(dir.resolve("q.yaml"), "server: {dataDir: qdata}\nadmin: {listen: \"\"}\n");
        try (QueueJournal journal = QueueJournal.open(dir.resolve("qdata/journal"))) {
            old = journal.accept("Q", now.minus(Duration.ofMinutes(100)), "s@x.test", List.of("c@slow.test"));
            mixed = journal.accept("Q", now.minus(Duration.ofMinutes(7)), "s@x.test",
                    List.of("a@slow.test", "b@fast.test", "d@slow.test"));
            journal.defer(mixed, "a@slow.test", now.minusSeconds(60), 2, now.plusSeconds(3600), "451 4.3.0 busy");
            journal.deliver(mixed, "d@slow.test", now.minusSeconds(50));
            journal.append(new JournalEvent.RetryRequested(mixed, now.minusSeconds(30)));
            QueueId delivered = journal.accept("Q", now.minusSeconds(20), "s@x.test", List.of("e@fast.test"));
            journal.deliver(delivered, "e@fast.test", now.minusSeconds(10));
            QueueId badmailed = journal.accept("Q", now.minusSeconds(20), "s@x.test", List.of("f@slow.test"));
            journal.append(new JournalEvent.Badmailed(badmailed, now.minusSeconds(5), "deleted by operator"));
            copied = journal.accept("Q", now.minusSeconds(2), "n@x.test", List.of("g@other.test"));
            // Retention's copy of a pending message: the same Accepted again, later in the journal.
            journal.flush();
            try (JournalReader reader = JournalReader.open(dir.resolve("qdata/journal"))) {
                List<JournalEvent> all = new ArrayList<>();
                reader.readAvailable(all::add);
                journal.append(all.stream().filter(e -> e instanceof JournalEvent.Accepted a && a.id().equals(copied))
                        .findFirst().orElseThrow());
            }
        }
    }

    private List<String> list(String... options) {
        List<String> args = new ArrayList<>(List.of("queue", "list", "--config", "q.yaml"));
        args.addAll(Arrays.asList(options));
        int before = terminal.out().length();
        assertThat(terminal.run(args.toArray(String[]::new))).as(terminal.err()).isEqualTo(Exit.OK);
        return terminal.out().substring(before).lines().toList();
    }

    @Test
    void listsQueuedMessagesInJournalOrderOnceEachWithEveryRecipient() {
        List<String> out = list();
        assertThat(out).hasSize(9);
        assertThat(out.get(0)).startsWith(old.value()).contains("100m").endsWith("<s@x.test>");
        assertThat(out.get(1)).isEqualTo("    <c@slow.test> pending attempts=0 next=" + now.minus(Duration.ofMinutes(100)));
        assertThat(out.get(2)).startsWith(mixed.value()).contains("7m");
        // A retry asked for makes it due then, never later.
        assertThat(out.get(3)).isEqualTo("    <a@slow.test> deferred attempts=2 next=" + now.minusSeconds(30)
                + " last=\"451 4.3.0 busy\"");
        assertThat(out.get(4)).isEqualTo("    <b@fast.test> pending attempts=0 next=" + now.minus(Duration.ofMinutes(7)));
        assertThat(out.get(5)).isEqualTo("    <d@slow.test> delivered attempts=0 last=\"250 2.0.0 Ok\"");
        assertThat(out.get(6)).startsWith(copied.value());
        assertThat(out.get(8)).isEqualTo("3 messages, 3 pending and 1 deferred recipients");
    }

    @Test
    void domainAndStateNarrowTheRecipientsAndTheMessages() {
        assertThat(list("--domain", "SLOW.test")).containsExactly(
                list().get(0), list().get(1), list().get(2), list().get(3), list().get(5),
                "2 messages, 1 pending and 1 deferred recipients");
        assertThat(list("--state", "deferred")).containsExactly(list().get(2), list().get(3),
                "1 message, 0 pending and 1 deferred recipient");
        assertThat(list("--state", "pending", "--domain", "fast.test")).containsExactly(list().get(2), list().get(4),
                "1 message, 1 pending and 0 deferred recipient");
        assertThat(list("--domain", "nowhere.test")).containsExactly("no queued message matches");
        assertThat(terminal.run("queue", "list", "--state", "delivered", "--config", "q.yaml")).isEqualTo(Exit.USAGE);
        assertThat(terminal.run("queue", "list", "--json", "--summary", "--config", "q.yaml")).isEqualTo(Exit.USAGE);
    }

    @Test
    void jsonPrintsOneObjectPerMessageAndLine() {
        List<String> out = list("--json", "--domain", "slow.test");
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).isEqualTo("{\"id\":\"" + old + "\",\"arrival\":\"" + now.minus(Duration.ofMinutes(100))
                + "\",\"size\":22,\"sender\":\"s@x.test\",\"recipients\":[{\"address\":\"c@slow.test\",\"state\":\"pending\","
                + "\"attempts\":0,\"next\":\"" + now.minus(Duration.ofMinutes(100)) + "\",\"lastReply\":null}]}");
        assertThat(out.get(1)).startsWith("{\"id\":\"" + mixed + "\"")
                .contains("{\"address\":\"a@slow.test\",\"state\":\"deferred\",\"attempts\":2,\"next\":\""
                        + now.minusSeconds(30) + "\",\"lastReply\":\"451 4.3.0 busy\"}")
                .contains("{\"address\":\"d@slow.test\",\"state\":\"delivered\",\"attempts\":0,\"next\":null,"
                        + "\"lastReply\":\"250 2.0.0 Ok\"}")
                .doesNotContain("b@fast.test");
    }

    @Test
    void summaryCountsWaitingRecipientsPerDomainByAgeLikeQshape() {
        List<String> out = list("--summary");
        assertThat(out).hasSize(5);
        assertThat(out.get(0).strip().split(" +")).containsExactly("T", "5", "10", "20", "40", "80", "160", "320", "640",
                "1280", "1280+");
        // slow.test: c (100 min old: 80-160) and a (7 min: 5-10); d was delivered and f deleted.
        assertThat(out.get(1).strip().split(" +")).containsExactly("TOTAL", "4", "1", "2", "0", "0", "0", "1", "0", "0", "0", "0");
        assertThat(out.get(2).strip().split(" +")).containsExactly("slow.test", "2", "0", "1", "0", "0", "0", "1", "0", "0", "0", "0");
        assertThat(out.get(3).strip().split(" +")).containsExactly("fast.test", "1", "0", "1", "0", "0", "0", "0", "0", "0", "0", "0");
        assertThat(out.get(4).strip().split(" +")).containsExactly("other.test", "1", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0");
        assertThat(list("--summary", "--state", "deferred")).hasSize(3).last().asString().contains("slow.test");
    }

    @Test
    void agreesWithTheQueueStateFoldOnAManyMessageJournal() throws Exception {
        Path journalDir = dir.resolve("big/journal");
        Files.writeString(dir.resolve("big.yaml"), "server: {dataDir: big}\n");
        Random random = new Random(17);
        try (QueueJournal journal = QueueJournal.open(journalDir)) {
            for (int i = 0; i < 20_000; i++) {
                Instant arrival = now.minus(Duration.ofMinutes(20_000 - i));
                List<String> rcpts = new ArrayList<>();
                for (int r = 0, n = 1 + random.nextInt(3); r < n; r++) {
                    rcpts.add("u" + r + "@d" + random.nextInt(50) + ".test");
                }
                QueueId id = journal.accept("B", arrival, "s@x.test", rcpts);
                for (String rcpt : rcpts) {
                    switch (random.nextInt(4)) {
                        case 0 -> journal.deliver(id, rcpt, arrival.plusSeconds(1));
                        case 1 -> journal.defer(id, rcpt, arrival.plusSeconds(1), 1 + random.nextInt(5),
                                arrival.plusSeconds(900), "451 4.7.1 greylisted " + random.nextInt(10));
                        default -> {
                        }
                    }
                }
            }
        }
        QueueState state = new QueueState();
        try (JournalReader reader = JournalReader.open(journalDir)) {
            reader.readAvailable(state::apply);
        }
        List<String> expected = new ArrayList<>();
        for (QueueState.QueuedMessage m : state.list()) {
            expected.add(QueueListing.summary(m, now).substring(0, 12) + QueueListing.summary(m, now).substring(21));
            m.recipients().forEach(r -> expected.add("    " + QueueListing.recipient(r)));
        }
        int before = terminal.out().length();
        assertThat(terminal.run("queue", "list", "--config", "big.yaml")).isEqualTo(Exit.OK);
        List<String> out = terminal.out().substring(before).lines().toList();
        List<String> withoutAges = out.subList(0, out.size() - 1).stream()
                .map(l -> l.startsWith(" ") ? l : l.substring(0, 12) + l.substring(21)).toList();
        assertThat(withoutAges).isEqualTo(expected);
        assertThat(out.getLast()).startsWith(state.messageCount() + " messages, ");
    }
}
