package tern.client;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;
import tern.address.ReversePath;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.envelope.Ret;

/**
 * One message to offer to a host.
 *
 * @param reversePath MAIL FROM, already masqueraded by the caller where that applies
 * @param recipients  the recipients for this host
 * @param message     the message as CRLF lines, not dot-stuffed (the client stuffs it)
 * @param body        BODY= as the message arrived; 8-bit content is detected from the bytes too
 * @param smtpUtf8    the message arrived with SMTPUTF8
 * @param ret         RFC 3461 RET or null
 * @param envId       RFC 3461 ENVID (decoded) or null
 */
public record Transaction(
        ReversePath reversePath,
        List<Recipient> recipients,
        byte[] message,
        Body body,
        boolean smtpUtf8,
        Ret ret,
        String envId) {

    public Transaction {
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("a transaction has at least one recipient");
        }
    }

    /** A plain transaction: no DSN parameters, 8-bit and SMTPUTF8 needs read from the content. */
    public static Transaction of(ReversePath reversePath, List<Recipient> recipients, byte[] message) {
        return new Transaction(reversePath, recipients, message, Body.SEVEN_BIT, false, null, null);
    }

    /** The envelope's parameters with the reverse-path and recipients this attempt uses. */
    public static Transaction of(Envelope envelope, ReversePath reversePath, List<Recipient> recipients, byte[] message) {
        return new Transaction(reversePath, recipients, message, envelope.body(), envelope.smtpUtf8(),
                envelope.ret(), envelope.envId());
    }

    /** True when any octet has the high bit set: such a message needs 8BITMIME (RFC 6152). */
    public boolean isEightBit() {
        return hasHighBit(message, message.length);
    }

    /**
     * RFC 6531 3.4: an internationalized address, or a message that came in with SMTPUTF8 and
     * has non-ASCII header fields, cannot be sent to a peer without SMTPUTF8. A message that
     * came with SMTPUTF8 but is all ASCII where it matters is sent like any other.
     */
    public boolean needsSmtpUtf8() {
        // Domains go as A-labels (see SmtpConnection): only a UTF-8 local part needs SMTPUTF8.
        if (!reversePath.isNull() && reversePath.mailbox().withAsciiDomain().isInternationalized()) {
            return true;
        }
        for (Recipient r : recipients) {
            if (r.address().withAsciiDomain().isInternationalized()) {
                return true;
            }
        }
        return smtpUtf8 && hasHighBit(message, headerLength(message));
    }

    /** Eight octets a step: every delivery of a 50 KB message scans it, byte by byte it showed in profiles. */
    private static boolean hasHighBit(byte[] bytes, int length) {
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            if (((long) LONGS.get(bytes, i) & 0x8080808080808080L) != 0) {
                return true;
            }
        }
        for (; i < length; i++) {
            if (bytes[i] < 0) {
                return true;
            }
        }
        return false;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Octets up to the blank line that ends the header section (or all of them). */
    private static int headerLength(byte[] m) {
        for (int i = 0; i + 3 < m.length; i++) {
            if (m[i] == '\r' && m[i + 1] == '\n' && m[i + 2] == '\r' && m[i + 3] == '\n') {
                return i;
            }
        }
        return m.length;
    }
}
