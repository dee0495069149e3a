package tern.dkim;

import java.security.MessageDigest;

/**
 * RFC 6376 3.4.2 and 3.4.4: the "relaxed" canonicalization of header fields and body, the one
 * that survives the rewrapping and whitespace changes of relays on the way. Bytes in, bytes
 * out (8-bit octets pass untouched); no copy of the body is made: it is fed to the digest in
 * runs, a 50 KB message in a few dozen {@code update} calls.
 */
final class Canonicalization {
    private static final int BUFFER = 4096;

    private Canonicalization() {
    }

    /**
     * The relaxed form of one header field {@code m[from, to)} (name, colon, value and any
     * continuation lines, without the final CRLF): name lower-cased, line folds removed,
     * whitespace runs made one space, whitespace around the colon and at the ends of the
     * value removed, then CRLF.
     */
    static byte[] header(byte[] m, int from, int to) {
        byte[] out = new byte[to - from + 2];
        int n = 0;
        int i = from;
        while (i < to && m[i] != ':') {
            byte c = m[i++];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                continue; // blanks before the colon (obsolete syntax) go
            }
            out[n++] = (c >= 'A' && c <= 'Z') ? (byte) (c + 32) : c;
        }
        out[n++] = ':';
        i++;
        boolean space = false;
        boolean started = false;
        for (; i < to; i++) {
            byte c = m[i];
            if (c == '\r' || c == '\n') {
                continue; // unfold: the CRLF goes, the blank after it stays (and is collapsed)
            }
            if (c == ' ' || c == '\t') {
                space = started;
                continue;
            }
            if (space) {
                out[n++] = ' ';
                space = false;
            }
            out[n++] = c;
            started = true;
        }
        out[n++] = '\r';
        out[n++] = '\n';
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    /**
     * Feeds the relaxed body {@code m[from, m.length)} to {@code digest}: whitespace runs in a
     * line become one space, whitespace at line ends goes, empty lines at the end go, and a
     * last line without CRLF gets one. An empty body stays empty.
     */
    static void body(byte[] m, int from, MessageDigest digest) {
        byte[] buf = new byte[BUFFER];
        int n = 0;
        int emptyLines = 0; // held back: they count only if a non-empty line follows
        boolean space = false;
        boolean content = false; // the current line has had a non-blank octet
        int end = m.length;
        for (int i = from; i < end; i++) {
            byte c = m[i];
            if (c == '\r' && i + 1 < end && m[i + 1] == '\n') {
                i++;
                if (content) {
                    if (n + 2 > BUFFER) {
                        digest.update(buf, 0, n);
                        n = 0;
                    }
                    buf[n++] = '\r';
                    buf[n++] = '\n';
                } else {
                    emptyLines++;
                }
                space = false;
                content = false;
                continue;
            }
            if (c == ' ' || c == '\t') {
                space = true;
                continue;
            }
            if (!content && emptyLines > 0) {
                for (; emptyLines > 0; emptyLines--) {
                    if (n + 2 > BUFFER) {
                        digest.update(buf, 0, n);
                        n = 0;
                    }
                    buf[n++] = '\r';
                    buf[n++] = '\n';
                }
            }
            if (n + 2 > BUFFER) {
                digest.update(buf, 0, n);
                n = 0;
            }
            if (space) {
                buf[n++] = ' ';
                space = false;
            }
            buf[n++] = c;
            content = true;
        }
        if (content) {
            if (n + 2 > BUFFER) {
                digest.update(buf, 0, n);
                n = 0;
            }
            buf[n++] = '\r';
            buf[n++] = '\n';
        }
        digest.update(buf, 0, n);
    }
}
