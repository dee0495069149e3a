package tern.client;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a message as DATA content (RFC 5321 4.5.2): a line that starts with a dot gets
 * a second dot, and the content ends with CRLF "." CRLF. Runs of lines are written as
 * slices of the message array, so there is no copy of the message.
 */
final class DotStuffing {
    private static final byte[] END = {'.', '\r', '\n'};
    private static final byte[] CRLF_END = {'\r', '\n', '.', '\r', '\n'};

    private DotStuffing() {
    }

    static void write(byte[] m, OutputStream out) throws IOException {
        int start = 0;
        boolean lineStart = true;
        for (int i = 0; i < m.length; i++) {
            byte b = m[i];
            if (lineStart && b == '.') {
                out.write(m, start, i - start);
                out.write('.');
                start = i; // the original dot goes out with the next slice
            }
            lineStart = b == '\n';
        }
        out.write(m, start, m.length - start);
        boolean endsWithCrlf = m.length >= 2 && m[m.length - 2] == '\r' && m[m.length - 1] == '\n';
        out.write(endsWithCrlf || m.length == 0 ? END : CRLF_END);
    }
}
