package tern.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import tern.config.Durations;
import tern.queue.QueueState;

/**
 * What a node answers to {@code GET /queue/list} for {@code tern queue list --cluster}: its
 * queue as plain text, one message a line (id, age, size, sender) and its waiting recipients
 * indented below, the columns of {@code tern queue list}. Text, so the command that asks every
 * node can print the answers as they are, whatever version each node runs.
 */
public final class QueueReport {

    private QueueReport() {
    }

    public static String text(List<QueueState.QueuedMessage> messages, Instant now) {
        StringBuilder sb = new StringBuilder();
        int waiting = 0;
        for (QueueState.QueuedMessage m : messages) {
            sb.append(String.format(Locale.ROOT, "%-12s %8s %9d  <%s>%n", m.id(),
                    Durations.format(Duration.ofSeconds(Math.max(0, m.age(now).toSeconds()))), m.size(), m.sender()));
            for (QueueState.RecipientStatus r : m.recipients()) {
                if (r.state() != QueueState.State.PENDING) {
                    continue;
                }
                waiting++;
                sb.append("    <").append(r.name()).append("> ").append(r.attempts() > 0 ? "deferred" : "pending")
                        .append(" attempts=").append(r.attempts());
                if (r.nextAttempt() != null) {
                    sb.append(" next=").append(r.nextAttempt());
                }
                if (r.lastReply() != null) {
                    sb.append(" last=\"").append(r.lastReply()).append('"');
                }
                sb.append('\n');
            }
        }
        sb.append(messages.size()).append(messages.size() == 1 ? " message, " : " messages, ")
                .append(waiting).append(waiting == 1 ? " waiting recipient" : " waiting recipients").append('\n');
        return sb.toString();
    }
}
