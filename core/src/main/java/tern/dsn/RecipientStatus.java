package tern.dsn;

import java.time.Instant;
import java.util.Objects;
import tern.envelope.Recipient;
import tern.outcome.LocalDecision;
import tern.outcome.Outcome;
import tern.outcome.RemoteReply;
import tern.smtp.Reply;

/**
 * What happened to one recipient, as reported in one DSN (RFC 3464 2.3).
 *
 * @param recipient      the recipient as accepted, with its ORCPT
 * @param action         failed, delayed, delivered or relayed
 * @param status         the {@code Status:} field; its class must fit the action
 *                       (delivered/relayed 2.x.x, delayed 4.x.x, failed 4.x.x or 5.x.x:
 *                       a message that expired after transient errors keeps its 4.x.x)
 * @param remoteMta      the host that gave {@code diagnostic}, or null (local delivery, no connection)
 * @param diagnostic     a reply a remote server really sent, as one line ({@code 550 5.1.1 no such user}),
 *                       or null; it becomes {@code Diagnostic-Code: smtp;}
 * @param reason         our own words when Tern decided ({@code connection refused by [192.0.2.1]:25},
 *                       {@code delivery time expired after 2d}), or null; it goes into the
 *                       human-readable part, and into {@code Diagnostic-Code: X-Tern;} when no
 *                       server reply is quoted
 * @param lastAttempt    when the last attempt ended, or null if none was made
 * @param willRetryUntil when retrying stops; required for {@link Action#DELAYED}, else null
 */
public record RecipientStatus(
        Recipient recipient,
        Action action,
        StatusCode status,
        String remoteMta,
        String diagnostic,
        String reason,
        Instant lastAttempt,
        Instant willRetryUntil) {

    public RecipientStatus {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(status, "status");
        boolean fits = switch (action) {
            case DELIVERED, RELAYED -> status.statusClass() == 2;
            case DELAYED -> status.statusClass() == 4;
            case FAILED -> status.statusClass() != 2;
        };
        if (!fits) {
            throw new IllegalArgumentException("status " + status + " does not fit action " + action.field());
        }
        if ((action == Action.DELAYED) != (willRetryUntil != null)) {
            throw new IllegalArgumentException("Will-Retry-Until is given for delayed recipients, and only for them");
        }
    }

    /**
     * What {@code outcome} says about a recipient, reported with {@code action}: a remote
     * reply is quoted with its host; a decision of ours is given in our words, with the last
     * reply a server really sent (if any led to it) quoted beside it. The status is the
     * outcome's, moved into the class the action needs when it is not there already.
     */
    public static RecipientStatus of(Recipient recipient, Action action, Outcome outcome, Instant at,
                                     Instant willRetryUntil) {
        StatusCode status = fit(action, outcome.status());
        RemoteReply quoted = null;
        StringBuilder reason = null;
        for (Outcome o = outcome; o != null; ) {
            switch (o) {
                case RemoteReply r -> {
                    quoted = r;
                    o = null;
                }
                case LocalDecision d -> {
                    if (reason == null) {
                        reason = new StringBuilder(d.words());
                    } else {
                        reason.append("; last attempt: ").append(d.words());
                    }
                    o = d.cause();
                }
            }
        }
        return new RecipientStatus(recipient, action, status, quoted == null ? null : quoted.host(),
                quoted == null ? null : quoted.reply().toString(), reason == null ? null : reason.toString(), at,
                willRetryUntil);
    }

    private static StatusCode fit(Action action, StatusCode status) {
        return switch (action) {
            case DELIVERED, RELAYED -> status.statusClass() == 2 ? status : StatusCode.DELIVERED;
            case DELAYED -> status.statusClass() == 4 ? status : StatusCode.TRANSIENT;
            case FAILED -> status.statusClass() != 2 ? status : StatusCode.PERMANENT;
        };
    }

    /** A recipient the remote server refused with {@code reply}: status from the reply. */
    public static RecipientStatus failed(Recipient recipient, Reply reply, String remoteMta, Instant at) {
        return new RecipientStatus(recipient, Action.FAILED, StatusCode.of(reply), remoteMta, reply.toString(),
                null, at, null);
    }

    /** A recipient still being retried after {@code reply}; status from the reply, forced to 4.x.x. */
    public static RecipientStatus delayed(Recipient recipient, Reply reply, String remoteMta, Instant at,
                                          Instant willRetryUntil) {
        StatusCode status = StatusCode.of(reply);
        if (status.statusClass() != 4) {
            status = StatusCode.TRANSIENT;
        }
        return new RecipientStatus(recipient, Action.DELAYED, status, remoteMta, reply.toString(), null, at,
                willRetryUntil);
    }

    /** A recipient delivered or relayed by {@code remoteMta} (null for local delivery). */
    public static RecipientStatus delivered(Recipient recipient, Action action, Reply reply, String remoteMta,
                                            Instant at) {
        return new RecipientStatus(recipient, action, reply == null ? StatusCode.DELIVERED : StatusCode.of(reply), remoteMta,
                reply == null ? null : reply.toString(), null, at, null);
    }
}
