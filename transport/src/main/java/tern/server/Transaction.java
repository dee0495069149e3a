package tern.server;

import java.util.LinkedHashMap;
import java.util.List;
import tern.address.Mailbox;
import tern.envelope.Recipient;
import tern.queue.QueueId;
import tern.smtp.MailFrom;

/**
 * One mail transaction, from MAIL to the end of its message (or RSET): the queue id given at
 * MAIL, the sender and the recipients accepted so far, once each, in the order given.
 */
record Transaction(QueueId id, MailFrom mail, LinkedHashMap<Mailbox, Recipient> recipients) {

    Transaction(QueueId id, MailFrom mail) {
        this(id, mail, new LinkedHashMap<>());
    }

    /** Every one of {@code candidates} is accepted already (a duplicate RCPT is recorded once). */
    boolean hasAll(List<Recipient> candidates) {
        for (Recipient r : candidates) {
            if (!recipients.containsKey(r.address())) {
                return false;
            }
        }
        return true;
    }

    List<Recipient> recipientList() {
        return List.copyOf(recipients.values());
    }
}
