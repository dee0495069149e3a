package tern.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.testing.Eventually;
import tern.testing.ScriptedSmtpServer;
import tern.testing.SmtpTestClient;
import tern.testing.TernProcess;

/**
 * {@code tern reload} (POST /reload, what SIGHUP does too) while mail flows: a route changes
 * under four busy sessions, nothing acknowledged is lost or doubled, mail accepted after the
 * reload takes the new route, and a broken file is refused by key with the old one in force.
 */
class ReloadUnderLoadTest {

    private static final Pattern TEST_ID = Pattern.compile("X-Test-Id: (\\S+)");

    @TempDir
    Path dir;

    private ScriptedSmtpServer sinkA;
    private ScriptedSmtpServer sinkB;
    private TernUnderTest tern;

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
        if (sinkA != null) {
            sinkA.close();
        }
        if (sinkB != null) {
            sinkB.close();
        }
    }

    private static String config(int routePort) {
        return """
                server:
                  fqdn: tern.interop.test
                  listen: ["127.0.0.1:0"]
                  dataDir: %%DIR%%/data
                routes:
                  - {domain: r.test, nextHop: "[127.0.0.1]:%d"}
                admin:
                  listen: "127.0.0.1:0"
                """.formatted(routePort);
    }

    @Test
    void aRouteChangedMidLoadLosesNothingAndLaterMailTakesTheNewRoute() throws Exception {
        sinkA = ScriptedSmtpServer.builder().name("sink-a.test").start();
        sinkB = ScriptedSmtpServer.builder().name("sink-b.test").start();
        tern = TernUnderTest.start(dir, config(sinkA.port()));

        int sessions = 4;
        int perSession = 50;
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Set<String> acknowledgedAfterReload = ConcurrentHashMap.newKeySet();
        var reloaded = new java.util.concurrent.atomic.AtomicBoolean();
        var halfway = new CountDownLatch(sessions * perSession / 2);
        var reloadDone = new CountDownLatch(1);
        var failures = new AtomicInteger();
        try (var load = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int s = 0; s < sessions; s++) {
                int session = s;
                load.execute(() -> {
                    try (var c = SmtpTestClient.connect(new InetSocketAddress("127.0.0.1", tern.smtpPort()))) {
                        c.expect(220);
                        c.expect("EHLO load.test", 250);
                        for (int n = 0; n < perSession; n++) {
                            String id = session + "-" + n;
                            if (n == perSession - 10) {
                                // The last ten of each session wait for the reload: while the
                                // middle of the load races with it, some mail surely comes after.
                                reloadDone.await(20, TimeUnit.SECONDS);
                            }
                            // Read before the transaction: a 250 after the reload returned is "after".
                            boolean after = reloaded.get();
                            c.expect("MAIL FROM:<load@origin.test>", 250);
                            c.expect("RCPT TO:<sink@r.test>", 250);
                            c.expect("DATA", 354);
                            c.send("X-Test-Id: " + id + "\r\nSubject: " + id + "\r\n\r\nload\r\n.\r\n");
                            c.expect(250);
                            acknowledged.add(id);
                            if (after) {
                                acknowledgedAfterReload.add(id);
                            }
                            halfway.countDown();
                        }
                        c.expect("QUIT", 221);
                    } catch (InterruptedException e) {
                        failures.incrementAndGet();
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException | AssertionError e) {
                        failures.incrementAndGet();
                        throw e;
                    }
                });
            }
            assertThat(halfway.await(20, TimeUnit.SECONDS)).as("half the load acknowledged").isTrue();
            Files.writeString(tern.configFile(), config(sinkB.port()).replace("%DIR%", dir.toString()));
            HttpResponse<String> reply = tern.reload();
            assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
            reloaded.set(true);
            reloadDone.countDown();
        }
        assertThat(failures).hasValue(0);
        assertThat(acknowledged).hasSize(sessions * perSession);
        assertThat(acknowledgedAfterReload).as("some mail was accepted after the reload").isNotEmpty();

        Eventually.await("every acknowledged message at sink A or B", Duration.ofSeconds(20),
                () -> sinkA.messages().size() + sinkB.messages().size() >= acknowledged.size());
        List<String> atA = ids(sinkA);
        List<String> atB = ids(sinkB);
        assertThat(atA.size() + atB.size()).as("A + B = acknowledged, nothing twice").isEqualTo(acknowledged.size());
        Set<String> arrived = new HashSet<>(atA);
        arrived.addAll(atB);
        assertThat(arrived).isEqualTo(acknowledged);
        assertThat(atA).as("the old route was used before the reload").isNotEmpty();
        assertThat(atB).as("mail accepted after the reload goes to B").containsAll(acknowledgedAfterReload);
        assertThat(atA).doesNotContainAnyElementsOf(acknowledgedAfterReload);
    }

    @Test
    void aBrokenConfigurationIsRefusedByKeyAndTheOldOneStaysInForce() throws Exception {
        sinkA = ScriptedSmtpServer.builder().name("sink-a.test").start();
        tern = TernUnderTest.start(dir, config(sinkA.port()));
        String good = Files.readString(tern.configFile());

        Files.writeString(tern.configFile(), good.replace("routes:", """
                delivery:
                  retry: {first: soon}
                routes:"""));
        HttpResponse<String> refused = tern.reload();
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("delivery.retry.first").contains("soon");

        send("after-bad-reload");
        var delivered = sinkA.awaitMessages(1, Duration.ofSeconds(10));
        assertThat(delivered.getFirst().dataText()).contains("X-Test-Id: after-bad-reload");
        assertThat(delivered.getFirst().heloName()).isEqualTo("tern.interop.test");
    }

    @Test
    void sighupToTernServeRereadsTheFileAndMovesTheRoute() throws Exception {
        sinkA = ScriptedSmtpServer.builder().name("sink-a.test").start();
        sinkB = ScriptedSmtpServer.builder().name("sink-b.test").start();
        Path file = dir.resolve("serve.yaml");
        java.util.function.IntFunction<String> config = sink -> """
                server:
                  fqdn: tern.interop.test
                  listen: ["127.0.0.1:0"]
                  dataDir: %s/serve-data
                routes:
                  - {domain: r.test, nextHop: "[127.0.0.1]:%d"}
                admin:
                  listen: ""
                """.formatted(dir, sink);
        Files.writeString(file, config.apply(sinkA.port()));
        try (TernProcess serve = TernProcess.serve(file, dir.resolve("serve.log"))) {
            int port = serve.smtpPort();
            send(port, "before-hup");
            assertThat(sinkA.awaitMessages(1, Duration.ofSeconds(10)).getFirst().dataText()).contains("before-hup");

            Files.writeString(file, config.apply(sinkB.port()));
            ExternalProgram.check(Duration.ofSeconds(5), List.of("kill", "-HUP", String.valueOf(serve.process().pid())));
            Eventually.await("the reload logged", () -> {
                try {
                    return serve.log().contains("configuration reloaded");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            send(port, "after-hup");
            assertThat(sinkB.awaitMessages(1, Duration.ofSeconds(10)).getFirst().dataText()).contains("after-hup");
            assertThat(sinkA.messages()).hasSize(1);
            assertThat(serve.terminate(Duration.ofSeconds(20))).isZero();
        }
    }

    private void send(String id) {
        send(tern.smtpPort(), id);
    }

    private static void send(int port, String id) {
        try (var c = SmtpTestClient.connect(new InetSocketAddress("127.0.0.1", port))) {
            c.expect(220);
            c.expect("EHLO client.test", 250);
            c.expect("MAIL FROM:<load@origin.test>", 250);
            c.expect("RCPT TO:<sink@r.test>", 250);
            c.expect("DATA", 354);
            c.send("X-Test-Id: " + id + "\r\n\r\nbody\r\n.\r\n");
            c.expect(250);
            c.expect("QUIT", 221);
        }
    }

    private static List<String> ids(ScriptedSmtpServer sink) {
        return sink.messages().stream().map(m -> {
            Matcher x = TEST_ID.matcher(m.dataText());
            assertThat(x.find()).as(m.dataText()).isTrue();
            return x.group(1);
        }).toList();
    }
}
