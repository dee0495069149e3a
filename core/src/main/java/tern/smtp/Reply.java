package tern.smtp;

import java.util.List;

/**
 * An SMTP reply: a three-digit code, an RFC 3463 enhanced status code (may be null,
 * e.g. for the greeting), and one or more lines of text.
 */
public record Reply(int code, String status, List<String> lines) {

    public Reply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
    }

    public Reply(int code, String status, String text) {
        this(code, status, List.of(text));
    }

    public boolean isPositive() {
        return code < 400;
    }

    public boolean isTransient() {
        return code >= 400 && code < 500;
    }

    public boolean isPermanent() {
        return code >= 500;
    }

    /** The same reply with other text. */
    public Reply withText(String text) {
        return new Reply(code, status, text);
    }

    /** The reply as sent on the wire, each line ended by CRLF. */
    public String wire() {
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < lines.size(); i++) {
            sb.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (status != null) {
                sb.append(status).append(' ');
            }
            sb.append(lines.get(i)).append("\r\n");
        }
        return sb.toString();
    }

    /** One line, for logs and Diagnostic-Code fields: {@code 550 5.1.1 no such user}. */
    @Override
    public String toString() {
        return code + (status == null ? "" : " " + status) + " " + String.join(" ", lines);
    }
}
