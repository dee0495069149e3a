package tern.client;

import tern.envelope.Recipient;
import tern.smtp.Reply;

/**
 * What became of one recipient: the reply that decided it, which is the RCPT reply when
 * the RCPT was refused, else the reply to the message (after DATA), or the MAIL refusal,
 * or a reply Tern made up when the message could not be offered to this host at all
 * ({@code fromPeer} false).
 */
public record RecipientResult(Recipient recipient, Reply reply, boolean fromPeer) {

    /** A reply the peer sent. */
    public RecipientResult(Recipient recipient, Reply reply) {
        this(recipient, reply, true);
    }

    public boolean delivered() {
        return reply.isPositive();
    }
}
