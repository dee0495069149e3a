package tern.client;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tern.smtp.Reply;

/**
 * Reads SMTP replies (RFC 5321 4.2): one or more lines {@code code-text}, the last one
 * {@code code text}. An RFC 3463 enhanced status code at the start of the text is taken
 * out of each line into {@link Reply#status()} when its class matches the reply code's.
 */
final class ReplyReader {
    /** RFC 5321 4.5.3.1.5 says 512; some servers send longer lines, so we allow more. */
    private static final int MAX_LINE = 8192;
    private static final int MAX_LINES = 1000;

    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);

    ReplyReader(InputStream in) {
        this.in = in;
    }

    /** @throws MalformedReplyException when the peer does not speak SMTP */
    Reply read() throws IOException {
        List<String> texts = new ArrayList<>(1);
        int code = -1;
        String status = null;
        while (true) {
            String l = readLine();
            if (l.length() < 3 || !digits(l) || (l.length() > 3 && l.charAt(3) != ' ' && l.charAt(3) != '-')) {
                throw new MalformedReplyException("not an SMTP reply line: " + printable(l));
            }
            int c = Integer.parseInt(l, 0, 3, 10);
            if (c < 200 || c > 599 || (code != -1 && c != code)) {
                throw new MalformedReplyException("unexpected reply code: " + printable(l));
            }
            code = c;
            String text = l.length() > 4 ? l.substring(4) : "";
            String st = statusOf(code, text);
            if (st != null && (status == null || status.equals(st))) {
                status = st;
                text = text.substring(Math.min(text.length(), st.length() + 1));
            }
            texts.add(text);
            if (l.length() == 3 || l.charAt(3) == ' ') {
                return new Reply(code, status, texts);
            }
            if (texts.size() > MAX_LINES) {
                throw new MalformedReplyException("reply longer than " + MAX_LINES + " lines");
            }
        }
    }

    private static boolean digits(String l) {
        for (int i = 0; i < 3; i++) {
            if (l.charAt(i) < '0' || l.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** {@code class.subject.detail} (RFC 3463 2) with the class of the reply code, or null. */
    static String statusOf(int code, String text) {
        int i = 0;
        int n = text.length();
        if (n < 5 || text.charAt(0) - '0' != code / 100) {
            return null;
        }
        i = 1;
        for (int part = 0; part < 2; part++) {
            if (i >= n || text.charAt(i) != '.') {
                return null;
            }
            int start = ++i;
            while (i < n && i - start < 3 && Character.isDigit(text.charAt(i))) {
                i++;
            }
            if (i == start) {
                return null;
            }
        }
        if (i < n && text.charAt(i) != ' ') {
            return null;
        }
        return text.substring(0, i);
    }

    private String readLine() throws IOException {
        line.reset();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed by the remote host");
            }
            if (b == '\n') {
                break;
            }
            if (line.size() >= MAX_LINE) {
                throw new MalformedReplyException("reply line longer than " + MAX_LINE + " octets");
            }
            line.write(b);
        }
        int len = line.size();
        byte[] bytes = line.toByteArray();
        if (len > 0 && bytes[len - 1] == '\r') {
            len--;
        }
        return new String(bytes, 0, len, StandardCharsets.UTF_8);
    }

    private static String printable(String l) {
        return l.length() > 80 ? l.substring(0, 80) + "..." : l;
    }

    static final class MalformedReplyException extends IOException {
        MalformedReplyException(String message) {
            super(message);
        }
    }
}
