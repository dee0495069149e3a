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
public final class QueueShape {
    /** The buckets' upper bounds in minutes; a last bucket takes everything older. */
    static final int[] BOUNDS = {5, 10, 20, 40, 80, 160, 320, 640, 1280};

    /** One destination's row: the total, then one count per bucket (BOUNDS.length + 1 of them). */
    public record Row(String domain, long total, long[] buckets) {
    }

    /**
     * Counts waiting recipients one at a time, for a queue too large to copy: the owner of the
     * queue feeds it each waiting recipient's domain and its message's arrival.
     */
    public static final class Tally {
        private final Instant now;
        private final Map<String, long[]> counts = new HashMap<>();

        public Tally(Instant now) {
            this.now = now;
        }

        /** One waiting recipient at {@code domain} of a message that arrived at {@code arrival}. */
        public void add(String domain, Instant arrival) {
            counts.computeIfAbsent(domain.toLowerCase(java.util.Locale.ROOT), d -> new long[BOUNDS.length + 1])
                    [bucket(Duration.between(arrival, now))]++;
        }

        /** The rows, largest total first (then by name). */
        public List<Row> rows() {
            return QueueShape.rows(counts);
        }
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
        return rows(counts);
    }

    private static List<Row> rows(Map<String, long[]> counts) {
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

    /** The buckets' upper bounds in minutes (the command line's summary prints the same columns). */
    public static int[] bounds() {
        return BOUNDS.clone();
    }

    /** The bucket of a message this old: 0 for under 5 minutes ... BOUNDS.length for 1280 and older. */
    public static int bucket(Duration age) {
        long minutes = Math.max(0, age.toMinutes());
        for (int i = 0; i < BOUNDS.length; i++) {
            if (minutes < BOUNDS[i]) {
                return i;
            }
        }
        return BOUNDS.length;
    }
}
