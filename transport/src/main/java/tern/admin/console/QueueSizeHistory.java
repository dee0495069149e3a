package tern.admin.console;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The queue's size over the last hour, for the overview's picture: a ring of the last
 * {@code capacity} samples, taken once a minute by the server. Memory only: a restart starts
 * the picture afresh, which is what a picture of "now" wants.
 */
public final class QueueSizeHistory {

    /** The queue at one moment. */
    public record Sample(Instant at, long messages, long recipients) {
    }

    private final Sample[] ring;
    private int next;
    private int size;

    public QueueSizeHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.ring = new Sample[capacity];
    }

    /** An hour of one-minute samples (one more, so the hour's both ends are there). */
    public static QueueSizeHistory lastHour() {
        return new QueueSizeHistory(61);
    }

    public synchronized void record(Instant at, long messages, long recipients) {
        ring[next] = new Sample(at, messages, recipients);
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
    }

    /** The samples not older than {@code window} before {@code now}, oldest first. */
    public synchronized List<Sample> since(Instant now, Duration window) {
        List<Sample> out = new ArrayList<>(size);
        Instant from = now.minus(window);
        for (int i = 0; i < size; i++) {
            Sample s = ring[(next - size + i + ring.length) % ring.length];
            if (!s.at().isBefore(from)) {
                out.add(s);
            }
        }
        return out;
    }
}
