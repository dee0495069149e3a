package tern.admin;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code GET /health} answers: UP (200) or DOWN (503), with facts an operator reads
 * first (uptime, queue size, whether the journal is writable). Facts keep their order.
 *
 * @param up    false when a check failed, e.g. the journal cannot be written
 * @param facts names to JSON values: String, Number, Boolean, null, or nested maps and lists
 */
public record Health(boolean up, Map<String, Object> facts) {

    public Health {
        // LinkedHashMap, not Map.copyOf: the JSON should list facts in the order given, and allow null
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }

    public static Health up(Map<String, Object> facts) {
        return new Health(true, facts);
    }

    public static Health down(Map<String, Object> facts) {
        return new Health(false, facts);
    }

    public String status() {
        return up ? "UP" : "DOWN";
    }
}
