package tern.dsn;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growing byte array that mail is written into, line by line, with CRLF endings
 * and folding that keeps every line within the RFC 5322 2.1.1 limit of 998 octets.
 */
final class Octets {

    /** RFC 5322 2.1.1 SHOULD: 78 characters, so that a report reads well in any client. */
    static final int SOFT_LIMIT = 78;
    /**
     * Where a word without spaces is cut: a char is at most 3 UTF-8 octets (a surrogate pair
     * is 4 octets for 2 chars), so a field name or indent plus 250 chars stays below the
     * 998-octet MUST of RFC 5322 2.1.1.
     */
    static final int HARD_LIMIT = 250;

    private byte[] bytes;
    private int size;

    Octets(int capacity) {
        bytes = new byte[Math.max(capacity, 64)];
    }

    Octets append(String s) {
        return append(s, 0, s.length());
    }

    Octets append(String s, int from, int to) {
        ensure(to - from);
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                // Rare: only addresses and reply texts with UTF-8. Encode the rest in one go.
                return appendUtf8(s.substring(i, to));
            }
            bytes[size++] = (byte) c;
        }
        return this;
    }

    private Octets appendUtf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return append(b, 0, b.length);
    }

    Octets append(byte[] b, int from, int to) {
        ensure(to - from);
        System.arraycopy(b, from, bytes, size, to - from);
        size += to - from;
        return this;
    }

    Octets append(Octets other) {
        return append(other.bytes, 0, other.size);
    }

    Octets crlf() {
        ensure(2);
        bytes[size++] = '\r';
        bytes[size++] = '\n';
        return this;
    }

    Octets line(String s) {
        return append(s).crlf();
    }

    /**
     * A header field (or DSN field), folded at spaces before the soft limit (RFC 5322 2.2.3:
     * a CRLF is inserted before a space, so unfolding gives the value back). Control
     * characters in {@code value} become spaces: reply texts come from remote servers, and a
     * bare CR or LF would let them add fields of their own.
     */
    Octets field(String name, String value) {
        append(name).append(": ");
        wrap(clean(value), name.length() + 2, "\r\n ");
        return crlf();
    }

    /**
     * A paragraph of body text, wrapped at spaces before the soft limit; continuation lines
     * start with {@code indent}.
     */
    Octets text(String paragraph, String indent) {
        wrap(clean(paragraph), 0, "\r\n" + indent);
        return crlf();
    }

    private void wrap(String value, int column, String breakWith) {
        int indent = breakWith.length() - 2;
        int n = value.length();
        int i = 0;
        boolean first = true;
        while (true) {
            int space = value.indexOf(' ', i);
            int end = space < 0 ? n : space;
            if (!first) {
                if (end > i && column > indent && column + 1 + (end - i) > SOFT_LIMIT) {
                    append(breakWith);
                    column = indent;
                } else {
                    append(" ");
                    column++;
                }
            }
            while (end - i > HARD_LIMIT) {
                int cut = i + HARD_LIMIT;
                if (Character.isLowSurrogate(value.charAt(cut))) {
                    cut--;
                }
                append(value, i, cut).append(breakWith);
                column = indent;
                i = cut;
            }
            append(value, i, end);
            column += end - i;
            first = false;
            if (space < 0) {
                return;
            }
            i = end + 1;
        }
    }

    static String clean(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                StringBuilder sb = new StringBuilder(s);
                for (int j = i; j < sb.length(); j++) {
                    char d = sb.charAt(j);
                    if (d < 0x20 || d == 0x7f) {
                        sb.setCharAt(j, ' ');
                    }
                }
                return sb.toString();
            }
        }
        return s;
    }

    boolean contains8bit() {
        for (int i = 0; i < size; i++) {
            if (bytes[i] < 0) {
                return true;
            }
        }
        return false;
    }

    int size() {
        return size;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
