package tern.envelope;

import java.time.Instant;
import java.util.List;
import tern.address.ReversePath;
import tern.queue.QueueId;

/**
 * Everything the SMTP transaction said about a message, apart from its bytes.
 *
 * @param id            the queue id, assigned when the transaction started
 * @param reversePath   MAIL FROM
 * @param recipients    the accepted RCPT TOs, in order, without duplicates
 * @param body          BODY= of MAIL FROM
 * @param smtpUtf8      whether MAIL FROM carried SMTPUTF8
 * @param ret           RET= or null
 * @param envId         ENVID= (decoded xtext) or null
 * @param declaredSize  SIZE= or -1
 * @param clientAddress the client's IP address, as text without brackets
 * @param heloName      the EHLO/HELO argument
 * @param arrival       when the message was accepted
 */
public record Envelope(
        QueueId id,
        ReversePath reversePath,
        List<Recipient> recipients,
        Body body,
        boolean smtpUtf8,
        Ret ret,
        String envId,
        long declaredSize,
        String clientAddress,
        String heloName,
        Instant arrival) {

    public Envelope {
        recipients = List.copyOf(recipients);
    }
}
