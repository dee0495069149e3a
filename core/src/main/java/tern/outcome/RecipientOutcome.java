package tern.outcome;

import tern.envelope.Recipient;

/**
 * What one delivery attempt did for one recipient.
 *
 * @param recipient the recipient
 * @param outcome   what decided it: the remote server's reply, or Tern's own decision when no
 *                  server could be asked or none had the last word (DNS, no connection, TLS
 *                  policy, a Maildir write)
 * @param nextHopOffersDsn whether the next hop offered DSN; when it did not, a NOTIFY=SUCCESS sender
 *                  is told "relayed" instead of "delivered" (RFC 3461 5.2.2)
 */
public record RecipientOutcome(Recipient recipient, Outcome outcome, boolean nextHopOffersDsn) {

    public boolean delivered() {
        return outcome.delivered();
    }

    public boolean isTransient() {
        return outcome.isTransient();
    }

    /** The reply that decided it (the server's, or Tern's own wording: see {@link #outcome()} for who). */
    public tern.smtp.Reply reply() {
        return outcome.reply();
    }

    public String relay() {
        return outcome.relay();
    }
}
