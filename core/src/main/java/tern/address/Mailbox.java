package tern.address;

import java.util.Locale;
import java.util.Objects;

/**
 * An RFC 5321 / RFC 6531 mailbox: a local part and a domain.
 *
 * <p>The local part is kept exactly as received (case preserved, quoted form
 * unquoted). The domain is kept in lower case; an address literal keeps its
 * brackets ({@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]}).
 */
public record Mailbox(String localPart, String domain) {

    public Mailbox {
        Objects.requireNonNull(localPart, "localPart");
        Objects.requireNonNull(domain, "domain");
        domain = domain.toLowerCase(Locale.ROOT);
    }

    public boolean isAddressLiteral() {
        return domain.startsWith("[");
    }

    /** True when the local part needs quoting to be written on the wire. */
    public boolean needsQuoting() {
        if (localPart.isEmpty()) {
            return true;
        }
        boolean dotAllowed = false;
        for (int i = 0; i < localPart.length(); i++) {
            char c = localPart.charAt(i);
            if (c == '.') {
                if (!dotAllowed) {
                    return true;
                }
                dotAllowed = false;
            } else if (isAtext(c)) {
                dotAllowed = true;
            } else {
                return true;
            }
        }
        return !dotAllowed;
    }

    /**
     * The same mailbox with its domain in A-labels ({@code user@xn--bcher-kva.example}): what
     * goes on the wire, so that only a non-ASCII local part needs SMTPUTF8 from the next hop.
     * Itself when the domain is ASCII already, or is no valid IDN (then it stays as it came).
     */
    public Mailbox withAsciiDomain() {
        if (isAscii(domain)) {
            return this;
        }
        try {
            return new Mailbox(localPart, DomainName.toAscii(domain));
        } catch (IllegalArgumentException e) {
            return this;
        }
    }

    /** True when either part holds a non-ASCII character, which needs SMTPUTF8. */
    public boolean isInternationalized() {
        return !isAscii(localPart) || !isAscii(domain);
    }

    /** The mailbox as written inside angle brackets on the wire. */
    @Override
    public String toString() {
        if (!needsQuoting()) {
            return localPart + "@" + domain;
        }
        StringBuilder sb = new StringBuilder(localPart.length() + domain.length() + 4).append('"');
        for (int i = 0; i < localPart.length(); i++) {
            char c = localPart.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append("\"@").append(domain).toString();
    }

    static boolean isAtext(char c) {
        if (c >= 0x80) {
            return true; // RFC 6531 UTF8-non-ascii; only legal under SMTPUTF8, checked by the parser
        }
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
