package tern.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.testing.Eventually;
import tern.testing.RedisProcess;
import tern.testing.Submission;
import tern.testing.TernCommand;
import tern.testing.TernProcess;

/**
 * Real {@code tern serve} processes sharing one real redis-server on loopback, delivering to
 * one next hop that counts the connections open at once.
 */
class ClusterNodesTest {

    /** Short, so that a dead node's slots come back within the test. */
    static final String LEASE_TTL = "-Dtern.cluster.leaseTtl=PT2S";
    static final String HEARTBEAT = "-Dtern.cluster.heartbeat=PT1S";
    static final Duration AWAIT = Duration.ofMinutes(2);

    @TempDir
    Path dir;
    RedisProcess redis;
    CountingSink sink;
    final List<TernProcess> nodes = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        redis = RedisProcess.start(java.nio.file.Files.createTempDirectory("tern-redis"));
        sink = new CountingSink(100);
    }

    @AfterEach
    void stop() throws Exception {
        for (TernProcess n : nodes) {
            n.close();
        }
        sink.close();
        redis.close();
    }

    Path config(String node) throws Exception {
        Path data = dir.resolve(node);
        Files.createDirectories(data);
        Path file = dir.resolve(node + ".yaml");
        Files.writeString(file, """
                server:
                  fqdn: %s.cluster.tern.test
                  listen: ["127.0.0.1:0"]
                  dataDir: %s
                delivery:
                  retry: {first: 2s, second: 2s, third: 2s, subsequent: 2s}
                routes:
                  - {domain: partner.test, nextHop: "%s", connections: 2}
                admin:
                  listen: "127.0.0.1:0"
                cluster:
                  redis: "%s"
                  node: %s
                """.formatted(node, data, sink.nextHop(), redis.uri(), node));
        return file;
    }

    TernProcess node(String name) throws Exception {
        TernProcess p = TernProcess.serve(config(name), dir.resolve(name + ".log"), "-Xmx256m", LEASE_TTL, HEARTBEAT);
        nodes.add(p);
        return p;
    }

    static void send(TernProcess node, String subject) {
        Submission.send(new InetSocketAddress("127.0.0.1", node.smtpPort()), "<alice@client.test>",
                List.of("<bob@partner.test>"), "Subject: " + subject + "\r\n\r\nhello\r\n");
    }

    @Test
    void threeNodesHoldARoutesTwoConnectionsAtTheSinkInTotalAndAllShowInTheClusterStatus() throws Exception {
        List<TernProcess> three = List.of(node("n1"), node("n2"), node("n3"));
        List<String> sent = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                for (int n = 0; n < three.size(); n++) {
                    String subject = "m" + n + "-" + i;
                    sent.add(subject);
                    TernProcess node = three.get(n);
                    all.add(clients.submit(() -> send(node, subject)));
                }
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        Eventually.await("all 30 messages at the sink", AWAIT, () -> sink.subjects().size() >= sent.size());
        assertThat(sink.subjects()).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(sink.peak()).as("connections open at the sink at once").isLessThanOrEqualTo(2);

        var status = TernCommand.run("cluster", "status", "--config", dir.resolve("n1.yaml").toString());
        assertThat(status.exitCode()).as(status.out()).isZero();
        assertThat(status.out()).contains("3 nodes, 3 alive, 0 expired");
        for (String n : List.of("n1", "n2", "n3")) {
            assertThat(status.lines()).anySatisfy(l -> assertThat(l).startsWith(n).contains("alive"));
        }

        send(three.get(1), "hold forever"); // something queued on n2 to list
        Eventually.await("n2 reports it in its heartbeat", AWAIT, () -> status("n1").lines().stream()
                .anyMatch(l -> l.startsWith("n2") && l.matches(".*alive.*\\s1\\s+1\\s.*")));
        var list = TernCommand.run("queue", "list", "--cluster", "--config", dir.resolve("n1.yaml").toString());
        assertThat(list.exitCode()).as(list.out()).isZero();
        assertThat(list.out()).contains("== n1 (", "== n2 (", "== n3 (").contains("<bob@partner.test> pending");
    }

    @Test
    void aKilledNodesSlotsComeBackWhenItsLeasesExpire() throws Exception {
        TernProcess dying = node("n1");
        TernProcess survivor = node("n2");
        send(dying, "hold forever 1");
        send(dying, "hold forever 2");
        Eventually.await("n1 holds both slots at the sink", AWAIT, () -> sink.open() == 2);
        dying.kill(); // kill -9: its leases are never given back, only left to expire

        send(survivor, "after the kill");
        Eventually.await("n2 delivers once n1's leases expired", AWAIT,
                () -> sink.subjects().contains("after the kill"));
    }

    @Test
    void withRedisStoppedANodeKeepsDeliveringIsStillReadyAndRejoinsWhenRedisIsBack() throws Exception {
        TernProcess node = node("n1");
        send(node, "before");
        Eventually.await("delivered with Redis", AWAIT, () -> sink.subjects().contains("before"));

        redis.stop();
        Eventually.await("the node notices", AWAIT, () -> unchecked(() -> node.log().contains("does not answer")));
        send(node, "while Redis is down");
        Eventually.await("delivered without Redis", AWAIT, () -> sink.subjects().contains("while Redis is down"));
        HttpResponse<String> ready = ready(node);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("cluster").contains("local limits");

        redis.startAgain();
        Eventually.await("the node rejoins", AWAIT, () -> status("n1").out().contains("1 node, 1 alive"));
        send(node, "after");
        Eventually.await("delivered after Redis came back", AWAIT, () -> sink.subjects().contains("after"));
        assertThat(ready(node).body()).doesNotContain("local limits");
    }

    TernCommand.Result status(String node) {
        return unchecked(() -> TernCommand.run("cluster", "status", "--config", dir.resolve(node + ".yaml").toString()));
    }

    static <T> T unchecked(java.util.concurrent.Callable<T> call) {
        try {
            return call.call();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static HttpResponse<String> ready(TernProcess node) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + "/health/ready"))
                    .build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
