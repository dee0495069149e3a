package tern.delivery;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.maildir.Maildir;
import tern.smtp.Reply;

/** Delivery to the Maildir drop: one file per recipient. Blocking; runs on a worker thread. */
public final class LocalDelivery {

    static final String RELAY = "local";
    private static final Reply DELIVERED = new Reply(250, "2.0.0", "delivered to Maildir");
    private static final Reply NO_SUCH_FOLDER = new Reply(550, "5.1.3", "local part cannot name a mailbox folder");

    private final Maildir maildir;

    public LocalDelivery(Maildir maildir) {
        this.maildir = maildir;
    }

    public List<RecipientOutcome> deliver(Envelope envelope, List<Recipient> recipients, byte[] message) {
        List<RecipientOutcome> outcomes = new ArrayList<>(recipients.size());
        for (Recipient r : recipients) {
            Reply reply;
            if (!Maildir.isDeliverable(r.address())) {
                reply = NO_SUCH_FOLDER;
            } else {
                try {
                    maildir.deliver(envelope.id(), envelope.reversePath(), r.address(), message);
                    reply = DELIVERED;
                } catch (IOException e) {
                    // A full disk or a permission problem heals; the retry schedule gives it time.
                    reply = new Reply(451, "4.3.0", "Maildir write failed: " + e);
                }
            }
            outcomes.add(new RecipientOutcome(r, reply, RELAY, false));
        }
        return outcomes;
    }
}
