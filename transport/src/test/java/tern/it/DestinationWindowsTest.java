package tern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.outcome.LocalDecision;
import tern.queue.QueueId;
import tern.testing.Eventually;
import tern.testing.ScriptedSmtpServer;
import tern.testing.ScriptedSmtpServer.Verb;
import tern.testing.TernInstance;

/**
 * Real loopback peers at once: a tarpit (accepts TCP, never greets), a host that greets with
 * 421, a slow sink and a healthy one. Each destination has its own window: the healthy route
 * is delivered while the tarpit's connections are still open, and the refusing host sees no
 * more connections than its window before it is left alone (down, deferred without connecting).
 */
class DestinationWindowsTest {

    @TempDir
    static Path dir;

    static ScriptedSmtpServer tarpit;
    static ScriptedSmtpServer busy;
    static ScriptedSmtpServer slow;
    static ScriptedSmtpServer healthy;
    static TernInstance tern;

    @BeforeAll
    static void start() throws Exception {
        tarpit = ScriptedSmtpServer.builder().hangOnConnect().start();
        busy = ScriptedSmtpServer.builder().greeting("421 4.3.2 Too busy, try again later").start();
        slow = ScriptedSmtpServer.builder().on(Verb.MESSAGE, exchange -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }).start();
        healthy = ScriptedSmtpServer.builder().start();
        tern = TernInstance.start(dir, "windows.tern.test", """
                delivery:
                  retry: {first: 1s, second: 1s, third: 1s, subsequent: 1s}
                  connections: {total: 20, perDomain: 10, timeout: 10m}
                routes:
                  - {domain: tarpit.test, nextHop: "[127.0.0.1]:%d"}
                  - {domain: busy.test, nextHop: "[127.0.0.1]:%d"}
                  - {domain: slow.test, nextHop: "[127.0.0.1]:%d"}
                  - {domain: healthy.test, nextHop: "[127.0.0.1]:%d"}
                """.formatted(tarpit.port(), busy.port(), slow.port(), healthy.port()));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {tarpit, tern, busy, slow, healthy}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void aStalledAndARefusingDestinationHoldUpNeitherTheSlowNorTheHealthyOne() throws Exception {
        List<QueueId> stuck = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            stuck.add(tern.send("<a@windows.test>", List.of("<t" + i + "@tarpit.test>"), "Subject: t\r\n\r\nx\r\n"));
        }
        List<QueueId> refused = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            refused.add(tern.send("<a@windows.test>", List.of("<b" + i + "@busy.test>"), "Subject: b\r\n\r\nx\r\n"));
        }
        for (int i = 0; i < 10; i++) {
            tern.send("<a@windows.test>", List.of("<s" + i + "@slow.test>"), "Subject: s\r\n\r\nx\r\n");
        }
        Eventually.await("the tarpit holds connections", Duration.ofSeconds(30), () -> tarpit.connections() > 0);

        tern.send("<a@windows.test>", List.of("<h@healthy.test>"), "Subject: h\r\n\r\nx\r\n");

        healthy.awaitMessages(1, Duration.ofSeconds(30));
        // Delivered while the tarpit's connections are still open: its first attempts have not even ended.
        assertThat(tern.recipient(stuck.getFirst(), "t0@tarpit.test")).hasValueSatisfying(
                r -> assertThat(r.attempts()).isZero());
        assertThat(tarpit.connections()).as("the tarpit gets its window, not 30 connections").isLessThanOrEqualTo(5);

        slow.awaitMessages(10, Duration.ofSeconds(60));

        // Every refused recipient has been deferred at least twice: the host was left alone after its window failed.
        Eventually.await("two rounds of deferrals at busy.test", Duration.ofSeconds(60), () -> refused.stream()
                .allMatch(id -> tern.recipient(id, "b" + refused.indexOf(id) + "@busy.test")
                        .map(r -> r.attempts() >= 2).orElse(false)));
        assertThat(busy.connections()).as("a window of connections, then at most a probe").isLessThanOrEqualTo(6);
        var last = tern.recipient(refused.getLast(), "b59@busy.test").orElseThrow().lastOutcome();
        assertThat(last).isInstanceOfSatisfying(LocalDecision.class,
                d -> assertThat(d.reason()).isEqualTo(LocalDecision.Reason.DESTINATION_DOWN));
    }
}
