package tern.client;

import java.io.IOException;
import tern.smtp.Reply;

/**
 * A delivery attempt to one host ended before or outside a transaction. The reply says
 * how: the peer's own (a 421 greeting, a 535 to AUTH) when {@code fromPeer}, or one Tern
 * made up (connection refused, timeout, TLS required but not offered). Its code decides
 * transient or permanent; the dispatcher may try the next MX host either way.
 */
public final class SmtpException extends IOException {
    /** Where in the conversation it happened. */
    public enum Stage {
        CONNECT, GREETING, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, MESSAGE, RESET
    }

    private final transient Reply reply;
    private final Stage stage;
    private final boolean fromPeer;

    public SmtpException(Reply reply, Stage stage, boolean fromPeer, Throwable cause) {
        super(stage + ": " + reply, cause);
        this.reply = reply;
        this.stage = stage;
        this.fromPeer = fromPeer;
    }

    public Reply reply() {
        return reply;
    }

    public Stage stage() {
        return stage;
    }

    public boolean fromPeer() {
        return fromPeer;
    }

    public boolean isPermanent() {
        return reply.isPermanent();
    }
}
