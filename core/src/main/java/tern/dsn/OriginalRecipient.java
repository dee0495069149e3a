package tern.dsn;

/**
 * The ORCPT parameter (RFC 3461 4.2) turned into the value of an {@code Original-Recipient}
 * field (RFC 3464 2.3.1): the address type as the client gave it, and the address with its
 * SMTP encoding undone, xtext {@code +HH} (RFC 3461 4) and, for the {@code utf-8} type,
 * {@code \x{HEX}} (RFC 6533 3). A DSN is a message body, where the address travels as text.
 */
final class OriginalRecipient {
    private OriginalRecipient() {
    }

    static String decode(String orcpt) {
        int semicolon = orcpt.indexOf(';');
        if (semicolon < 0) {
            return "rfc822; " + orcpt.strip(); // not RFC 3461 syntax; keep what was given
        }
        String type = orcpt.substring(0, semicolon).strip();
        String address = orcpt.substring(semicolon + 1).strip();
        StringBuilder out = new StringBuilder(address.length());
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c == '+' && hex(address, i + 1, i + 3) >= 0) {
                out.append((char) hex(address, i + 1, i + 3));
                i += 2;
            } else if (c == '\\' && type.equalsIgnoreCase("utf-8") && address.startsWith("x{", i + 1)) {
                int close = address.indexOf('}', i + 3);
                int cp = close < 0 ? -1 : hex(address, i + 3, close);
                if (cp >= 0 && Character.isValidCodePoint(cp)) {
                    out.appendCodePoint(cp);
                    i = close;
                } else {
                    out.append(c);
                }
            } else {
                out.append(c);
            }
        }
        return type + "; " + out;
    }

    private static int hex(String s, int from, int to) {
        if (to > s.length() || to <= from || to - from > 6) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < to; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0 || s.charAt(i) >= 0x80) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }
}
