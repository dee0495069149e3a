package tern.submission;

import java.io.ByteArrayOutputStream;

/**
 * Message text as local programs write it (LF line ends, maybe no newline at the end) made
 * into what SMTP and the journal carry: every line ends with CRLF. A bare CR counts as a
 * line end too, since a bare CR is as unacceptable on the wire as a bare LF.
 */
final class LineEnds {
    private LineEnds() {
    }

    /** {@code text} with CRLF after every line, including the last. Unchanged bytes when already so. */
    static byte[] crlf(byte[] text) {
        if (isCrlf(text)) {
            return text;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + text.length / 32 + 2);
        for (int i = 0; i < text.length; i++) {
            byte b = text[i];
            if (b == '\r') {
                out.write('\r');
                out.write('\n');
                if (i + 1 < text.length && text[i + 1] == '\n') {
                    i++;
                }
            } else if (b == '\n') {
                out.write('\r');
                out.write('\n');
            } else {
                out.write(b);
            }
        }
        if (text.length > 0 && text[text.length - 1] != '\n' && text[text.length - 1] != '\r') {
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static boolean isCrlf(byte[] text) {
        for (int i = 0; i < text.length; i++) {
            byte b = text[i];
            if (b == '\r' && (i + 1 >= text.length || text[i + 1] != '\n')) {
                return false;
            }
            if (b == '\n' && (i == 0 || text[i - 1] != '\r')) {
                return false;
            }
        }
        return text.length == 0 || text[text.length - 1] == '\n';
    }

    /**
     * Without a leading mbox {@code From } line (the envelope line of a Unix mailbox file,
     * not a header field), which some programs put before the header section.
     */
    static byte[] withoutMboxFromLine(byte[] text) {
        if (text.length < 5 || text[0] != 'F' || text[1] != 'r' || text[2] != 'o' || text[3] != 'm' || text[4] != ' ') {
            return text;
        }
        int i = 0;
        while (i < text.length && text[i] != '\n') {
            i++;
        }
        return java.util.Arrays.copyOfRange(text, Math.min(i + 1, text.length), text.length);
    }
}
