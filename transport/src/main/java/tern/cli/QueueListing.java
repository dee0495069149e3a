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
        return String.format(java.util.Locale.ROOT, "%-12s %8s %9d  <%s>", m.id(), age(m.age(now)), m.size(), m.sender());
    }

    static String recipient(QueueState.RecipientStatus r) {
        StringBuilder sb = new StringBuilder("<").append(r.name()).append("> ")
                .append(r.state().name().toLowerCase(java.util.Locale.ROOT))
                .append(" attempts=").append(r.attempts());
        if (r.nextAttempt() != null) {
            sb.append(" next=").append(r.nextAttempt());
        }
        if (r.lastReply() != null) {
            sb.append(" last=\"").append(r.lastReply()).append('"');
        }
        return sb.toString();
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
