package tern.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.journal.JournalReader;
import tern.testing.Eventually;
import tern.testing.ScriptedSmtpServer;
import tern.testing.ScriptedSmtpServer.Verb;
import tern.testing.SmtpTestClient;

/**
 * What an operator's Prometheus sees: a known workload through a whole Tern, then
 * {@code GET /metrics} over HTTP, and every counter and gauge must hold the exact number the
 * workload implies. A metric that is declared but never counted shows up here as a zero.
 */
class MetricsScrapeTest {

    @TempDir
    Path dir;

    private ScriptedSmtpServer flaky;
    private ScriptedSmtpServer refusing;
    private TernUnderTest tern;

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
        if (flaky != null) {
            flaky.close();
        }
        if (refusing != null) {
            refusing.close();
        }
    }

    @Test
    void aKnownWorkloadScrapesAsExactCounts() throws Exception {
        flaky = ScriptedSmtpServer.builder().name("mx.flaky.test")
                .failFirst(Verb.MESSAGE, 1, "451 4.3.0 Try again later").start();
        refusing = ScriptedSmtpServer.builder().name("mx.refusing.test")
                .rcpt("nobody@refusing.test", "550 5.1.1 No such user").start();
        tern = TernUnderTest.start(dir, """
                server:
                  fqdn: tern.interop.test
                  listen: ["127.0.0.1:0"]
                  dataDir: %%DIR%%/data
                domains:
                  local: [tern.test]
                routes:
                  - {domain: flaky.test, nextHop: "[127.0.0.1]:%d"}
                  - {domain: refusing.test, nextHop: "[127.0.0.1]:%d"}
                admin:
                  listen: "127.0.0.1:0"
                """.formatted(flaky.port(), refusing.port()));

        for (int i = 1; i <= 5; i++) {
            send("local" + i + "@tern.test");
        }
        send("a@flaky.test");
        send("b@flaky.test");
        send("nobody@refusing.test");

        // First pass: 5 local + 1 flaky + the NDR to sender@tern.test delivered; 1 deferred (451); 1 failed (550).
        awaitMetric("tern_recipients_delivered_total", 7);
        awaitMetric("tern_recipients_deferred_total", 1);
        awaitMetric("tern_recipients_failed_total", 1);
        // The operator's flush: the deferred recipient goes now, not in 15 minutes.
        HttpResponse<String> retry = tern.post("/queue/retry?all=true");
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        flaky.awaitMessages(2, Duration.ofSeconds(10));
        awaitMetric("tern_recipients_delivered_total", 8);
        awaitMetric("tern_queue_messages", 0);

        // One idle session open: the inbound connection gauge counts it.
        try (var idle = SmtpTestClient.connect(new InetSocketAddress("127.0.0.1", tern.smtpPort()))) {
            idle.expect(220);
            awaitMetric("tern_smtp_inbound_connections", 1);
            idle.expect("QUIT", 221);
        }
        awaitMetric("tern_smtp_inbound_connections", 0);

        Prometheus scrape = new Prometheus(tern.scrapeMetrics());
        assertThat(scrape.value("tern_messages_accepted_total")).isEqualTo(8);
        assertThat(scrape.value("tern_recipients_delivered_total")).isEqualTo(8);
        assertThat(scrape.value("tern_recipients_deferred_total")).isEqualTo(1);
        assertThat(scrape.value("tern_recipients_failed_total")).isEqualTo(1);
        assertThat(scrape.value("tern_dsns_sent_total{action=\"failed\"}")).isEqualTo(1);
        assertThat(scrape.value("tern_dsns_sent_total{action=\"delayed\"}")).isZero();
        assertThat(scrape.value("tern_messages_badmailed_total")).isZero();
        assertThat(scrape.value("tern_queue_messages")).isZero();
        assertThat(scrape.value("tern_queue_recipients{state=\"pending\"}")).isZero();
        assertThat(scrape.value("tern_queue_recipients{state=\"deferred\"}")).isZero();
        assertThat(scrape.value("tern_queue_oldest_message_age_seconds")).isZero();
        assertThat(scrape.value("tern_delivery_latency_seconds_count")).isEqualTo(8);
        // 8 sessions of 220 EHLO MAIL RCPT DATA(354) dot QUIT, and the idle one's 220 and 221.
        assertThat(scrape.value("tern_smtp_replies_total{class=\"2xx\"}")).isEqualTo(8 * 6 + 2);
        assertThat(scrape.value("tern_smtp_replies_total{class=\"3xx\"}")).isEqualTo(8);
        assertThat(scrape.value("tern_smtp_replies_total{class=\"4xx\"}")).isZero();
        assertThat(scrape.value("tern_smtp_replies_total{class=\"5xx\"}")).isZero();
        double committedEvents = scrape.value("tern_journal_commit_batch_size_sum");
        double commits = scrape.value("tern_journal_commit_batch_size_count");
        assertThat(commits).isBetween(1.0, committedEvents);
        assertThat(scrape.value("tern_journal_commit_latency_seconds_count")).isEqualTo(commits);
        assertThat(tern.maildir("tern.test", "sender").getFirst()).contains("Action: failed")
                .contains("nobody@refusing.test");

        // Every event in the journal went through exactly one counted group commit.
        tern.close();
        tern = null;
        AtomicLong journaled = new AtomicLong();
        try (JournalReader reader = JournalReader.open(dir.resolve("data/journal"))) {
            reader.readAvailable(event -> journaled.incrementAndGet());
        }
        assertThat(committedEvents).isEqualTo(journaled.get());
    }

    @Test
    void theOutboundGaugeCountsAConnectionToATarpitThatNeverGreets() throws Exception {
        refusing = ScriptedSmtpServer.builder().name("tarpit.test").hangOnConnect().start();
        tern = TernUnderTest.start(dir, """
                server:
                  listen: ["127.0.0.1:0"]
                  dataDir: %%DIR%%/data
                domains:
                  local: [tern.test]
                routes:
                  - {domain: tarpit.test, nextHop: "[127.0.0.1]:%d"}
                delivery:
                  connections: {timeout: 10m}
                admin:
                  listen: "127.0.0.1:0"
                """.formatted(refusing.port()));

        send("stuck@tarpit.test");
        Eventually.await("the tarpit's connection", Duration.ofSeconds(10), () -> refusing.connections() == 1);
        awaitMetric("tern_smtp_outbound_connections", 1);

        refusing.close(); // the tarpit hangs up: the attempt fails and the connection is gone
        refusing = null;
        awaitMetric("tern_smtp_outbound_connections", 0);
    }

    private void send(String recipient) {
        try (var client = SmtpTestClient.connect(new InetSocketAddress("127.0.0.1", tern.smtpPort()))) {
            client.expect(220);
            client.expect("EHLO client.test", 250);
            client.expect("MAIL FROM:<sender@tern.test>", 250);
            client.expect("RCPT TO:<" + recipient + ">", 250);
            client.expect("DATA", 354);
            client.send("Subject: to " + recipient + "\r\n\r\nworkload\r\n.\r\n");
            client.expect(250);
            client.expect("QUIT", 221);
        }
    }

    private void awaitMetric(String series, double expected) {
        var last = new double[] {Double.NaN};
        try {
            Eventually.await(series + " = " + expected, Duration.ofSeconds(15), () -> {
                try {
                    last[0] = new Prometheus(tern.scrapeMetrics()).value(series);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return last[0] == expected;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (last scraped " + last[0] + ")", e);
        }
    }

    /** The Prometheus text format, read the way a scraper reads it: one sample per line. */
    record Prometheus(String text) {
        /** The value of the sample named exactly {@code series} (name plus labels, as printed). */
        double value(String series) {
            for (String line : text.split("\n")) {
                if (line.startsWith(series + " ")) {
                    return Double.parseDouble(line.substring(series.length() + 1).strip().split(" ")[0]);
                }
            }
            throw new AssertionError("no sample " + series + " in the scrape:\n" + text);
        }
    }
}
