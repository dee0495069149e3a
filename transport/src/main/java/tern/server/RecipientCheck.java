package tern.server;

import java.util.List;
import tern.address.Mailbox;
import tern.envelope.Recipient;
import tern.maildir.Maildir;
import tern.smtp.Replies;
import tern.smtp.Reply;

/**
 * Whether a RCPT is taken, and as which recipients: a local domain's mailbox (checked against
 * {@code domains.recipients} when set, which may rewrite an alias to its targets), or a remote
 * one the client may relay to. Relaying needs a client in {@code relay.allowFrom}, an
 * authenticated client, or a recipient in {@code relay.domains}.
 */
final class RecipientCheck {

    /** The recipients to record, or the reply that refuses the RCPT. */
    sealed interface Verdict {
    }

    record Accepted(List<Recipient> recipients) implements Verdict {
    }

    record Refused(Reply reply, String why) implements Verdict {
    }

    private RecipientCheck() {
    }

    /** {@code mayRelay}: the client is in {@code relay.allowFrom} or authenticated. */
    static Verdict check(InboundContext server, Recipient recipient, boolean mayRelay) {
        Mailbox address = recipient.address();
        if (server.relay.isLocal(address.domain())) {
            Reply refusal = localPartRefusal(address);
            if (refusal != null) {
                return new Refused(refusal, "refused: " + refusal);
            }
            if (server.localRecipients == null) {
                return new Accepted(List.of(recipient));
            }
            List<Recipient> accepted = server.localRecipients.accept(recipient);
            return accepted.isEmpty()
                    ? new Refused(Replies.UNKNOWN_LOCAL_RECIPIENT, "refused: " + Replies.UNKNOWN_LOCAL_RECIPIENT)
                    : new Accepted(accepted);
        }
        if (!server.relay.accepts(address, mayRelay)) {
            return new Refused(Replies.RELAY_DENIED, "relay denied");
        }
        return new Accepted(List.of(recipient));
    }

    /**
     * A local part is delivered as it is or not at all. The characters older MTAs read as
     * routing ({@code user%remote}, {@code remote!user}, a quoted {@code "user@remote"}) are
     * refused, not stored as a folder of that name: nobody has such a mailbox, and refusing
     * tells the sender at once instead of leaving mail in a folder no one reads.
     */
    private static Reply localPartRefusal(Mailbox address) {
        if (!Maildir.isDeliverable(address)) {
            return Replies.BAD_MAILBOX_NAME;
        }
        String local = address.localPart();
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c == '%' || c == '!' || c == '@') {
                return Replies.NO_SUCH_USER;
            }
        }
        return null;
    }
}
