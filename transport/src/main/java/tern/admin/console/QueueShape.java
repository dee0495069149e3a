package tern.admin.console;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Postfix's {@code qshape} for Tern's queue: per destination domain, the recipients still
 * waiting, counted by the age of their message in buckets that double (5, 10, 20 ... 1280
 * minutes, then older). Where the counts sit says whether a destination is slow now (left) or
 * has been failing for hours (right).
 */
final class QueueShape {
    /** The buckets' upper bounds in minutes; a last bucket takes everything older. */
    static final int[] BOUNDS = {5, 10, 20, 40, 80, 160, 320, 640, 1280};

    /** One destination's row: the total, then one count per bucket (BOUNDS.length + 1 of them). */
    record Row(String domain, long total, long[] buckets) {
    }

    private QueueShape() {
    }

    /** The rows, largest total first (then by name). */
    static List<Row> of(List<QueueView.Message> messages, Instant now) {
        Map<String, long[]> counts = new HashMap<>();
        for (QueueView.Message m : messages) {
            int bucket = bucket(Duration.between(m.arrival(), now));
            for (QueueView.Recipient r : m.recipients()) {
                if (r.waiting()) {
                    counts.computeIfAbsent(r.domain(), d -> new long[BOUNDS.length + 1])[bucket]++;
                }
            }
        }
        List<Row> rows = new ArrayList<>(counts.size());
        counts.forEach((domain, buckets) -> {
            long total = 0;
            for (long b : buckets) {
                total += b;
            }
            rows.add(new Row(domain, total, buckets));
        });
        rows.sort(Comparator.comparingLong(Row::total).reversed().thenComparing(Row::domain));
        return rows;
    }

    static int bucket(Duration age) {
        long minutes = Math.max(0, age.toMinutes());
        for (int i = 0; i < BOUNDS.length; i++) {
            if (minutes < BOUNDS[i]) {
                return i;
            }
        }
        return BOUNDS.length;
    }
}
