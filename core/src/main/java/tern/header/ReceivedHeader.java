package tern.header;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import tern.address.Mailbox;
import tern.envelope.Recipient;
import tern.queue.QueueId;

/**
 * The trace field we prepend to every message we accept (RFC 5321 4.4):
 * <pre>
 * Received: from HELO (ptr-name [192.0.2.1])
 *         by FQDN with ESMTP id ID
 *         for &lt;rcpt&gt;; Tue, 3 Jun 2025 11:05:30 +0000
 * </pre>
 * Folded before "by" and "for" so that every line stays short however long the names.
 *
 * @param heloName          what the client said in EHLO/HELO
 * @param clientName        the client's forward-confirmed PTR name, written before its address
 *                          (RFC 5321 4.4 TCP-info); null when unknown or reverse DNS is off
 * @param clientAddress     the client's IP address, without brackets
 * @param clientAnnotation  words after the address inside the comment, such as
 *                          {@code unverified} or {@code RDNS failed} (reverse-DNS verdict); null for none
 * @param byFqdn            our name
 * @param protocol          the "with" keyword
 * @param id                the queue id
 * @param forRecipient      the one recipient, or null (see {@link #of})
 * @param time              when the message arrived
 */
public record ReceivedHeader(String heloName, String clientName, String clientAddress, String clientAnnotation,
                             String byFqdn, WithProtocol protocol, QueueId id, Mailbox forRecipient, Instant time) {

    private static final DateTimeFormatter RFC5322 =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /**
     * The header for a transaction. "for" names the recipient only when there is exactly one:
     * with several, listing them all would tell every recipient who else got the message
     * (Postfix does the same).
     */
    public static ReceivedHeader of(String heloName, String clientName, String clientAddress, String clientAnnotation,
                                    String byFqdn, WithProtocol protocol, QueueId id, List<Recipient> recipients,
                                    Instant time) {
        Mailbox only = recipients.size() == 1 ? recipients.getFirst().address() : null;
        return new ReceivedHeader(heloName, clientName, clientAddress, clientAnnotation, byFqdn, protocol, id, only, time);
    }

    /** Without a client name (reverse DNS off). */
    public static ReceivedHeader of(String heloName, String clientAddress, String clientAnnotation, String byFqdn,
                                    WithProtocol protocol, QueueId id, List<Recipient> recipients, Instant time) {
        return of(heloName, null, clientAddress, clientAnnotation, byFqdn, protocol, id, recipients, time);
    }

    /** The whole field, folded, ending with CRLF. */
    public String text() {
        StringBuilder sb = new StringBuilder(160);
        sb.append("Received: from ");
        appendPrintable(sb, heloName);
        sb.append(" (");
        if (clientName != null && !clientName.isEmpty()) {
            appendPrintable(sb, clientName);
            sb.append(' ');
        }
        if (clientAddress.indexOf(':') >= 0) {
            sb.append("[IPv6:").append(clientAddress).append(']');
        } else {
            sb.append('[').append(clientAddress).append(']');
        }
        if (clientAnnotation != null && !clientAnnotation.isEmpty()) {
            sb.append(' ').append(clientAnnotation);
        }
        sb.append(")\r\n\tby ").append(byFqdn).append(" with ").append(protocol.name()).append(" id ").append(id.value());
        if (forRecipient != null) {
            sb.append("\r\n\tfor <");
            appendPrintable(sb, forRecipient.toString());
            sb.append(">; ");
        } else {
            sb.append(";\r\n\t");
        }
        sb.append(RFC5322.format(time)).append("\r\n");
        return sb.toString();
    }

    public byte[] bytes() {
        return text().getBytes(StandardCharsets.UTF_8);
    }

    // A HELO name is whatever the client typed; it must not break the header's syntax.
    private static void appendPrintable(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append((c < 33 || c == 127 || c == '(' || c == ')') ? '?' : c);
        }
    }
}
