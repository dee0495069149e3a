package tern.submission;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tern.address.InvalidAddressException;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.header.HopCount;

/**
 * What a file in the Pickup directory says, in the IIS format: optional envelope lines at the
 * very top, one {@code x-sender:} and one or more {@code x-receiver:}, then the message.
 * Without {@code x-receiver} lines the recipients are those of To, Cc and Bcc; without an
 * {@code x-sender} the sender is the From field's. The envelope lines and Bcc fields never
 * reach the recipients. A file that gives no usable envelope is {@link Unusable}, with a
 * reason an operator can act on.
 */
sealed interface PickupFile permits PickupFile.Ready, PickupFile.Unusable {

    /** The limits SMTP would apply to the same message. */
    record Limits(long maxMessageSize, int maxHopCount) {
    }

    /**
     * A message to queue.
     *
     * @param message  with CRLF line ends, without the envelope lines and Bcc fields
     * @param smtpUtf8 an address or a header field is not ASCII (RFC 6531/6532)
     */
    record Ready(ReversePath sender, List<Mailbox> recipients, byte[] message, boolean smtpUtf8) implements PickupFile {
        public Ready {
            recipients = List.copyOf(recipients);
        }
    }

    /** A file that cannot be queued, and why. */
    record Unusable(String reason) implements PickupFile {
    }

    Set<String> ENVELOPE_LINES = Set.of("x-sender", "x-receiver");

    static PickupFile parse(byte[] content, Limits limits) {
        if (content.length > limits.maxMessageSize()) {
            return new Unusable("larger than server.maxMessageSize (" + content.length + " > "
                    + limits.maxMessageSize() + " bytes)");
        }
        if (content.length == 0) {
            return new Unusable("the file is empty");
        }
        byte[] text = LineEnds.crlf(content);
        HeaderSection header = HeaderSection.parse(text);

        ReversePath sender = null;
        Map<String, Mailbox> recipients = new LinkedHashMap<>();
        for (HeaderSection.Field field : header.fields()) {
            if (field.is("x-sender")) {
                if (sender != null) {
                    return new Unusable("more than one x-sender line");
                }
                String value = header.value(field);
                try {
                    sender = value.equals("<>") ? ReversePath.NULL : ReversePath.of(AddressList.mailbox(value));
                } catch (InvalidAddressException e) {
                    return new Unusable("x-sender is not an address: " + value);
                }
            } else if (field.is("x-receiver")) {
                String value = header.value(field);
                try {
                    Mailbox m = AddressList.mailbox(value);
                    recipients.putIfAbsent(HeaderAddresses.key(m), m);
                } catch (InvalidAddressException e) {
                    return new Unusable("x-receiver is not an address: " + value);
                }
            } else {
                break; // the envelope lines are at the very top, or they are not envelope lines
            }
        }
        if (recipients.isEmpty() || sender == null) {
            HeaderAddresses fromHeader = HeaderAddresses.of(header);
            if (recipients.isEmpty()) {
                if (!fromHeader.invalid().isEmpty()) {
                    return new Unusable("not an address in To, Cc or Bcc: " + String.join(", ", fromHeader.invalid()));
                }
                fromHeader.recipients().forEach(m -> recipients.putIfAbsent(HeaderAddresses.key(m), m));
            }
            if (sender == null && fromHeader.sender().isPresent()) {
                sender = ReversePath.of(fromHeader.sender().get());
            }
        }
        if (recipients.isEmpty()) {
            return new Unusable("no recipients: no x-receiver line and no address in To, Cc or Bcc");
        }
        if (sender == null) {
            return new Unusable("no sender: no x-sender line and no address in From");
        }
        Set<String> drop = new java.util.HashSet<>(ENVELOPE_LINES);
        drop.addAll(HeaderAddresses.BLIND);
        byte[] message = header.rewrite(drop, "");
        int hops = HopCount.count(message, 0, message.length);
        if (HopCount.exceeds(hops, limits.maxHopCount())) {
            return new Unusable("too many Received fields (" + hops + ", delivery.maxHopCount is "
                    + limits.maxHopCount() + "): a mail loop");
        }
        List<Mailbox> rcpts = new ArrayList<>(recipients.values());
        boolean utf8 = header.hasNonAscii() || rcpts.stream().anyMatch(Mailbox::isInternationalized)
                || (!sender.isNull() && sender.mailbox().isInternationalized());
        return new Ready(sender, rcpts, message, utf8);
    }
}
