package tern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.cluster.QueueLease;
import tern.fs.DataDirIdentity;
import tern.journal.JournalEvent;
import tern.journal.JournalReader;
import tern.queue.QueueId;
import tern.testing.Eventually;
import tern.testing.LoopbackPorts;
import tern.testing.RedisProcess;
import tern.testing.RequiredTool;
import tern.testing.ScriptedSmtpServer;
import tern.testing.SmtpSink;
import tern.testing.Submission;
import tern.testing.TernCommand;
import tern.testing.TernInstance;
import tern.testing.TernProcess;

/**
 * {@code tern queue evacuate}: node A, whose next hop refuses connections, hands its deferred
 * mail to node B (another Tern), which relays it to Postfix's smtp-sink. Each message arrives
 * there once with its original envelope, and A's journal records the hand-overs.
 */
class EvacuateTest {

    private static final Duration ARRIVAL = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private SmtpSink sink;
    private TernInstance nodeB;
    private Socket refusing;
    private Path dataA;
    private Path configA;

    @BeforeEach
    void nodes() throws Exception {
        RequiredTool.require(SmtpSink.installed(), "Postfix's smtp-sink is not installed");
        sink = LoopbackPorts.startOnFreePort(port -> SmtpSink.start("127.0.0.1", port));
        Files.createDirectories(dir.resolve("b"));
        nodeB = TernInstance.start(dir.resolve("b"), "node-b.tern.test", """
                delivery:
                  connections: {timeout: 5s}
                routes:
                  - {domain: far.test, nextHop: "%s"}
                """.formatted(sink.nextHop()));
        refusing = LoopbackPorts.refusingPort();
        dataA = dir.resolve("a");
        configA = dir.resolve("a.yaml");
    }

    @AfterEach
    void stop() throws Exception {
        if (nodeB != null) {
            nodeB.close();
        }
        if (sink != null) {
            sink.close();
        }
        if (refusing != null) {
            refusing.close();
        }
    }

    /** Node A: far.test goes to a port that refuses, retried only in an hour; it masquerades its own domain. */
    private final BiFunction<Integer, Integer, String> yamlA = (port, adminPort) -> """
            server:
              fqdn: node-a.tern.test
              listen: ["127.0.0.1:%d"]
              dataDir: %s
            domains:
              local: [a.tern.test]
            delivery:
              retry: {first: 1h, second: 1h, third: 1h}
              masqueradeDomain: masq.tern.test
              connections: {timeout: 5s}
            routes:
              - {domain: far.test, nextHop: "[127.0.0.1]:%d"}
            admin:
              listen: "127.0.0.1:%d"
            """.formatted(port, dataA, refusing.getLocalPort(), adminPort);

    private TernProcess startA() throws Exception {
        Files.writeString(configA, yamlA.apply(0, 0));
        TernProcess a = TernProcess.serve(configA, dir.resolve("a.log"));
        Files.writeString(configA, yamlA.apply(a.smtpPort(), a.adminPort())); // so the CLI finds its admin listener
        return a;
    }

    /** Two messages deferred on A: one with every DSN parameter and two recipients, one from a local sender. */
    private List<QueueId> deferTwo(TernProcess a, String tag) {
        var smtp = new InetSocketAddress("127.0.0.1", a.smtpPort());
        QueueId first = Submission.send(smtp, "<alice@remote.test> RET=HDRS ENVID=env-" + tag,
                List.of("<bob@far.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@far.test", "<carol@far.test>"),
                "Subject: first " + tag + "\r\n\r\nhello\r\n");
        QueueId second = Submission.send(smtp, "<dan@a.tern.test>", List.of("<erin@far.test>"),
                "Subject: second " + tag + "\r\n\r\nhello\r\n");
        Eventually.await("both deferred on A", ARRIVAL, () -> deferred(first) && deferred(second));
        return List.of(first, second);
    }

    private boolean deferred(QueueId id) {
        return journalA().stream().anyMatch(e -> e instanceof JournalEvent.Deferred d && d.id().equals(id));
    }

    private List<JournalEvent> journalA() {
        List<JournalEvent> events = new ArrayList<>();
        try (JournalReader reader = JournalReader.open(dataA.resolve("journal"))) {
            reader.readAvailable(events::add);
        }
        return events;
    }

    private String to() {
        return "127.0.0.1:" + nodeB.smtp().getPort();
    }

    private void assertArrivedOnceWithTheirEnvelopes(String tag) throws Exception {
        SmtpSink.Dump first = sink.awaitSubject("first " + tag, ARRIVAL);
        SmtpSink.Dump second = sink.awaitSubject("second " + tag, ARRIVAL);
        assertThat(first.reversePath()).isEqualTo("alice@remote.test");
        assertThat(first.recipients()).containsExactly("bob@far.test", "carol@far.test");
        assertThat(first.mailArgs()).contains("RET=HDRS").contains("ENVID=env-" + tag);
        assertThat(first.rcptArgs().getFirst()).contains("NOTIFY=SUCCESS,FAILURE").contains("ORCPT=rfc822;bob@far.test");
        assertThat(second.reversePath()).isEqualTo("dan@a.tern.test"); // not masqueraded: A is not the first hop
        assertThat(second.recipients()).containsExactly("erin@far.test");
        assertThat(sink.dumps().stream().filter(d -> d.first("Subject").orElse("").endsWith(" " + tag))).hasSize(2);
    }

    @Test
    void aRunningNodeHandsItsDeferredMailToAnotherTernAndARefusingPeerLeavesItQueued() throws Exception {
        try (TernProcess a = startA();
             ScriptedSmtpServer busy = ScriptedSmtpServer.builder().reply(ScriptedSmtpServer.Verb.MESSAGE,
                     "451 4.3.0 Try again later").start()) {
            List<QueueId> ids = deferTwo(a, "run");

            var refused = TernCommand.run("queue", "evacuate", "--to", "127.0.0.1:" + busy.port(), "--config",
                    configA.toString());
            assertThat(refused.exitCode()).as(refused.out()).isEqualTo(1);
            assertThat(refused.out()).contains(ids.get(0) + " stayed: <bob@far.test>, <carol@far.test>: 451 4.3.0")
                    .contains("0 messages handed over to 127.0.0.1:" + busy.port() + ", 2 stayed");
            var stillQueued = TernCommand.run("queue", "list", "--config", configA.toString());
            assertThat(stillQueued.out()).contains(ids.get(0).value()).contains(ids.get(1).value());

            var evacuated = TernCommand.run("queue", "evacuate", "--to", to(), "--config", configA.toString());
            assertThat(evacuated.exitCode()).as(evacuated.out()).isZero();
            assertThat(evacuated.out()).contains(ids.get(0) + " handed over: <bob@far.test>, <carol@far.test> (250")
                    .contains(ids.get(1) + " handed over: <erin@far.test> (250")
                    .contains("2 messages handed over to " + to() + ", 0 stayed");

            assertArrivedOnceWithTheirEnvelopes("run");
            var list = TernCommand.run("queue", "list", "--config", configA.toString());
            assertThat(list.out()).doesNotContain(ids.get(0).value()).doesNotContain(ids.get(1).value());
            var tail = TernCommand.run("journal", "tail", "--config", configA.toString());
            assertThat(tail.lines()).anyMatch(l -> l.contains(ids.get(0) + " HandedOver to=<bob@far.test>,<carol@far.test>"
                    + " peer=127.0.0.1[127.0.0.1]:" + nodeB.smtp().getPort() + " reply=\"250"));
            // Finished without a report: no DSN went to alice, though bob asked NOTIFY=SUCCESS.
            assertThat(journalA().stream().filter(e -> e instanceof JournalEvent.Accepted)).hasSize(2);
        }
    }

    @Test
    void aStoppedNodesDataDirectoryIsEvacuatedUnderItsLockAndTheRedisLease() throws Exception {
        List<QueueId> ids;
        try (TernProcess a = startA()) {
            ids = deferTwo(a, "dead");
            var locked = TernCommand.run("queue", "evacuate", "--to", to(), "--data-dir", dataA.toString());
            assertThat(locked.exitCode()).as(locked.out()).isEqualTo(1);
            assertThat(locked.out()).contains("a server is running on").contains("nothing was sent");
            assertThat(a.terminate(Duration.ofSeconds(20))).isZero();
        }
        assertThat(sink.dumps()).isEmpty();

        try (RedisProcess redis = RedisProcess.start(dir)) {
            Path configC = dir.resolve("c.yaml");
            Files.writeString(configC, """
                    server:
                      fqdn: node-c.tern.test
                      dataDir: %s
                    cluster:
                      redis: "%s"
                      node: node-c
                    """.formatted(dir.resolve("c"), redis.uri()));
            String identity = DataDirIdentity.of(dataA);
            try (QueueLease other = QueueLease.acquire(redis.uri(), identity, "node-d", Duration.ofSeconds(30))) {
                var leased = TernCommand.run("queue", "evacuate", "--to", to(), "--data-dir", dataA.toString(),
                        "--config", configC.toString());
                assertThat(leased.exitCode()).as(leased.out()).isEqualTo(1);
                assertThat(leased.out()).contains("tern:takeover:" + identity + " is held by node-d")
                        .contains("nothing was sent");
                assertThat(other.held()).isTrue();
            }
            assertThat(sink.dumps()).isEmpty();

            var evacuated = TernCommand.run("queue", "evacuate", "--to", to(), "--data-dir", dataA.toString(),
                    "--config", configC.toString());
            assertThat(evacuated.exitCode()).as(evacuated.out()).isZero();
            assertThat(evacuated.out()).contains("2 messages handed over to " + to() + ", 0 stayed");
            // The lease is given back at the end: the next taker does not wait for it to expire.
            try (QueueLease next = QueueLease.acquire(redis.uri(), identity, "node-d", Duration.ofSeconds(30))) {
                assertThat(next.held()).isTrue();
            }
        }
        assertArrivedOnceWithTheirEnvelopes("dead");
        assertThat(journalA()).filteredOn(e -> e instanceof JournalEvent.HandedOver).extracting(JournalEvent::id)
                .containsExactlyElementsOf(ids);
        var list = TernCommand.run("queue", "list", "--config", configA.toString());
        assertThat(list.out()).doesNotContain(ids.get(0).value()).doesNotContain(ids.get(1).value());

        var again = TernCommand.run("queue", "evacuate", "--to", to(), "--data-dir", dataA.toString());
        assertThat(again.exitCode()).as(again.out()).isZero();
        assertThat(again.out()).contains("0 messages handed over");
    }
}
