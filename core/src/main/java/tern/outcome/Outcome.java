package tern.outcome;

import tern.dsn.StatusCode;
import tern.smtp.Reply;

/**
 * What became of one recipient in one delivery attempt, and who decided it: a remote
 * server's {@link RemoteReply}, or Tern's own {@link LocalDecision} (no connection, DNS,
 * TLS policy, expiration, the retry limit, a Maildir write).
 *
 * <p>The distinction is what makes reports honest: an NDR's {@code Diagnostic-Code: smtp;}
 * and {@code Remote-MTA} carry only a reply a server really sent, and a decision of ours is
 * reported as ours ({@code X-Tern;}), so that bounce processors do not count it as a remote
 * rejection.
 */
public sealed interface Outcome permits RemoteReply, LocalDecision {

    /** The reply: the server's own, or Tern's wording with its code and status. */
    Reply reply();

    /** The reply code that decides delivered (2xx), transient (4xx) or permanent (5xx). */
    int code();

    /** The RFC 3463 status a DSN reports for it. */
    StatusCode status();

    /** Where it went, for logs and the journal: {@code host[address]:port}, "local", or "none". */
    String relay();

    /** One line for logs, {@code tern queue show} and the journal's text form. */
    String text();

    default boolean delivered() {
        return code() < 400;
    }

    default boolean isTransient() {
        return code() >= 400 && code() < 500;
    }

    default boolean isPermanent() {
        return code() >= 500;
    }

    /**
     * Reads back an outcome from the two strings an older journal kept (relay, reply). Those
     * did not say who decided; what they said is taken at its word, except for the wording of
     * Tern's own verdicts (local delivery, no relay, expiration, the retry limit).
     */
    static Outcome legacy(String relay, String reply) {
        Reply parsed = Reply.parse(reply);
        if (relay == null || relay.isEmpty() || relay.equals("none") || relay.equals("dns")) {
            return new LocalDecision(LocalDecision.Reason.UNKNOWN, parsed, null, null);
        }
        if (relay.equals(LocalDecision.LOCAL)) {
            return new LocalDecision(LocalDecision.Reason.LOCAL_DELIVERY, parsed, null, null);
        }
        String text = String.join(" ", parsed.lines());
        if (text.startsWith("Delivery time expired")) {
            return new LocalDecision(LocalDecision.Reason.EXPIRED, parsed, null, null);
        }
        if (text.startsWith("Retry limit reached")) {
            return new LocalDecision(LocalDecision.Reason.RETRY_LIMIT, parsed, null, null);
        }
        return RemoteReply.of(parsed, relay);
    }
}
