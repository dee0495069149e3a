package tern.dsn;

import tern.envelope.Envelope;
import tern.envelope.Ret;

/**
 * What of the original message goes into the third part of a DSN (RFC 3462 / RFC 6522,
 * RFC 3461 4.3 RET), and with which media type.
 *
 * <p>RET=FULL returns the message, RET=HDRS its header section. Without RET the choice is
 * ours: the whole message up to a size limit, the header section above it, so that a bounce
 * never doubles a big attachment back into the sender's mailbox.
 *
 * <p>Whatever RET says, a message that cannot travel inside a 7bit/8bit MIME part (a line
 * over 998 octets, a bare CR or LF, a NUL: BINARYMIME content) comes back as its header
 * section only; and a header section that itself breaks those rules is left out, since
 * sending it would make the DSN unsendable. Header fields with UTF-8 (RFC 6532) use
 * {@code message/global} and {@code message/global-headers} (RFC 6533 6.3, 6.4).
 */
record OriginalContent(Kind kind, byte[] content, int end, boolean utf8Headers, boolean eightBit, boolean failure) {

    enum Kind { FULL, HEADERS, NONE }

    /**
     * @param failure whether the report tells of a failure: a report of delay or success
     *                returns the header section only, whatever RET says (RFC 3461 4.3)
     */
    static OriginalContent of(Envelope original, byte[] content, long fullReturnLimit, boolean failure) {
        int headerEnd = headerEnd(content);
        Scan headers = Scan.of(content, 0, headerEnd);
        if (!headers.fitsMime()) {
            return new OriginalContent(Kind.NONE, content, 0, false, false, failure);
        }
        Ret ret = !failure ? Ret.HDRS : original.ret() != null ? original.ret()
                : content.length <= fullReturnLimit ? Ret.FULL : Ret.HDRS;
        if (ret == Ret.FULL) {
            Scan whole = Scan.of(content, headerEnd, content.length);
            if (whole.fitsMime()) {
                return new OriginalContent(Kind.FULL, content, content.length, headers.eightBit,
                        headers.eightBit || whole.eightBit, true);
            }
        }
        return new OriginalContent(Kind.HEADERS, content, headerEnd, headers.eightBit, headers.eightBit, failure);
    }

    int length() {
        return kind == Kind.NONE ? 0 : end;
    }

    /**
     * A boundary that does not occur in the returned content (RFC 2046 5.1.1). The text and
     * delivery-status parts are ours and never start a line with "--".
     */
    String boundaryFor(String seed) {
        String boundary = "=_" + seed;
        for (int n = 1; occurs(("--" + boundary).getBytes(java.nio.charset.StandardCharsets.US_ASCII)); n++) {
            boundary = "=_" + n + "_" + seed;
        }
        return boundary;
    }

    void writeTo(Octets out) {
        String type = switch (kind) {
            case FULL -> utf8Headers ? "message/global" : "message/rfc822";
            case HEADERS -> utf8Headers ? "message/global-headers" : "text/rfc822-headers";
            case NONE -> throw new IllegalStateException("nothing to return");
        };
        out.field("Content-Type", type);
        out.field("Content-Description", kind == Kind.FULL ? "Undelivered message"
                : failure ? "Undelivered message headers" : "Message headers");
        out.field("Content-Transfer-Encoding", eightBit ? "8bit" : "7bit");
        out.crlf();
        out.append(content, 0, end);
        if (end > 0 && content[end - 1] != '\n') {
            out.crlf();
        }
    }

    private boolean occurs(byte[] needle) {
        if (kind == Kind.NONE) {
            return false;
        }
        outer:
        for (int i = 0; i + needle.length <= end; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (content[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Just after the blank line ending the header section, or the end of a message without body. */
    static int headerEnd(byte[] m) {
        if (m.length >= 2 && m[0] == '\r' && m[1] == '\n') {
            return 2;
        }
        for (int i = 0; i + 3 < m.length; i++) {
            if (m[i] == '\r' && m[i + 1] == '\n' && m[i + 2] == '\r' && m[i + 3] == '\n') {
                return i + 4;
            }
        }
        return m.length;
    }

    private record Scan(boolean eightBit, boolean bareOrLong) {
        boolean fitsMime() {
            return !bareOrLong;
        }

        static Scan of(byte[] m, int from, int to) {
            boolean eightBit = false;
            int lineStart = from;
            for (int i = from; i < to; i++) {
                byte b = m[i];
                if (b < 0) {
                    eightBit = true;
                } else if (b == 0) {
                    return new Scan(eightBit, true);
                } else if (b == '\r') {
                    if (i + 1 >= m.length || m[i + 1] != '\n') {
                        return new Scan(eightBit, true);
                    }
                } else if (b == '\n') {
                    if (i == 0 || m[i - 1] != '\r') {
                        return new Scan(eightBit, true);
                    }
                    if (i - 1 - lineStart > 998) {
                        return new Scan(eightBit, true);
                    }
                    lineStart = i + 1;
                }
            }
            return new Scan(eightBit, to - lineStart > 998);
        }
    }
}
