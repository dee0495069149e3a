package tern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.journal.JournalEvent;
import tern.journal.JournalEvent.Deferred;
import tern.journal.JournalReader;
import tern.queue.QueueId;
import tern.testing.Eventually;
import tern.testing.ScriptedSmtpServer;
import tern.testing.ScriptedSmtpServer.ReceivedTransaction;
import tern.testing.ScriptedSmtpServer.Verb;
import tern.testing.Submission;
import tern.testing.TernCommand;
import tern.testing.TernProcess;

/**
 * A separate {@code tern serve} that is killed between two attempts keeps the retry schedule
 * it journaled; and the operator's commands ({@code tern queue ...}, {@code tern journal
 * tail}) work against the running process.
 */
class RestartAndOperatorTest {

    /** Long enough that the restarted JVM listens before the second attempt is due. */
    private static final Duration FIRST = Duration.ofSeconds(8);

    @TempDir
    Path dir;

    private final List<JournalEvent> journaled = new ArrayList<>();

    @Test
    void restartKeepsTheJournaledRetryTimeAndTheQueueCommandsActOnTheRunningServer() throws Exception {
        try (ScriptedSmtpServer far = ScriptedSmtpServer.builder().failFirst(Verb.MESSAGE, 1, "451 4.3.0 Try again later").start();
             ScriptedSmtpServer slow = ScriptedSmtpServer.builder().reply(Verb.MESSAGE, "452 4.3.1 Insufficient system storage").start()) {
            Path data = dir.resolve("data");
            Path config = dir.resolve("tern.yaml");
            // Port 0 for the server to bind; once it listens, the file names the ports it got, as
            // an operator's would, so that the queue commands find the running server's admin listener.
            java.util.function.BiFunction<Integer, Integer, String> yaml = (port, adminPort) -> """
                    server:
                      fqdn: restart.tern.test
                      listen: ["127.0.0.1:%d"]
                      dataDir: %s
                    domains:
                      local: [tern.test]
                    delivery:
                      retry: {first: %ds, second: 60s, third: 60s}
                      connections: {timeout: 5s}
                    routes:
                      - {domain: far.test, nextHop: "[127.0.0.1]:%d"}
                      - {domain: slow.test, nextHop: "[127.0.0.1]:%d"}
                    admin:
                      listen: "127.0.0.1:%d"
                    """.formatted(port, data, FIRST.toSeconds(), far.port(), slow.port(), adminPort);
            Files.writeString(config, yaml.apply(0, 0));

            QueueId once;
            QueueId stuck;
            Deferred firstDeferral;
            try (TernProcess server = TernProcess.serve(config, dir.resolve("first.log"))) {
                var smtp = new java.net.InetSocketAddress("127.0.0.1", server.smtpPort());
                once = Submission.send(smtp, "<alice@remote.test>", List.of("<ann@far.test>"), "Subject: once\r\n\r\nx\r\n");
                stuck = Submission.send(smtp, "<alice@remote.test>", List.of("<bo@slow.test>"), "Subject: stuck\r\n\r\nx\r\n");
                try (JournalReader journal = JournalReader.open(data.resolve("journal"))) {
                    firstDeferral = awaitDeferral(journal, once, 1);
                    awaitDeferral(journal, stuck, 1);
                }
                server.kill(); // between two attempts, with nothing said to anyone
            }
            assertThat(far.transactions()).hasSize(1);

            Files.writeString(config, yaml.apply(0, 0));
            try (TernProcess server = TernProcess.serve(config, dir.resolve("second.log"))) {
                Files.writeString(config, yaml.apply(server.smtpPort(), server.adminPort()));
                Instant due = firstDeferral.nextAttempt();

                ReceivedTransaction second = far.awaitMessages(1, FIRST.plusSeconds(10)).getFirst();
                assertThat(second.accepted()).containsExactly("ann@far.test");
                assertThat(far.transactions()).hasSize(2);
                // Never before the journaled time: a queue that forgot it would try at once on
                // restart. That the fold keeps the journaled time exactly is QueueStateTest's
                // business, with a fake clock; no upper bound on a shared machine's restart here.
                assertThat(second.started()).isAfterOrEqualTo(due.minusMillis(50));

                try (JournalReader journal = JournalReader.open(data.resolve("journal"))) {
                    Deferred again = awaitDeferral(journal, stuck, 2);
                    operatorCommands(config, data, slow, once, stuck, again, journal);
                }
                assertThat(server.terminate(Duration.ofSeconds(20))).isZero();
            }
        }
    }

    private void operatorCommands(Path config, Path data, ScriptedSmtpServer slow, QueueId once, QueueId stuck,
                                  Deferred latest, JournalReader journal) throws Exception {
        String cfg = config.toString();
        // The queue keeps due times to the millisecond, and lists them so.
        Instant next = latest.nextAttempt().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);

        var list = TernCommand.run("queue", "list", "--config", cfg);
        assertThat(list.exitCode()).as(list.out()).isZero();
        assertThat(list.out()).contains(stuck.value()).contains("<alice@remote.test>")
                .contains("<bo@slow.test> deferred attempts=2 next=" + next)
                .contains("1 message, 0 pending and 1 deferred recipient")
                .doesNotContain(once.value()); // delivered: no longer queued

        var show = TernCommand.run("queue", "show", stuck.value(), "--config", cfg);
        assertThat(show.exitCode()).as(show.out()).isZero();
        assertThat(show.out()).contains("Queue-Id:     " + stuck.value())
                .contains("Sender:       <alice@remote.test>")
                .contains("Recipient:    <bo@slow.test> deferred attempts=2 next=" + next)
                .contains("452 4.3.1 Insufficient system storage");

        // Retry: due now, not in a minute.
        int before = slow.transactions().size();
        var retry = TernCommand.run("queue", "retry", stuck.value(), "--config", cfg);
        assertThat(retry.exitCode()).as(retry.out()).isZero();
        Eventually.await("the retried attempt", Duration.ofSeconds(5), () -> slow.transactions().size() > before);
        awaitDeferral(journal, stuck, 3);
        assertThat(journaled).anyMatch(e -> e instanceof JournalEvent.RetryRequested r && r.id().equals(stuck));

        // A whole destination: through the running server's admin listener, as a sweep.
        int beforeSweep = slow.transactions().size();
        long retriesBefore = journaled.stream().filter(e -> e instanceof JournalEvent.RetryRequested).count();
        var sweep = TernCommand.run("queue", "retry", "--domain", "slow.test", "--config", cfg);
        assertThat(sweep.exitCode()).as(sweep.out()).isZero();
        assertThat(sweep.out()).contains("1 message (1 recipient at slow.test) due now");
        Eventually.await("the swept attempt", Duration.ofSeconds(5), () -> slow.transactions().size() > beforeSweep);
        awaitDeferral(journal, stuck, 4);
        assertThat(journaled.stream().filter(e -> e instanceof JournalEvent.RetryRequested).count())
                .isGreaterThan(retriesBefore);
        var json = TernCommand.run("queue", "list", "--domain", "slow.test", "--json", "--config", cfg);
        assertThat(json.exitCode()).as(json.out()).isZero();
        assertThat(json.lines()).singleElement().satisfies(l -> assertThat(l)
                .contains("\"id\":\"" + stuck.value() + "\"").contains("\"address\":\"bo@slow.test\"")
                .contains("\"state\":\"deferred\""));

        var delete = TernCommand.run("queue", "delete", stuck.value(), "--config", cfg);
        assertThat(delete.exitCode()).as(delete.out()).isZero();
        Path reason = data.resolve("badmail").resolve(stuck.value() + ".bdr");
        assertThat(reason).exists();
        assertThat(Files.readString(reason)).contains("deleted by operator");
        assertThat(data.resolve("badmail").resolve(stuck.value() + ".bad")).exists();

        // The journal tells the delivered message's story, in text and in JSON.
        var tail = TernCommand.run("journal", "tail", "--config", cfg);
        assertThat(tail.exitCode()).as(tail.out()).isZero();
        assertThat(tail.lines()).anyMatch(l -> l.contains(" " + once.value() + " Accepted from=<alice@remote.test> to=<ann@far.test>"))
                .anyMatch(l -> l.contains(" " + once.value() + " Deferred to=<ann@far.test>") && l.contains("attempts=1"))
                .anyMatch(l -> l.contains(" " + once.value() + " Delivered to=<ann@far.test>"))
                .anyMatch(l -> l.contains(" " + stuck.value() + " Badmailed reason=\"deleted by operator\""));
        var events = TernCommand.run("journal", "tail", "--json", "--config", cfg);
        assertThat(events.exitCode()).as(events.out()).isZero();
        assertThat(events.lines()).anyMatch(l -> l.contains("\"id\":\"" + once.value() + "\",\"event\":\"Accepted\"")
                        && l.contains("\"from\":\"alice@remote.test\"") && l.contains("\"to\":[\"ann@far.test\"]"))
                .anyMatch(l -> l.contains("\"id\":\"" + once.value() + "\",\"event\":\"Delivered\"")
                        && l.contains("\"to\":\"ann@far.test\""));
    }

    /** Reads the journal until the {@code attempts}-th Deferred of {@code id} is there. */
    private Deferred awaitDeferral(JournalReader journal, QueueId id, int attempts) {
        Eventually.await(id + " deferred " + attempts + " times", Duration.ofSeconds(15), () -> {
            journal.readAvailable(journaled::add);
            return deferral(id, attempts).isPresent();
        });
        return deferral(id, attempts).orElseThrow();
    }

    private Optional<Deferred> deferral(QueueId id, int attempts) {
        return journaled.stream().filter(e -> e instanceof Deferred d && d.id().equals(id) && d.attempts() == attempts)
                .map(Deferred.class::cast).findFirst();
    }
}
