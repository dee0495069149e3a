package tern.cli;

import java.time.Duration;
import java.time.Instant;
import tern.config.Durations;
import tern.queue.QueueState;

/** How {@code tern queue list|show} print a queued message: plain text, one fact per line. */
final class QueueListing {
    private QueueListing() {
    }

    static String summary(QueueState.QueuedMessage m, Instant now) {
        return summary(m.id().value(), m.age(now), m.size(), m.sender().toString());
    }

    /** A message's line: id, age, size, sender. */
    static String summary(String id, Duration age, long size, String sender) {
        return String.format(java.util.Locale.ROOT, "%-12s %8s %9d  <%s>", id, age(age), size, sender);
    }

    static String recipient(QueueState.RecipientStatus r) {
        return recipient(r.name(), label(r), r.attempts(), r.nextAttempt(), r.lastReply());
    }

    /** A recipient's line: address, state, attempts, then the next attempt and last reply when there are. */
    static String recipient(String name, String label, int attempts, Instant next, String lastReply) {
        StringBuilder sb = new StringBuilder("<").append(name).append("> ")
                .append(label)
                .append(" attempts=").append(attempts);
        if (next != null) {
            sb.append(" next=").append(next);
        }
        if (lastReply != null) {
            sb.append(" last=\"").append(lastReply).append('"');
        }
        return sb.toString();
    }

    /**
     * A queued recipient is "pending" until its first attempt and "deferred" once an attempt
     * failed transiently (Postfix's incoming/active versus deferred): an operator looking for
     * trouble looks at the deferred ones.
     */
    static String label(QueueState.RecipientStatus r) {
        return switch (r.state()) {
            case PENDING -> attempted(r) ? "deferred" : "pending";
            case DELIVERED -> "delivered";
            case FAILED -> "failed";
        };
    }

    private static boolean attempted(QueueState.RecipientStatus r) {
        return r.attempts() > 0;
    }

    /** The last line of {@code tern queue list}: messages, and their waiting recipients by label. */
    static String footer(int messages, int pending, int deferred) {
        if (messages == 0) {
            return "queue is empty";
        }
        return messages + " message" + (messages == 1 ? "" : "s") + ", "
                + pending + " pending and " + deferred + " deferred recipient" + (pending + deferred == 1 ? "" : "s");
    }

    static String detail(QueueState.QueuedMessage m, Instant now) {
        var e = m.envelope();
        StringBuilder sb = new StringBuilder()
                .append("Queue-Id:     ").append(m.id()).append('\n')
                .append("Arrival:      ").append(m.arrival()).append(" (").append(age(m.age(now))).append(" ago)\n")
                .append("Size:         ").append(m.size()).append('\n')
                .append("Sender:       <").append(m.sender()).append(">\n")
                .append("Client:       [").append(e.clientAddress()).append("] helo=").append(e.heloName()).append('\n');
        if (e.envId() != null) {
            sb.append("Envelope-Id:  ").append(e.envId()).append('\n');
        }
        if (e.ret() != null) {
            sb.append("Ret:          ").append(e.ret()).append('\n');
        }
        for (QueueState.RecipientStatus r : m.recipients()) {
            sb.append("Recipient:    ").append(recipient(r));
            if (r.relay() != null) {
                sb.append(" relay=").append(r.relay());
            }
            if (r.delayNotified()) {
                sb.append(" delay-notified");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String age(Duration d) {
        return Durations.format(Duration.ofSeconds(Math.max(0, d.toSeconds())));
    }
}
