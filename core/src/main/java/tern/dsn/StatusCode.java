package tern.dsn;

import tern.smtp.Reply;

/**
 * An RFC 3463 enhanced status code, {@code class.subject.detail}: the value of a DSN's
 * {@code Status:} field.
 */
public record StatusCode(int statusClass, int subject, int detail) {

    public StatusCode {
        if (statusClass != 2 && statusClass != 4 && statusClass != 5) {
            throw new IllegalArgumentException("status class must be 2, 4 or 5, not " + statusClass);
        }
        if (subject < 0 || subject > 999 || detail < 0 || detail > 999) {
            throw new IllegalArgumentException("subject and detail are 1 to 3 digits");
        }
    }

    public static final StatusCode DELIVERED = new StatusCode(2, 0, 0);
    public static final StatusCode TRANSIENT = new StatusCode(4, 0, 0);
    public static final StatusCode PERMANENT = new StatusCode(5, 0, 0);
    /** Delivery time expired, as a transient class: the status of a recipient that ran out of time. */
    public static final StatusCode EXPIRED_TRANSIENT = new StatusCode(4, 4, 7);

    /**
     * Parses {@code "5.1.1"}.
     *
     * @throws IllegalArgumentException if {@code text} is not an enhanced status code
     */
    public static StatusCode parse(String text) {
        StatusCode code = find(text);
        if (code == null || !code.toString().equals(text)) { // also refuses leading zeros: "5.01.1"
            throw new IllegalArgumentException("not an enhanced status code: \"" + text + "\"");
        }
        return code;
    }

    /**
     * The status a reply reports: its enhanced code (carried separately or at the start of
     * its text, RFC 2034 4) when that agrees with the reply code's class, else the generic
     * code of the class (RFC 3463 3.1 / 3.2): {@code 4.0.0} or {@code 5.0.0}.
     */
    public static StatusCode of(Reply reply) {
        int replyClass = reply.code() / 100;
        StatusCode code = reply.status() != null ? find(reply.status()) : find(reply.lines().getFirst());
        if (code != null && code.statusClass == replyClass) {
            return code;
        }
        return derive(reply.code());
    }

    /** The generic status of a reply code without an enhanced code. */
    public static StatusCode derive(int replyCode) {
        return switch (replyCode / 100) {
            case 2, 3 -> DELIVERED;
            case 4 -> TRANSIENT;
            default -> PERMANENT;
        };
    }

    /** The code at the start of {@code text} (followed by nothing or a space), or null. */
    public static StatusCode find(String text) {
        int[] parts = new int[3];
        int i = 0;
        for (int p = 0; p < 3; p++) {
            int start = i;
            int value = 0;
            while (i < text.length() && Character.isDigit(text.charAt(i)) && text.charAt(i) < 0x80) {
                value = value * 10 + (text.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > (p == 0 ? 1 : 3)) {
                return null;
            }
            parts[p] = value;
            if (p < 2) {
                if (i >= text.length() || text.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
        }
        if (i < text.length() && text.charAt(i) != ' ') {
            return null;
        }
        if (parts[0] != 2 && parts[0] != 4 && parts[0] != 5) {
            return null;
        }
        return new StatusCode(parts[0], parts[1], parts[2]);
    }

    @Override
    public String toString() {
        return statusClass + "." + subject + "." + detail;
    }
}
