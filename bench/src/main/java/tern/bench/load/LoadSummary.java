package tern.bench.load;

import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The figures of a measured run: throughput, latency from the final dot to its reply,
 * and the errors grouped by reply code and stage.
 *
 * @param startEpochMillis wall-clock time the measured run began (side-by-side.sh measures end-to-end from it)
 * @param latencyMicros every acknowledged message's dot-to-reply time, in microseconds
 * @param errors        count per "code enhanced-code at stage" or "connection: ..." key
 * @param abortReason   why the run stopped early, or null
 */
public record LoadSummary(
        LoadOptions options,
        long messageSize,
        long wireSize,
        long started,
        long acknowledged,
        long failed,
        long connections,
        long elapsedNanos,
        long startEpochMillis,
        Histogram latencyMicros,
        Map<String, Long> errors,
        String abortReason) {

    static LoadSummary of(LoadOptions o, TestMessages m, LoadStats s, long elapsedNanos, String abortReason) {
        return new LoadSummary(o, m.messageSize(), m.wireSize(), s.started.sum(), s.acknowledged.sum(),
                s.failed.sum(), s.connections.sum(), elapsedNanos, s.startEpochMillis, s.total(), s.errors(), abortReason);
    }

    /** Acknowledged messages per second, first MAIL to last reply. */
    public double messagesPerSecond() {
        return elapsedNanos == 0 ? 0 : acknowledged * 1e9 / elapsedNanos;
    }

    /** Messages the run meant to send that never got a 2xx after their final dot. */
    public long unacknowledged() {
        return options.messages() - acknowledged;
    }

    public boolean allAcknowledged() {
        return acknowledged == options.messages();
    }

    public double latencyMillis(double percentile) {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    public double maxLatencyMillis() {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getMaxValue() / 1000.0;
    }

    static String millis(long micros) {
        return micros < 10_000 ? String.format(Locale.ROOT, "%.2f ms", micros / 1000.0)
                : String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }

    /** The readable summary, several lines. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        LoadOptions o = options;
        sb.append(String.format(Locale.ROOT, "load: %,d messages of %,d bytes to %s over %d %s connection%s%s%s%n",
                o.messages(), messageSize, o.target(), o.connections(), o.reuse() ? "reused" : "one-message",
                o.connections() == 1 ? "" : "s", o.pipelining() ? ", pipelining" : "",
                o.rate() > 0 ? String.format(Locale.ROOT, ", paced at %,.0f msgs/s", o.rate()) : ""));
        if (abortReason != null) {
            sb.append("  STOPPED EARLY: ").append(abortReason).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "  acknowledged  %,d of %,d in %.2f s  ->  %,.0f msgs/s  (%.1f MB/s)%n",
                acknowledged, o.messages(), elapsedNanos / 1e9, messagesPerSecond(),
                messagesPerSecond() * wireSize / 1e6));
        if (latencyMicros.getTotalCount() > 0) {
            sb.append(String.format(Locale.ROOT,
                    "  final dot -> 2xx  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (mean %s)%n",
                    millis(latencyMicros.getValueAtPercentile(50)), millis(latencyMicros.getValueAtPercentile(90)),
                    millis(latencyMicros.getValueAtPercentile(99)), millis(latencyMicros.getValueAtPercentile(99.9)),
                    millis(latencyMicros.getMaxValue()), millis((long) latencyMicros.getMean())));
        }
        if (failed == 0 && unacknowledged() == 0) {
            sb.append("  errors        none\n");
        } else {
            sb.append(String.format(Locale.ROOT, "  errors        %,d failed transaction%s, %,d message%s not acknowledged%n",
                    failed, failed == 1 ? "" : "s", unacknowledged(), unacknowledged() == 1 ? "" : "s"));
            errors.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> sb.append(String.format(Locale.ROOT, "    %,10d  %s%n", e.getValue(), e.getKey())));
            long notSent = o.messages() - started;
            if (notSent > 0) {
                sb.append(String.format(Locale.ROOT, "    %,10d  not sent%n", notSent));
            }
        }
        return sb.toString();
    }

    /** The summary as one JSON object on one line. */
    public String json() {
        StringBuilder sb = new StringBuilder(512);
        sb.append('{');
        field(sb, "target", options.target().toString()).append(',');
        sb.append("\"messages\":").append(options.messages()).append(',');
        sb.append("\"connections\":").append(options.connections()).append(',');
        sb.append("\"size_bytes\":").append(messageSize).append(',');
        sb.append("\"wire_bytes\":").append(wireSize).append(',');
        sb.append("\"pipelining\":").append(options.pipelining()).append(',');
        sb.append("\"reuse\":").append(options.reuse()).append(',');
        sb.append("\"rate\":").append(num(options.rate())).append(',');
        sb.append("\"started\":").append(started).append(',');
        sb.append("\"acknowledged\":").append(acknowledged).append(',');
        sb.append("\"failed\":").append(failed).append(',');
        sb.append("\"not_acknowledged\":").append(unacknowledged()).append(',');
        sb.append("\"connections_opened\":").append(connections).append(',');
        sb.append("\"start_epoch_ms\":").append(startEpochMillis).append(',');
        sb.append("\"elapsed_s\":").append(num(elapsedNanos / 1e9)).append(',');
        sb.append("\"msgs_per_s\":").append(num(messagesPerSecond())).append(',');
        sb.append("\"latency_ms\":{");
        sb.append("\"count\":").append(latencyMicros.getTotalCount()).append(',');
        sb.append("\"p50\":").append(num(latencyMillis(50))).append(',');
        sb.append("\"p90\":").append(num(latencyMillis(90))).append(',');
        sb.append("\"p99\":").append(num(latencyMillis(99))).append(',');
        sb.append("\"p999\":").append(num(latencyMillis(99.9))).append(',');
        sb.append("\"max\":").append(num(maxLatencyMillis())).append(',');
        sb.append("\"mean\":").append(num(latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getMean() / 1000));
        sb.append("},\"errors\":{");
        boolean first = true;
        for (Map.Entry<String, Long> e : errors.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            field(sb, e.getKey(), null).append(e.getValue());
        }
        sb.append('}');
        if (abortReason != null) {
            sb.append(',');
            field(sb, "stopped_early", abortReason);
        }
        sb.append('}');
        return sb.toString();
    }

    private static String num(double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }

    /** Appends "name": and, unless value is null, the quoted value. */
    private static StringBuilder field(StringBuilder sb, String name, String value) {
        quote(sb, name).append(':');
        return value == null ? sb : quote(sb, value);
    }

    private static StringBuilder quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }
}
