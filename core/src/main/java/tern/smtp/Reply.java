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

    /**
     * Reads back a reply written by {@link #toString()} ({@code 550 5.1.1 no such user}), as
     * journal events keep them. Text that does not start with a reply code becomes a 451.
     */
    public static Reply parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.length() >= 3 && Character.isDigit(t.charAt(0)) && Character.isDigit(t.charAt(1))
                && Character.isDigit(t.charAt(2)) && (t.length() == 3 || t.charAt(3) == ' ' || t.charAt(3) == '-')) {
            int code = Integer.parseInt(t.substring(0, 3));
            if (code >= 200 && code <= 599) {
                String rest = t.length() > 4 ? t.substring(4).strip() : "";
                int space = rest.indexOf(' ');
                String first = space < 0 ? rest : rest.substring(0, space);
                if (first.matches("[245]\\.\\d{1,3}\\.\\d{1,3}") && first.charAt(0) == t.charAt(0)) {
                    String after = space < 0 ? "" : rest.substring(space + 1).strip();
                    return new Reply(code, first, after.isEmpty() ? first : after);
                }
                return new Reply(code, null, rest.isEmpty() ? String.valueOf(code) : rest);
            }
        }
        return new Reply(451, "4.0.0", t.isEmpty() ? "unknown error" : t);
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
