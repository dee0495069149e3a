package tern.bench.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What one phase (warm-up or the measured run) of the load tool saw. Workers record
 * without locks (LongAdder, HdrHistogram's wait-free {@link Recorder}); the progress line
 * and the summary drain the recorder into one total histogram.
 */
final class LoadStats {
    final LongAdder started = new LongAdder();
    final LongAdder acknowledged = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder connections = new LongAdder();
    final AtomicLong firstStartNanos = new AtomicLong();
    volatile long startEpochMillis;
    final AtomicLong lastReplyNanos = new AtomicLong();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private final ReentrantLock drain = new ReentrantLock();
    private Histogram interval;

    void recordLatency(long nanos) {
        recorder.recordValue(Math.max(1, nanos / 1000));
    }

    void recordError(String key) {
        failed.increment();
        errors.computeIfAbsent(key, k -> new LongAdder()).increment();
        lastReplyNanos.accumulateAndGet(System.nanoTime(), Math::max);
    }

    void acknowledged() {
        acknowledged.increment();
        lastReplyNanos.accumulateAndGet(System.nanoTime(), Math::max);
    }

    /** Moves what the workers recorded since the last call into the total; returns that interval (microseconds). */
    Histogram drainInterval() {
        drain.lock();
        try {
            interval = recorder.getIntervalHistogram(interval);
            total.add(interval);
            return interval;
        } finally {
            drain.unlock();
        }
    }

    /** Every latency recorded so far, in microseconds. */
    Histogram total() {
        drainInterval();
        drain.lock();
        try {
            return total.copy();
        } finally {
            drain.unlock();
        }
    }

    /** Errors by key, most frequent first. */
    Map<String, Long> errors() {
        Map<String, Long> sorted = new TreeMap<>();
        errors.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted;
    }
}
