package tern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.config.TernConfig;
import tern.configfile.ConfigLoader;
import tern.testing.Eventually;
import tern.testing.ScriptedSmtpServer;
import tern.testing.ScriptedSmtpServer.ReceivedTransaction;
import tern.testing.TernInstance;

/** routes[].rate and routes[].connections, against real sinks on loopback, and a reload of them. */
class TrafficShapingTest {

    @TempDir
    Path dir;

    @Test
    void aRateOfTwoPerSecondSpreadsTenMessagesOverAtLeastFourSeconds() throws Exception {
        try (var sink = ScriptedSmtpServer.builder().start();
             var tern = TernInstance.start(dir, "rate.tern.test", """
                     routes:
                       - {domain: paced.test, nextHop: "[127.0.0.1]:%d", rate: 2/s}
                     """.formatted(sink.port()))) {
            for (int i = 0; i < 10; i++) {
                tern.send("<a@rate.test>", List.of("<r" + i + "@paced.test>"), "Subject: " + i + "\r\n\r\nx\r\n");
            }
            List<ReceivedTransaction> got = sink.awaitMessages(10, Duration.ofSeconds(60));
            var first = got.stream().map(ReceivedTransaction::started).min(java.util.Comparator.naturalOrder()).orElseThrow();
            var last = got.stream().map(ReceivedTransaction::started).max(java.util.Comparator.naturalOrder()).orElseThrow();
            assertThat(Duration.between(first, last)).as("nine gaps of 500 ms at least").isGreaterThanOrEqualTo(Duration.ofSeconds(4));
        }
    }

    @Test
    void aReloadFromOneConnectionToFourIsVisibleAtTheNextDispatch() throws Exception {
        var now = new AtomicInteger();
        var most = new AtomicInteger();
        var release = new java.util.concurrent.CountDownLatch(1);
        try (var sink = ScriptedSmtpServer.builder().on(ScriptedSmtpServer.Verb.MESSAGE, exchange -> {
                 most.accumulateAndGet(now.incrementAndGet(), Math::max);
                 try {
                     release.await(); // every delivery hangs until the test lets them go
                 } catch (InterruptedException e) {
                     Thread.currentThread().interrupt();
                 }
                 now.decrementAndGet();
                 return null;
             }).start();
             var tern = TernInstance.start(dir, "reload.tern.test", routes(sink.port(), 1))) {
            for (int i = 0; i < 8; i++) {
                tern.send("<a@reload.test>", List.of("<r" + i + "@shaped.test>"), "Subject: " + i + "\r\n\r\nx\r\n");
            }
            Eventually.await("the first delivery hangs", Duration.ofSeconds(30), () -> now.get() == 1);
            assertThat(most.get()).as("connections: 1").isEqualTo(1);

            TernConfig next = new ConfigLoader(dir, "host.tern.test").parse("""
                    server:
                      fqdn: reload.tern.test
                      listen: ["127.0.0.1:0"]
                      dataDir: %s
                    admin:
                      listen: ""
                    """.formatted(tern.dataDir()) + routes(sink.port(), 4), "reload");
            tern.server().reloadFrom(() -> next);
            assertThat(tern.server().reload()).isNull();

            Eventually.await("four at once after the reload", Duration.ofSeconds(30), () -> now.get() == 4);
            release.countDown();
            sink.awaitMessages(8, Duration.ofSeconds(60));
        }
    }

    private static String routes(int port, int connections) {
        return """
                routes:
                  - {domain: shaped.test, nextHop: "[127.0.0.1]:%d", connections: %d}
                """.formatted(port, connections);
    }
}
