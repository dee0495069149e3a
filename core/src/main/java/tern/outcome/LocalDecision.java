package tern.outcome;

import java.util.Objects;
import tern.dsn.StatusCode;
import tern.smtp.Reply;

/**
 * A verdict Tern reached itself: no server said it. The reply is Tern's own wording (never a
 * Java exception text or a server path: it goes to senders), with the code and status that
 * decide transient or permanent.
 *
 * @param reason why, as a type
 * @param reply  Tern's code, status and words
 * @param peer   the address Tern tried, written {@code [192.0.2.1]:25}, or a domain for DNS; may be null
 * @param cause  what led to it, may be null: the server reply that made Tern give up on a
 *               host (a 421 or 554 greeting), or for {@link Reason#EXPIRED},
 *               {@link Reason#RETRY_LIMIT} and {@link Reason#DESTINATION_DOWN} the last failure
 */
public record LocalDecision(Reason reason, Reply reply, String peer, Outcome cause) implements Outcome {

    /** The relay of a Maildir delivery. */
    public static final String LOCAL = "local";

    /** Why Tern decided. The codes are journaled: never renumber one. */
    public enum Reason {
        UNKNOWN(0, "no reason recorded"),
        CONNECTION_FAILED(1, "no connection"),
        CONNECTION_LOST(2, "connection lost"),
        PROTOCOL_ERROR(3, "protocol error"),
        TLS_POLICY(4, "TLS policy"),
        DNS(5, "DNS"),
        MESSAGE_REFUSED(6, "the next hop cannot take this message"),
        LOCAL_DELIVERY(7, "local delivery"),
        EXPIRED(8, "delivery time expired"),
        RETRY_LIMIT(9, "retry limit reached"),
        DESTINATION_DOWN(10, "destination down"),
        UNROUTABLE(11, "unroutable"),
        INTERRUPTED(12, "interrupted by shutdown"),
        INTERNAL(13, "local error"),
        HOST_REFUSED(14, "the host refused the session");

        private final int code;
        private final String words;

        Reason(int code, String words) {
            this.code = code;
            this.words = words;
        }

        /** The journal's code for it. */
        public int code() {
            return code;
        }

        public String words() {
            return words;
        }

        public static Reason ofCode(int code) {
            for (Reason r : values()) {
                if (r.code == code) {
                    return r;
                }
            }
            return UNKNOWN;
        }
    }

    public LocalDecision {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(reply, "reply");
    }

    public static LocalDecision of(Reason reason, Reply reply) {
        return new LocalDecision(reason, reply, null, null);
    }

    /**
     * The recipient was still undeliverable when its time ran out ({@code words} says which
     * limit). It fails with the class of its last failure (RFC 3464 allows a 4.x.x status with
     * Action: failed): the last failure's own 4.x.x when it had one, else 4.4.7.
     */
    public static LocalDecision gaveUp(Reason reason, String words, Outcome last) {
        StatusCode status = StatusCode.EXPIRED_TRANSIENT;
        if (last != null && last.status().statusClass() == 4
                && !(last instanceof RemoteReply r && !r.hasEnhancedStatus())) {
            status = last.status();
        }
        return new LocalDecision(reason, new Reply(554, status.toString(), words), null, last);
    }

    @Override
    public int code() {
        return reply.code();
    }

    /** Our own status; its class may differ from the code's ({@code 554} with 4.4.7 for an expiry). */
    @Override
    public StatusCode status() {
        StatusCode code = reply.status() == null ? null : StatusCode.find(reply.status());
        return code != null ? code : StatusCode.derive(reply.code());
    }

    @Override
    public String relay() {
        return reason == Reason.LOCAL_DELIVERY ? LOCAL : peer != null ? peer : "none";
    }

    /** Our words for the reason, without the code: what a sender reads. */
    public String words() {
        return String.join(" ", reply.lines());
    }

    @Override
    public String text() {
        return reply.toString();
    }
}
