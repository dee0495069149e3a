package tern.bench.load;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The messages the load tool sends: realistic headers (From, To, Subject, Date,
 * Message-ID, MIME) and a text body padded so that every message is exactly
 * {@code size} bytes (headers + body, CRLF line ends, before dot-stuffing, without
 * the terminating {@code .CRLF}).
 *
 * <p>The body is built and dot-stuffed once and shared by every message; only a short
 * per-message prefix (headers and a first body line) is made per message. The prefix
 * always has the same length, whatever the recipient, because its first body line is
 * padded to a fixed width. Every eighth body line starts with a dot, so the target's
 * dot-unstuffing is exercised on every message.
 */
public final class TestMessages {
    private static final String WORDS =
            "Tern carries this message across the loopback interface so that its journal, its queue "
            + "and its delivery workers can be measured under load; nothing in it means anything. ";
    private static final int LINE = 76;
    private static final int SEQ_WIDTH = 10;
    private static final String FIRST_LINE = "Load message ";

    private final long size;
    private final String from;
    private final String fixedTo;
    private final int toDomains;
    private final String date;
    private final String runId;
    private final int prefixLength;
    private final byte[] stuffedBody;
    private final long bodyLength;

    /**
     * @param size      wanted message size in bytes
     * @param from      the envelope and header sender
     * @param fixedTo   the one recipient of every message, or null when {@code toDomains > 0}
     * @param toDomains spread recipients over d1.test .. dK.test; 0 = use fixedTo
     */
    public TestMessages(long size, String from, String fixedTo, int toDomains) {
        if (size > Integer.MAX_VALUE - 1024) {
            throw new IllegalArgumentException("message size too large: " + size);
        }
        this.size = size;
        this.from = from;
        this.fixedTo = fixedTo;
        this.toDomains = toDomains;
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        this.date = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT).format(now);
        this.runId = Long.toString(now.toEpochSecond(), 36) + "." + Long.toString(ProcessHandle.current().pid(), 36);
        int longestHeaders = headers(0, longestRecipient()).length();
        int prefix = longestHeaders + FIRST_LINE.length() + SEQ_WIDTH + 1 + 2;
        long body = size - prefix;
        if (body == 1) {
            // a body of one byte cannot end in CRLF: grow the first line by one instead
            prefix++;
            body = 0;
        }
        this.prefixLength = prefix;
        this.bodyLength = Math.max(0, body);
        this.stuffedBody = stuff(text((int) bodyLength));
    }

    /** The size every message actually has: the wanted size unless that is below the headers' size. */
    public long messageSize() {
        return prefixLength + bodyLength;
    }

    /** The smallest size these headers allow. */
    public int minimumSize() {
        return prefixLength;
    }

    /** Bytes on the wire per message: dot-stuffed content plus the {@code .CRLF} terminator. */
    public long wireSize() {
        return prefixLength + stuffedBody.length + 3L;
    }

    public String sender() {
        return from;
    }

    /** The envelope recipient of message {@code seq}. */
    public String recipient(long seq) {
        if (toDomains <= 0) {
            return fixedTo;
        }
        return "user" + (seq % 100) + "@d" + (seq % toDomains + 1) + ".test";
    }

    private String longestRecipient() {
        if (toDomains <= 0) {
            return fixedTo;
        }
        return "user99@d" + toDomains + ".test";
    }

    /** Headers, the blank line and the padded first body line of message {@code seq}. */
    public byte[] prefix(long seq, String recipient) {
        StringBuilder sb = headers(seq, recipient);
        int fill = prefixLength - sb.length() - 2;
        int lineStart = sb.length();
        sb.append(FIRST_LINE);
        appendSeq(sb, seq);
        sb.append(' ');
        while (sb.length() - lineStart < fill) {
            sb.append('-');
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The dot-stuffed body shared by every message (ends with CRLF unless empty). */
    public byte[] stuffedBody() {
        return stuffedBody;
    }

    private StringBuilder headers(long seq, String recipient) {
        StringBuilder sb = new StringBuilder(prefixLength > 0 ? prefixLength + 16 : 512);
        sb.append("From: Tern load <").append(from).append(">\r\n");
        sb.append("To: <").append(recipient).append(">\r\n");
        sb.append("Subject: tern load test ");
        appendSeq(sb, seq);
        sb.append("\r\nDate: ").append(date).append("\r\n");
        sb.append("Message-ID: <");
        appendSeq(sb, seq);
        sb.append('.').append(runId).append("@load.tern.test>\r\n");
        sb.append("MIME-Version: 1.0\r\n");
        sb.append("Content-Type: text/plain; charset=us-ascii\r\n");
        sb.append("X-Mailer: tern-bench load\r\n");
        sb.append("\r\n");
        return sb;
    }

    private static void appendSeq(StringBuilder sb, long seq) {
        String s = Long.toString(seq);
        for (int i = s.length(); i < SEQ_WIDTH; i++) {
            sb.append('0');
        }
        sb.append(s);
    }

    /** Exactly {@code length} bytes of CRLF-terminated text lines (length 0 or at least 2). */
    static byte[] text(int length) {
        byte[] out = new byte[length];
        byte[] words = WORDS.getBytes(StandardCharsets.US_ASCII);
        int w = 0;
        int pos = 0;
        int lineNo = 0;
        while (pos < length) {
            int remaining = length - pos;
            // a full line only if at least 2 bytes (a CRLF) remain after it
            int lineLen = remaining > LINE + 3 ? LINE : remaining - 2;
            for (int i = 0; i < lineLen; i++) {
                byte b = words[w];
                w = (w + 1) % words.length;
                out[pos + i] = b;
            }
            if (lineLen > 0) {
                out[pos] = (lineNo % 8 == 7) ? (byte) '.' : (out[pos] == ' ' ? (byte) 'x' : out[pos]);
            }
            out[pos + lineLen] = '\r';
            out[pos + lineLen + 1] = '\n';
            pos += lineLen + 2;
            lineNo++;
        }
        return out;
    }

    /** RFC 5321 4.5.2: a line that starts with a dot gets one more dot in front. */
    public static byte[] stuff(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + content.length / 64 + 8);
        boolean lineStart = true;
        for (byte b : content) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        return out.toByteArray();
    }
}
