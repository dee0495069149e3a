package tern.queue;

import java.util.Objects;

/**
 * A queue id: short enough to read in logs, unique across restarts. See {@link QueueIdGenerator}.
 */
public record QueueId(String value) implements Comparable<QueueId> {

    public QueueId {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty() || value.length() > 32) {
            throw new IllegalArgumentException("bad queue id: " + value);
        }
    }

    @Override
    public int compareTo(QueueId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
