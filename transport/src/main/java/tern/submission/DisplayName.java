package tern.submission;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A person's name as the display name of an address in a header field (RFC 5322 3.2.5, RFC 2047). */
final class DisplayName {
    private DisplayName() {
    }

    /**
     * {@code name} as a phrase: as it is when it is plain words, in quotes when it has
     * specials, and as an RFC 2047 encoded-word when it is not ASCII.
     */
    static String phrase(String name) {
        boolean ascii = name.chars().allMatch(c -> c >= 32 && c < 127);
        if (!ascii) {
            return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(name.getBytes(StandardCharsets.UTF_8)) + "?=";
        }
        boolean atoms = name.chars().allMatch(c -> c == ' ' || Character.isLetterOrDigit(c)
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0);
        if (atoms) {
            return name;
        }
        return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
