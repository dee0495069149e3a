package tern.delivery;

import tern.envelope.Recipient;
import tern.smtp.Reply;

/**
 * What one delivery attempt did for one recipient.
 *
 * @param recipient the recipient
 * @param reply     the reply that decided it: the remote server's, or one Tern made up when
 *                  no server could be asked (DNS failure, no connection)
 * @param relay     where it went, as {@code host[address]:port}, "local", or "dns" / "none"
 * @param nextHopOffersDsn whether the next hop offered DSN; when it did not, a NOTIFY=SUCCESS sender
 *                  is told "relayed" instead of "delivered" (RFC 3461 5.2.2)
 */
public record RecipientOutcome(Recipient recipient, Reply reply, String relay, boolean nextHopOffersDsn) {

    public boolean delivered() {
        return reply.isPositive();
    }

    public boolean isTransient() {
        return reply.isTransient();
    }
}
