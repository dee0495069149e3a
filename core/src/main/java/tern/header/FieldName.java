package tern.header;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** A header field name, matched at the start of a header line as RFC 5322 3.6.8 and 4.5 allow. */
final class FieldName {

    private final byte[] lower;

    FieldName(String name) {
        this.lower = name.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Whether the line at {@code m[i]} starts this field: the name in any case, optional blanks
     * (the obsolete syntax, still met in the wild), then ":".
     */
    boolean startsLine(byte[] m, int i, int end) {
        if (end - i < lower.length + 1) {
            return false;
        }
        for (int k = 0; k < lower.length; k++) {
            if ((m[i + k] | 0x20) != lower[k]) {
                return false;
            }
        }
        int j = i + lower.length;
        while (j < end && (m[j] == ' ' || m[j] == '\t')) {
            j++;
        }
        return j < end && m[j] == ':';
    }
}
