package tern.delivery;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.logging.MailLogLine;
import tern.maildir.Maildir;
import tern.outcome.LocalDecision;
import tern.outcome.Outcome;
import tern.outcome.RecipientOutcome;
import tern.smtp.Reply;

/**
 * Delivery to the Maildir drop: one file per recipient. Blocking; runs on a worker thread.
 * Every outcome is Tern's own decision; a write error is told to the sender in safe words
 * ("local delivery failed: mailbox storage is full"), and to the operator's log in full.
 */
public final class LocalDelivery {

    private static final Logger log = LoggerFactory.getLogger("tern.delivery");
    static final String RELAY = LocalDecision.LOCAL;
    private static final Outcome DELIVERED = LocalDecision.of(LocalDecision.Reason.LOCAL_DELIVERY,
            new Reply(250, "2.0.0", "delivered to Maildir"));
    private static final Outcome NO_SUCH_FOLDER = LocalDecision.of(LocalDecision.Reason.LOCAL_DELIVERY,
            new Reply(550, "5.1.3", "local part cannot name a mailbox folder"));

    private final Maildir maildir;

    public LocalDelivery(Maildir maildir) {
        this.maildir = maildir;
    }

    public List<RecipientOutcome> deliver(Envelope envelope, List<Recipient> recipients, byte[] message) {
        List<RecipientOutcome> outcomes = new ArrayList<>(recipients.size());
        for (Recipient r : recipients) {
            Outcome outcome;
            if (!Maildir.isDeliverable(r.address())) {
                outcome = NO_SUCH_FOLDER;
            } else {
                try {
                    maildir.deliver(envelope.id(), envelope.reversePath(), r.address(), message);
                    outcome = DELIVERED;
                } catch (IOException e) {
                    // A full disk or a permission problem heals; the retry schedule gives it time.
                    MailLogLine.about(envelope.id()).address("to", r.address())
                            .field("error", "Maildir write failed", e.toString()).warn(log);
                    outcome = LocalDecision.of(LocalDecision.Reason.LOCAL_DELIVERY,
                            new Reply(451, "4.3.0", "local delivery failed: " + safeReason(e)));
                }
            }
            outcomes.add(new RecipientOutcome(r, outcome, false));
        }
        return outcomes;
    }

    /** What a sender may read about a write error: a kind of trouble, never a path or an exception's text. */
    static String safeReason(IOException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            message = fs.getReason();
        }
        if (message.contains("No space left") || message.contains("Disk quota")) {
            return "mailbox storage is full";
        }
        if (e instanceof AccessDeniedException || message.contains("Permission denied")
                || message.contains("Read-only file system")) {
            return "mailbox is not writable";
        }
        return "mailbox could not be written";
    }
}
