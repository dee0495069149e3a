package tern.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every metric Tern exposes, declared in one place. The names below are the ones a
 * Prometheus scrape shows (Micrometer turns {@code tern.messages.accepted} into
 * {@code tern_messages_accepted_total}); operators' dashboards and alerts depend on them.
 *
 * <p>Callers on hot paths (the SMTP session, the journal writer, delivery workers) only touch
 * meters registered here at construction: no tag building, no registry lookup per call.
 * One instance per process; it owns its registry, so tests can create as many as they like.
 */
public final class TernMetrics implements AutoCloseable {

    /** Content type of {@link #scrape()}: the Prometheus text format 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** Delivery latency buckets (seconds): from a local drop to the default 2-day expiry. */
    private static final Duration[] DELIVERY_BUCKETS = {
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(30),
        Duration.ofHours(1), Duration.ofHours(4), Duration.ofHours(12), Duration.ofDays(1), Duration.ofDays(2)
    };

    /** Commit latency buckets: an msync on an SSD takes tens of microseconds to a few milliseconds. */
    private static final Duration[] COMMIT_BUCKETS = {
        Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofSeconds(1)
    };

    /** Batch size buckets: powers of two, up to the largest batches seen under load. */
    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096};

    private final PrometheusMeterRegistry registry;
    private final InstantSource clock;
    private final JvmGcMetrics gcMetrics;

    /** {@code tern_messages_accepted_total}: messages answered with 250 after DATA/BDAT (journaled first). */
    private final Counter messagesAccepted;
    /** {@code tern_recipients_delivered_total}: recipients delivered (next hop said 250, or Maildir drop). */
    private final Counter recipientsDelivered;
    /** {@code tern_recipients_deferred_total}: recipient attempts that failed transiently and wait for a retry. */
    private final Counter recipientsDeferred;
    /** {@code tern_recipients_failed_total}: recipients given up on (5xx, expiration timeout, retry limit). */
    private final Counter recipientsFailed;
    /** {@code tern_messages_badmailed_total}: messages written to the Badmail directory. */
    private final Counter messagesBadmailed;
    /** {@code tern_dsns_sent_total{action="failed"}}: non-delivery reports queued (RFC 3464 Action: failed). */
    private final Counter nonDeliveryReportsSent;
    /** {@code tern_dsns_sent_total{action="delayed"}}: delay notifications queued (RFC 3464 Action: delayed). */
    private final Counter delayNotificationsSent;
    /** {@code tern_smtp_replies_total{class="2xx"}} (and 3xx, 4xx, 5xx): replies the inbound server sent. */
    private final Counter replies2xx;
    private final Counter replies3xx;
    private final Counter replies4xx;
    private final Counter replies5xx;
    /** {@code tern_delivery_latency_seconds} (_bucket, _count, _sum, _max): arrival to delivery, per recipient. */
    private final Timer deliveryLatency;
    /** {@code tern_journal_commit_batch_size} (_bucket, _count, _sum, _max): events per group commit. */
    private final DistributionSummary commitBatchSize;
    /** {@code tern_journal_commit_latency_seconds} (_bucket, _count, _sum, _max): append plus sync of a batch. */
    private final Timer commitLatency;
    /** {@code tern_smtp_inbound_connections}: SMTP client connections open now. */
    private final AtomicInteger inboundConnections = new AtomicInteger();
    /** {@code tern_smtp_outbound_connections}: connections to next hops open now. */
    private final AtomicInteger outboundConnections = new AtomicInteger();

    /*
     * Gauges read from the queue at scrape time (see QueueGauges):
     * tern_queue_recipients{state="pending"}  recipients due now or in an attempt;
     * tern_queue_recipients{state="deferred"} recipients waiting for their retry time;
     * tern_queue_messages                     messages with a recipient neither delivered nor failed;
     * tern_queue_oldest_message_age_seconds   age of the oldest of those; 0 when the queue is empty.
     */

    // Read by the gauges at scrape time; the queue registers itself once it has replayed the journal.
    private volatile QueueGauges queue = QueueGauges.EMPTY;

    public TernMetrics() {
        this(InstantSource.system());
    }

    public TernMetrics(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        messagesAccepted = Counter.builder("tern.messages.accepted")
                .description("Messages accepted and journaled (250 after DATA or BDAT LAST)")
                .register(registry);
        recipientsDelivered = Counter.builder("tern.recipients.delivered")
                .description("Recipients delivered: accepted by the next hop or dropped into a Maildir")
                .register(registry);
        recipientsDeferred = Counter.builder("tern.recipients.deferred")
                .description("Recipient delivery attempts deferred for a retry (4xx or network error)")
                .register(registry);
        recipientsFailed = Counter.builder("tern.recipients.failed")
                .description("Recipients failed permanently (5xx, expiration timeout or retry limit)")
                .register(registry);
        messagesBadmailed = Counter.builder("tern.messages.badmailed")
                .description("Messages moved to the Badmail directory (undeliverable NDR or null reverse-path)")
                .register(registry);
        nonDeliveryReportsSent = Counter.builder("tern.dsns.sent")
                .description("Delivery status notifications queued, by RFC 3464 action (failed = NDR)")
                .tag("action", "failed")
                .register(registry);
        delayNotificationsSent = Counter.builder("tern.dsns.sent")
                .description("Delivery status notifications queued, by RFC 3464 action (failed = NDR)")
                .tag("action", "delayed")
                .register(registry);
        replies2xx = replyCounter("2xx");
        replies3xx = replyCounter("3xx");
        replies4xx = replyCounter("4xx");
        replies5xx = replyCounter("5xx");

        deliveryLatency = Timer.builder("tern.delivery.latency")
                .description("Time from a message's arrival to the delivery of one of its recipients")
                .serviceLevelObjectives(DELIVERY_BUCKETS)
                .register(registry);
        commitBatchSize = DistributionSummary.builder("tern.journal.commit.batch.size")
                .description("Journal events appended per group commit (one sync each)")
                .serviceLevelObjectives(BATCH_BUCKETS)
                .register(registry);
        commitLatency = Timer.builder("tern.journal.commit.latency")
                .description("Time to append and sync one group commit of the journal")
                .serviceLevelObjectives(COMMIT_BUCKETS)
                .register(registry);

        Gauge.builder("tern.smtp.inbound.connections", inboundConnections, AtomicInteger::get)
                .strongReference(true)
                .description("Inbound SMTP connections open now")
                .register(registry);
        Gauge.builder("tern.smtp.outbound.connections", outboundConnections, AtomicInteger::get)
                .strongReference(true)
                .description("Outbound SMTP connections to next hops open now")
                .register(registry);

        Gauge.builder("tern.queue.recipients", this, m -> m.queue.pendingRecipients())
                .description("Queued recipients by state: pending (due now or in an attempt), deferred (waiting for a retry)")
                .tag("state", "pending")
                .register(registry);
        Gauge.builder("tern.queue.recipients", this, m -> m.queue.deferredRecipients())
                .description("Queued recipients by state: pending (due now or in an attempt), deferred (waiting for a retry)")
                .tag("state", "deferred")
                .register(registry);
        Gauge.builder("tern.queue.messages", this, m -> m.queue.messages())
                .description("Messages in the queue (at least one recipient neither delivered nor failed)")
                .register(registry);
        Gauge.builder("tern.queue.oldest.message.age", this, TernMetrics::oldestMessageAgeSeconds)
                .description("Age of the oldest message in the queue; 0 when the queue is empty")
                .baseUnit("seconds")
                .register(registry);

        // The usual JVM meters (jvm_memory_used_bytes, jvm_gc_pause_seconds, process_uptime_seconds...)
        // so one scrape answers "is it the MTA or the JVM".
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
    }

    private Counter replyCounter(String replyClass) {
        return Counter.builder("tern.smtp.replies")
                .description("SMTP replies sent by the inbound server, by class")
                .tag("class", replyClass)
                .register(registry);
    }

    private double oldestMessageAgeSeconds() {
        Instant arrival = queue.oldestMessageArrival();
        if (arrival == null) {
            return 0;
        }
        long millis = clock.millis() - arrival.toEpochMilli();
        return millis <= 0 ? 0 : millis / 1000.0;
    }

    /** The queue registers itself here; its methods are read at every scrape. */
    public void watchQueue(QueueGauges gauges) {
        this.queue = Objects.requireNonNull(gauges, "gauges");
    }

    /** A message was journaled and answered with 250. */
    public void messageAccepted() {
        messagesAccepted.increment();
    }

    /** One recipient was delivered, {@code sinceArrival} after its message arrived. */
    public void recipientDelivered(Duration sinceArrival) {
        recipientsDelivered.increment();
        deliveryLatency.record(sinceArrival);
    }

    /** One recipient's attempt failed transiently; it waits for a retry. */
    public void recipientDeferred() {
        recipientsDeferred.increment();
    }

    /** One recipient failed for good. */
    public void recipientFailed() {
        recipientsFailed.increment();
    }

    /** A message went to the Badmail directory. */
    public void messageBadmailed() {
        messagesBadmailed.increment();
    }

    /** A non-delivery report was queued. */
    public void nonDeliveryReportSent() {
        nonDeliveryReportsSent.increment();
    }

    /** A delay notification was queued. */
    public void delayNotificationSent() {
        delayNotificationsSent.increment();
    }

    /** The inbound server sent a reply with this code. */
    public void replySent(int code) {
        switch (code / 100) {
            case 2 -> replies2xx.increment();
            case 3 -> replies3xx.increment();
            case 4 -> replies4xx.increment();
            case 5 -> replies5xx.increment();
            default -> { } // Reply refuses other codes; nothing to count
        }
    }

    public void inboundConnectionOpened() {
        inboundConnections.incrementAndGet();
    }

    public void inboundConnectionClosed() {
        inboundConnections.decrementAndGet();
    }

    public void outboundConnectionOpened() {
        outboundConnections.incrementAndGet();
    }

    public void outboundConnectionClosed() {
        outboundConnections.decrementAndGet();
    }

    /** One group commit: {@code events} appended and synced in {@code nanos}. */
    public void journalCommitted(int events, long nanos) {
        commitBatchSize.record(events);
        commitLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Totals since start, for the console's overview. */
    public record Totals(long accepted, long delivered, long deferred, long failed, long badmailed) {
    }

    /** One bar of the delivery latency histogram: deliveries that took longer than the bar before, up to {@code upTo}. */
    public record LatencyBucket(Duration upTo, long count) {
        /** The last bar: longer than every bound ({@code upTo} is null). */
        public boolean overflow() {
            return upTo == null;
        }
    }

    public Totals totals() {
        return new Totals((long) messagesAccepted.count(), (long) recipientsDelivered.count(),
                (long) recipientsDeferred.count(), (long) recipientsFailed.count(), (long) messagesBadmailed.count());
    }

    /**
     * The delivery latency histogram as bars: each bucket's own count (the scrape's buckets are
     * cumulative), then the deliveries beyond the last bound.
     */
    public java.util.List<LatencyBucket> deliveryLatencyBuckets() {
        var snapshot = deliveryLatency.takeSnapshot();
        var counts = snapshot.histogramCounts();
        java.util.List<LatencyBucket> bars = new java.util.ArrayList<>(counts.length + 1);
        double below = 0;
        for (var bucket : counts) {
            double cumulative = bucket.count();
            bars.add(new LatencyBucket(Duration.ofNanos((long) bucket.bucket(TimeUnit.NANOSECONDS)),
                    Math.round(cumulative - below)));
            below = cumulative;
        }
        bars.add(new LatencyBucket(null, Math.max(0, snapshot.count() - Math.round(below))));
        return bars;
    }

    /** Connections to next hops open now. */
    public int outboundConnections() {
        return outboundConnections.get();
    }

    /** What the queue last published about its size (safe from any thread). */
    public QueueGauges queueGauges() {
        return queue;
    }

    /** Every meter in the Prometheus text format 0.0.4. */
    public String scrape() {
        return registry.scrape(CONTENT_TYPE);
    }

    /** For code that wants to add its own meters next to the code they count. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
