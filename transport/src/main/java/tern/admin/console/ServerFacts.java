package tern.admin.console;

import java.time.Instant;
import java.util.function.Supplier;
import tern.metrics.TernMetrics;

/**
 * What the overview shows about the running server.
 *
 * @param fqdn       the name in force (a reload may change it)
 * @param started    when the server started
 * @param metrics    the counters, the latency histogram and the queue's gauges
 * @param queueSizes the last hour of queue sizes
 */
public record ServerFacts(Supplier<String> fqdn, Instant started, TernMetrics metrics, QueueSizeHistory queueSizes) {
}
