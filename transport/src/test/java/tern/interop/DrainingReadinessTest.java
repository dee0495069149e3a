package tern.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.testing.Eventually;
import tern.testing.ScriptedSmtpServer;
import tern.testing.ScriptedSmtpServer.Verb;
import tern.testing.Submission;

/**
 * While a shutdown waits for a delivery under way, {@code /health/ready} says 503 with the
 * reason (so a load balancer stops sending), and {@code /health/live} still says 200.
 */
class DrainingReadinessTest {

    @TempDir
    Path dir;

    @Test
    void readyIs503DrainingWhileTheShutdownWaitsForADelivery() throws Exception {
        CountDownLatch attempting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ScriptedSmtpServer slow = ScriptedSmtpServer.builder().on(Verb.MESSAGE, exchange -> {
            attempting.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "250 2.0.0 Ok";
        }).start()) {
            TernUnderTest tern = TernUnderTest.start(dir, """
                    server:
                      fqdn: drain.tern.test
                      listen: ["127.0.0.1:0"]
                      dataDir: %%DIR%%/data
                    routes:
                      - {domain: slow.test, nextHop: "[127.0.0.1]:%d"}
                    admin:
                      listen: "127.0.0.1:0"
                    """.formatted(slow.port()));
            var ready = tern.adminUri("/health/ready");
            var live = tern.adminUri("/health/live");
            assertThat(get(ready).statusCode()).isEqualTo(200);
            Submission.send(new InetSocketAddress("127.0.0.1", tern.smtpPort()), "<a@client.test>",
                    List.of("<b@slow.test>"), "Subject: slow\r\n\r\nx\r\n");
            assertThat(attempting.await(20, TimeUnit.SECONDS)).as("the delivery attempt started").isTrue();

            Thread stopping = Thread.ofPlatform().start(tern::close);
            AtomicReference<HttpResponse<String>> draining = new AtomicReference<>();
            Eventually.await("ready says draining", Duration.ofSeconds(10), () -> {
                HttpResponse<String> r = get(ready);
                draining.set(r);
                return r != null && r.statusCode() == 503;
            });
            assertThat(draining.get().body()).contains("draining: shutting down")
                    .contains("listeners: the SMTP listeners are not bound");
            assertThat(get(live).statusCode()).isEqualTo(200);
            release.countDown();
            stopping.join(Duration.ofSeconds(30));
        }
    }

    private static HttpResponse<String> get(java.net.URI uri) {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            return null;
        }
    }
}
