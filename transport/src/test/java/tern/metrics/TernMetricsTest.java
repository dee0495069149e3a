package tern.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TernMetricsTest {

    private final Instant now = Instant.parse("2026-03-01T12:00:00Z");
    private final TernMetrics metrics = new TernMetrics(InstantSource.fixed(now));

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void countersStartAtZeroSoDashboardsSeeEveryNameBeforeTheFirstMessage() {
        assertThat(metrics.scrape())
                .contains("tern_messages_accepted_total 0.0")
                .contains("tern_recipients_delivered_total 0.0")
                .contains("tern_recipients_deferred_total 0.0")
                .contains("tern_recipients_failed_total 0.0")
                .contains("tern_messages_badmailed_total 0.0")
                .contains("tern_dsns_sent_total{action=\"failed\"} 0.0")
                .contains("tern_dsns_sent_total{action=\"delayed\"} 0.0")
                .contains("tern_queue_recipients{state=\"pending\"} 0.0")
                .contains("tern_queue_recipients{state=\"deferred\"} 0.0")
                .contains("tern_queue_messages 0.0")
                .contains("tern_queue_oldest_message_age_seconds 0.0")
                .contains("tern_smtp_inbound_connections 0.0")
                .contains("tern_smtp_outbound_connections 0.0");
    }

    @Test
    void repliesAreCountedByClass() {
        metrics.replySent(220);
        metrics.replySent(250);
        metrics.replySent(354);
        metrics.replySent(451);
        metrics.replySent(550);
        metrics.replySent(554);

        assertThat(metrics.scrape())
                .contains("tern_smtp_replies_total{class=\"2xx\"} 2.0")
                .contains("tern_smtp_replies_total{class=\"3xx\"} 1.0")
                .contains("tern_smtp_replies_total{class=\"4xx\"} 1.0")
                .contains("tern_smtp_replies_total{class=\"5xx\"} 2.0");
    }

    @Test
    void connectionGaugesGoUpAndDown() {
        metrics.inboundConnectionOpened();
        metrics.inboundConnectionOpened();
        metrics.inboundConnectionOpened();
        metrics.inboundConnectionClosed();
        metrics.outboundConnectionOpened();

        assertThat(metrics.scrape())
                .contains("tern_smtp_inbound_connections 2.0")
                .contains("tern_smtp_outbound_connections 1.0");
    }

    @Test
    void queueGaugesReadTheRegisteredQueueAtScrapeTime() {
        metrics.watchQueue(new QueueGauges() {
            @Override
            public long pendingRecipients() {
                return 12;
            }

            @Override
            public long deferredRecipients() {
                return 30;
            }

            @Override
            public long messages() {
                return 9;
            }

            @Override
            public Instant oldestMessageArrival() {
                return now.minusSeconds(5400);
            }
        });

        assertThat(metrics.scrape())
                .contains("tern_queue_recipients{state=\"pending\"} 12.0")
                .contains("tern_queue_recipients{state=\"deferred\"} 30.0")
                .contains("tern_queue_messages 9.0")
                .contains("tern_queue_oldest_message_age_seconds 5400.0");
    }

    @Test
    void journalCommitsFillTheBatchSizeAndLatencyHistograms() {
        metrics.journalCommitted(3, Duration.ofMillis(2).toNanos());
        metrics.journalCommitted(100, Duration.ofMillis(4).toNanos());

        assertThat(metrics.scrape())
                .contains("tern_journal_commit_batch_size_count 2")
                .contains("tern_journal_commit_batch_size_sum 103.0")
                .contains("tern_journal_commit_batch_size_bucket{le=\"2.0\"} 0")
                .contains("tern_journal_commit_batch_size_bucket{le=\"4.0\"} 1")
                .contains("tern_journal_commit_batch_size_bucket{le=\"128.0\"} 2")
                .contains("tern_journal_commit_latency_seconds_count 2")
                .contains("tern_journal_commit_latency_seconds_sum 0.006")
                .contains("tern_journal_commit_latency_seconds_bucket{le=\"0.002\"} 1")
                .contains("tern_journal_commit_latency_seconds_bucket{le=\"0.005\"} 2");
    }

    @Test
    void jvmMetersComeWithTheScrape() {
        assertThat(metrics.scrape()).contains("jvm_memory_used_bytes").contains("process_uptime_seconds");
    }
}
