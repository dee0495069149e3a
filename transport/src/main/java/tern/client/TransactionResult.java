package tern.client;

import java.util.List;
import tern.smtp.Reply;

/**
 * The outcome of one mail transaction.
 *
 * @param recipients one result per recipient, in the transaction's order
 * @param dataReply  the reply after the message was sent; null when DATA was never reached
 *                   (MAIL refused, every RCPT refused, or refused before sending)
 */
public record TransactionResult(List<RecipientResult> recipients, Reply dataReply) {

    public TransactionResult {
        recipients = List.copyOf(recipients);
    }

    public List<RecipientResult> delivered() {
        return recipients.stream().filter(RecipientResult::delivered).toList();
    }

    public List<RecipientResult> deferred() {
        return recipients.stream().filter(r -> r.reply().isTransient()).toList();
    }

    public List<RecipientResult> failed() {
        return recipients.stream().filter(r -> r.reply().isPermanent()).toList();
    }
}
