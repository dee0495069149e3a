package tern.dsn;

import java.time.Instant;
import java.util.Objects;
import tern.envelope.Recipient;
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
 * @param diagnostic     the remote server's reply as one line ({@code 550 5.1.1 no such user}), or null
 * @param reason         our own words for the human-readable part when there was no reply
 *                       ({@code connection refused}, {@code no MX or address record}), or null
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
