package tern.outcome;

import java.util.Objects;
import tern.dsn.StatusCode;
import tern.smtp.Reply;

/**
 * A reply a remote server sent, as it sent it (code, enhanced code, text), and which host
 * sent it.
 *
 * @param reply the server's reply
 * @param host  the host's name as Tern connected to it: the MX or next hop name, or an IP address
 * @param peer  the address and port it answered on, written {@code [192.0.2.1]:25}; may be null
 */
public record RemoteReply(Reply reply, String host, String peer) implements Outcome {

    public RemoteReply {
        Objects.requireNonNull(reply, "reply");
        Objects.requireNonNull(host, "host");
    }

    /** From a relay written {@code host[address]:port} (as logs and the journal have it). */
    public static RemoteReply of(Reply reply, String relay) {
        int bracket = relay.indexOf('[');
        return bracket > 0 ? new RemoteReply(reply, relay.substring(0, bracket), relay.substring(bracket))
                : new RemoteReply(reply, relay, null);
    }

    @Override
    public int code() {
        return reply.code();
    }

    @Override
    public StatusCode status() {
        return StatusCode.of(reply);
    }

    @Override
    public String relay() {
        return peer == null ? host : host + peer;
    }

    @Override
    public String text() {
        return reply.toString();
    }

    /** Whether the server's reply carried an RFC 3463 code of its own (not one derived from the reply code). */
    public boolean hasEnhancedStatus() {
        return reply.status() != null;
    }
}
