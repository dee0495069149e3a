package tern.address;

import java.nio.charset.StandardCharsets;

/**
 * Reads the Path of MAIL FROM and RCPT TO (RFC 5321 4.1.2, with RFC 6531's UTF-8).
 *
 * <pre>
 * Path     = "&lt;" [ A-d-l ":" ] Mailbox "&gt;"      A-d-l is a source route: accepted, ignored
 * Mailbox  = Local-part "@" ( Domain / address-literal )
 * Local-part = Dot-string / Quoted-string
 * </pre>
 *
 * <p>A hand-written scanner rather than a regular expression: it runs once per MAIL and
 * RCPT, and it has to say exactly where the path ends, because ESMTP parameters follow.
 * Limits from RFC 5321 4.5.3.1: local part 64 octets, domain 255, path 256.
 */
public final class AddressParser {

    private static final int MAX_LOCAL_PART = 64;
    private static final int MAX_DOMAIN = 255;
    private static final int MAX_PATH = 256;

    private AddressParser() {
    }

    /**
     * A parsed path and where it ended in the text.
     *
     * @param mailbox the mailbox, or null for the null path {@code <>}
     * @param end     index just after the closing {@code >}
     */
    public record ParsedPath(Mailbox mailbox, int end) {
    }

    /**
     * Parses the path that starts at {@code text[from]}, which must be {@code <}.
     *
     * @param allowNull   whether {@code <>} is acceptable (MAIL FROM only)
     * @param smtpUtf8    whether the transaction declared SMTPUTF8; without it a non-ASCII
     *                    address fails with {@link InvalidAddressException#smtpUtf8Required()}
     */
    public static ParsedPath parsePath(String text, int from, boolean allowNull, boolean smtpUtf8)
            throws InvalidAddressException {
        int i = from;
        int n = text.length();
        if (i >= n || text.charAt(i) != '<') {
            throw new InvalidAddressException("path must start with <");
        }
        i++;
        if (i < n && text.charAt(i) == '>') {
            if (!allowNull) {
                throw new InvalidAddressException("null path not allowed here");
            }
            return new ParsedPath(null, i + 1);
        }
        if (i < n && text.charAt(i) == '@') {
            i = skipSourceRoute(text, i);
        }
        StringBuilder local = new StringBuilder(32);
        i = text.startsWith("\"", i) ? quotedString(text, i, local) : dotString(text, i, local);
        if (i >= n || text.charAt(i) != '@') {
            throw new InvalidAddressException("expected @ after the local part");
        }
        i++;
        int domainStart = i;
        i = text.startsWith("[", i) ? addressLiteral(text, i) : domain(text, i);
        if (i >= n || text.charAt(i) != '>') {
            throw new InvalidAddressException("expected > after the domain");
        }
        String domain = text.substring(domainStart, i);
        String localPart = local.toString();
        if (utf8Length(localPart) > MAX_LOCAL_PART) {
            throw new InvalidAddressException("local part longer than 64 octets");
        }
        if (utf8Length(domain) > MAX_DOMAIN) {
            throw new InvalidAddressException("domain longer than 255 octets");
        }
        if (utf8Length(localPart) + 1 + utf8Length(domain) + 2 > MAX_PATH) {
            throw new InvalidAddressException("path longer than 256 octets");
        }
        Mailbox mailbox = new Mailbox(localPart, domain);
        if (!smtpUtf8 && mailbox.isInternationalized()) {
            throw InvalidAddressException.smtpUtf8Required();
        }
        return new ParsedPath(mailbox, i + 1);
    }

    /** Convenience for tests and tools: the whole text must be exactly one path. */
    public static Mailbox parseMailbox(String path, boolean smtpUtf8) throws InvalidAddressException {
        ParsedPath parsed = parsePath(path, 0, false, smtpUtf8);
        if (parsed.end() != path.length()) {
            throw new InvalidAddressException("text after the path");
        }
        return parsed.mailbox();
    }

    // A-d-l ":"  where A-d-l = At-domain *( "," At-domain ), At-domain = "@" Domain (RFC 5321 4.1.2;
    // obsolete, so receivers MUST accept and SHOULD ignore it).
    private static int skipSourceRoute(String text, int i) throws InvalidAddressException {
        while (true) {
            if (i >= text.length() || text.charAt(i) != '@') {
                throw new InvalidAddressException("bad source route");
            }
            i = domain(text, i + 1);
            if (i >= text.length()) {
                throw new InvalidAddressException("unterminated source route");
            }
            char c = text.charAt(i);
            if (c == ':') {
                return i + 1;
            }
            if (c != ',') {
                throw new InvalidAddressException("bad source route");
            }
            i++;
        }
    }

    private static int dotString(String text, int i, StringBuilder out) throws InvalidAddressException {
        int n = text.length();
        boolean atomStarted = false;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '.') {
                if (!atomStarted) {
                    throw new InvalidAddressException("empty atom in local part");
                }
                atomStarted = false;
            } else if (Mailbox.isAtext(c)) {
                atomStarted = true;
            } else {
                break;
            }
            out.append(c);
            i++;
        }
        if (!atomStarted) {
            throw new InvalidAddressException(out.isEmpty() ? "empty local part" : "local part ends with a dot");
        }
        return i;
    }

    // Quoted-string = DQUOTE *QcontentSMTP DQUOTE; qtextSMTP = %d32-33 / %d35-91 / %d93-126
    // (plus UTF8-non-ascii, RFC 6531); quoted-pairSMTP = "\" %d32-126.
    private static int quotedString(String text, int i, StringBuilder out) throws InvalidAddressException {
        int n = text.length();
        i++; // opening quote
        while (i < n) {
            char c = text.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                if (i + 1 >= n) {
                    break;
                }
                char q = text.charAt(i + 1);
                if ((q < 32 || q > 126) && q < 0x80) {
                    throw new InvalidAddressException("bad quoted pair");
                }
                out.append(q);
                i += 2;
                continue;
            }
            if ((c < 32 || c > 126) && c < 0x80) {
                throw new InvalidAddressException("control character in quoted local part");
            }
            out.append(c);
            i++;
        }
        throw new InvalidAddressException("unterminated quoted local part");
    }

    /** Domain = sub-domain *("." sub-domain); sub-domain = Let-dig [Ldh-str] (or a U-label, RFC 6531). */
    static int domain(String text, int i) throws InvalidAddressException {
        int n = text.length();
        int start = i;
        while (true) {
            int labelStart = i;
            while (i < n) {
                char c = text.charAt(i);
                if (isLetDig(c) || c >= 0x80 || (c == '-' && i > labelStart)) {
                    i++;
                } else {
                    break;
                }
            }
            if (i == labelStart) {
                throw new InvalidAddressException("empty domain label");
            }
            if (text.charAt(i - 1) == '-') {
                throw new InvalidAddressException("domain label ends with a hyphen");
            }
            if (i - labelStart > 63) {
                throw new InvalidAddressException("domain label longer than 63 octets");
            }
            if (i < n && text.charAt(i) == '.') {
                i++;
                continue;
            }
            if (i - start > MAX_DOMAIN) {
                throw new InvalidAddressException("domain longer than 255 octets");
            }
            return i;
        }
    }

    // address-literal = "[" ( IPv4-address-literal / IPv6-address-literal ) "]". The general
    // form (Standardized-tag ":" dcontent) names nothing we could deliver to, so it is refused.
    private static int addressLiteral(String text, int i) throws InvalidAddressException {
        int close = text.indexOf(']', i);
        if (close < 0) {
            throw new InvalidAddressException("unterminated address literal");
        }
        String inside = text.substring(i + 1, close);
        if (inside.regionMatches(true, 0, "IPv6:", 0, 5)) {
            if (!IpLiterals.isIpv6(inside.substring(5))) {
                throw new InvalidAddressException("bad IPv6 address literal");
            }
        } else if (!IpLiterals.isIpv4(inside)) {
            throw new InvalidAddressException("bad address literal");
        }
        return close + 1;
    }

    private static boolean isLetDig(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static int utf8Length(String s) {
        int ascii = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return s.getBytes(StandardCharsets.UTF_8).length;
            }
            ascii++;
        }
        return ascii;
    }
}
