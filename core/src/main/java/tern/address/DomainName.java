package tern.address;

import java.net.IDN;
import java.util.Locale;

/**
 * Domain names in the form DNS, routing and certificates use: A-labels (RFC 5890), lower
 * case, no trailing dot. An internationalized domain ({@code bücher.example}) may arrive in
 * an SMTPUTF8 address (RFC 6531) or be written so in the configuration; it is the same
 * domain as {@code xn--bcher-kva.example}, and every comparison and every lookup must see it
 * so. Local parts are never converted: only the domain has an ASCII form.
 *
 * <p>The conversion is {@link IDN#toASCII} (IDNA 2003 with its STD3 rules). For the names
 * mail uses the result is the same as UTS #46 non-transitional processing except for a few
 * characters such as {@code ß}, which IDNA 2003 maps to {@code ss}.
 */
public final class DomainName {
    private DomainName() {
    }

    /**
     * The A-label form of {@code domain}, lower case, without a trailing dot. An ASCII name
     * is only lower-cased (no STD3 check: that is the address parser's job); an address
     * literal ({@code [192.0.2.1]}) is returned lower-cased.
     *
     * @throws IllegalArgumentException when a non-ASCII name is not a valid IDN
     */
    public static String toAscii(String domain) {
        String d = domain;
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        if (isAscii(d) || d.startsWith("[")) {
            return d.toLowerCase(Locale.ROOT);
        }
        String ascii = IDN.toASCII(d, IDN.USE_STD3_ASCII_RULES);
        if (ascii.isEmpty()) {
            throw new IllegalArgumentException("not a domain name: " + domain);
        }
        return ascii.toLowerCase(Locale.ROOT);
    }

    /** Whether every character is ASCII: the common case, which needs no conversion. */
    public static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
