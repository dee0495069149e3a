package tern.smtp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** RFC 3461 4: xtext, the encoding of ENVID and ORCPT values ({@code +XX} for odd octets). */
public final class Xtext {
    private Xtext() {
    }

    /** Decodes xtext; null when it is not valid xtext. */
    public static String decode(String text) {
        ByteArrayOutputStream out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+') {
                if (i + 2 >= text.length()) {
                    return null;
                }
                int hi = hex(text.charAt(i + 1));
                int lo = hex(text.charAt(i + 2));
                if (hi < 0 || lo < 0) {
                    return null;
                }
                if (out == null) {
                    out = new ByteArrayOutputStream(text.length());
                    out.write(text.getBytes(StandardCharsets.US_ASCII), 0, i);
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c < 33 || c > 126 || c == '=') {
                return null;
            } else if (out != null) {
                out.write(c);
            }
        }
        return out == null ? text : out.toString(StandardCharsets.UTF_8);
    }

    /** Encodes text as xtext, for passing ENVID/ORCPT on. */
    public static String encode(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 33 || c > 126 || c == '+' || c == '=') {
                sb.append('+').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    // RFC 3461: hexchar = "+" 2(%x30-39 / %x41-46): upper-case hex only.
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
