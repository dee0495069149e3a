package tern.header;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import tern.queue.QueueId;

/**
 * Completes the header section of a message submitted by our own users (clients in
 * {@code relay.allowFrom} or authenticated ones): a {@code Message-ID} and a {@code Date}
 * when the client left them out, as Postfix's cleanup does for its own clients. Large
 * receivers refuse mail without a Message-ID, and RFC 5322 3.6 requires both fields.
 * Mail relayed from elsewhere is never touched: its header is its sender's business.
 *
 * <p>The fields go at the end of the header section, so that trace fields stay together at
 * the top. Pure bytes in, bytes out: a message that already has both comes back as it is,
 * the same array, after a scan of its header section only.
 */
public final class SubmissionHeaders {
    private static final DateTimeFormatter RFC5322 =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final byte[] MESSAGE_ID = "message-id".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATE = "date".getBytes(StandardCharsets.US_ASCII);

    private SubmissionHeaders() {
    }

    /**
     * {@code message} with a {@code Message-ID: <time.id@fqdn>} and a {@code Date} (the
     * arrival time) added where missing; {@code message} itself when nothing is missing.
     */
    public static byte[] complete(byte[] message, QueueId id, String fqdn, Instant arrival) {
        boolean hasId = false;
        boolean hasDate = false;
        int i = 0;
        int end = message.length;
        int headerEnd = end; // where the fields we add go: before the empty line, or at the end
        while (i < end) {
            byte first = message[i];
            if (first == '\r' || first == '\n') {
                headerEnd = i;
                break;
            }
            if (first != ' ' && first != '\t') {
                int colon = fieldNameEnd(message, i, end);
                if (colon < 0) {
                    headerEnd = i; // not a field: the header section ended without its empty line
                    break;
                }
                hasId |= named(message, i, colon, MESSAGE_ID);
                hasDate |= named(message, i, colon, DATE);
            }
            while (i < end && message[i] != '\n') {
                i++;
            }
            i++;
        }
        if (hasId && hasDate) {
            return message;
        }
        StringBuilder added = new StringBuilder(96);
        if (headerEnd > 0 && message[headerEnd - 1] != '\n') {
            added.append("\r\n"); // the last field had no line end (BDAT may end anywhere)
        }
        if (!hasId) {
            added.append("Message-ID: <").append(ID_TIME.format(arrival)).append('.').append(id.value())
                    .append('@').append(fqdn).append(">\r\n");
        }
        if (!hasDate) {
            added.append("Date: ").append(RFC5322.format(arrival)).append("\r\n");
        }
        if (headerEnd < end && message[headerEnd] != '\r' && message[headerEnd] != '\n') {
            added.append("\r\n"); // a body line where a field should be: the empty line it lacked, as Postfix does
        }
        byte[] extra = added.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[message.length + extra.length];
        System.arraycopy(message, 0, out, 0, headerEnd);
        System.arraycopy(extra, 0, out, headerEnd, extra.length);
        System.arraycopy(message, headerEnd, out, headerEnd + extra.length, message.length - headerEnd);
        return out;
    }

    /** The index of the ':' ending a field name that starts at {@code i}, or -1 if the line is no field. */
    private static int fieldNameEnd(byte[] m, int i, int end) {
        int j = i;
        while (j < end && m[j] > 32 && m[j] < 127 && m[j] != ':') {
            j++;
        }
        int nameEnd = j;
        while (j < end && (m[j] == ' ' || m[j] == '\t')) {
            j++; // obsolete syntax (RFC 5322 4.5): blanks before the colon
        }
        return j < end && m[j] == ':' && nameEnd > i ? nameEnd : -1;
    }

    private static boolean named(byte[] m, int from, int to, byte[] lowerName) {
        if (to - from != lowerName.length) {
            return false;
        }
        for (int k = 0; k < lowerName.length; k++) {
            if ((m[from + k] | 0x20) != lowerName[k]) {
                return false;
            }
        }
        return true;
    }
}
