package tern.route;

import java.net.Inet6Address;
import java.util.Locale;
import java.util.Objects;
import tern.address.DomainName;

/**
 * Where a delivery attempt connects to: the value of {@code delivery.smartHost} and of
 * {@code routes[].nextHop}.
 *
 * <p>The written forms follow the convention of Postfix's {@code relayhost} and of the
 * Microsoft SMTP virtual server's smart host field:
 * <ul>
 *   <li>{@code host} or {@code host:port}: look up the MX records of {@code host}, then
 *       the A/AAAA records of the exchangers (RFC 5321 5.1), as for any mail domain;</li>
 *   <li>{@code [host]} or {@code [host]:port}: no MX lookup; connect to the A/AAAA records
 *       of {@code host} itself;</li>
 *   <li>{@code [192.0.2.1]}, {@code [192.0.2.1]:2525}: connect to that IPv4 address;</li>
 *   <li>{@code [::1]:2525}, {@code [2001:db8::1]}, and the RFC 5321 4.1.3 address-literal
 *       spelling {@code [IPv6:2001:db8::1]}: connect to that IPv6 address. Both spellings
 *       are accepted because operators copy both from their notes; the tag is dropped.</li>
 * </ul>
 * An IP address must be written in brackets: {@code 10.0.0.1:25} is refused rather than
 * guessed at, since an MX lookup of an address is never what was meant. IPv6 scope ids
 * ({@code %eth0}) are refused: they name an interface of one machine, not a host.
 * The port defaults to {@code delivery.port}.
 *
 * @param host      a lower-case host name without trailing dot, or an IP address without brackets
 * @param port      1 to 65535
 * @param mxLookup  whether {@code host} is a mail domain whose MX records are looked up first
 */
public record NextHop(String host, int port, boolean mxLookup) {

    public NextHop {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be from 1 to 65535, not " + port);
        }
        if (mxLookup && isIpAddress(host)) {
            throw new IllegalArgumentException("an IP address has no MX records: " + host);
        }
    }

    /** A next hop at an IP address (an address-literal domain such as {@code [192.0.2.1]}). */
    public static NextHop address(String ip, int port) {
        return new NextHop(ip, port, false);
    }

    /**
     * Parses the written form (see the class comment).
     *
     * @throws IllegalArgumentException with a message that says what was expected
     */
    public static NextHop parse(String text, int defaultPort) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("expected a next hop such as \"[10.0.0.1]:25\" or \"relay.example\", got nothing");
        }
        String s = text.strip();
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw bad(text, "a '[' without its closing ']'");
            }
            String inside = s.substring(1, close);
            int port = portAfter(text, s, close + 1, defaultPort);
            return new NextHop(bracketedHost(text, inside), port, false);
        }
        if (s.indexOf(']') >= 0) {
            throw bad(text, "a ']' without its opening '['");
        }
        int colon = s.indexOf(':');
        if (colon >= 0 && s.indexOf(':', colon + 1) >= 0) {
            throw bad(text, "an IPv6 address must be written in brackets, e.g. \"[2001:db8::1]:25\"");
        }
        String name = colon < 0 ? s : s.substring(0, colon);
        int port = colon < 0 ? defaultPort : portAfter(text, s, colon, defaultPort);
        if (isIpv4(name)) {
            throw bad(text, "an IP address must be written in brackets (no MX lookup), e.g. \"[" + name + "]\"");
        }
        return new NextHop(hostName(text, name), port, true);
    }

    public boolean isIpAddress() {
        return isIpAddress(host);
    }

    /** The written form with the port always shown: {@code [10.0.0.1]:25}, {@code relay.example:25}. */
    @Override
    public String toString() {
        return mxLookup ? host + ":" + port : "[" + host + "]:" + port;
    }

    private static String bracketedHost(String text, String inside) {
        if (inside.isEmpty()) {
            throw bad(text, "a host or an IP address inside the brackets");
        }
        if (inside.regionMatches(true, 0, "IPv6:", 0, 5)) {
            return ipv6(text, inside.substring(5));
        }
        if (inside.indexOf(':') >= 0) {
            return ipv6(text, inside);
        }
        if (isIpv4(inside)) {
            return inside;
        }
        if (looksNumeric(inside)) {
            throw bad(text, "an IPv4 address of four numbers from 0 to 255, e.g. [192.0.2.1]");
        }
        return hostName(text, inside);
    }

    private static String ipv6(String text, String literal) {
        if (literal.indexOf('%') >= 0) {
            throw bad(text, "an IPv6 address without a scope id (%...)");
        }
        try {
            Inet6Address.ofLiteral(literal); // parses only, never resolves
        } catch (IllegalArgumentException e) {
            throw bad(text, "a valid IPv6 address inside the brackets");
        }
        return literal.toLowerCase(Locale.ROOT);
    }

    private static int portAfter(String text, String s, int at, int defaultPort) {
        if (at == s.length()) {
            return defaultPort;
        }
        if (s.charAt(at) != ':') {
            throw bad(text, "\":port\" after the host");
        }
        String digits = s.substring(at + 1);
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw bad(text, "a numeric port from 1 to 65535");
        }
        int port = Integer.parseInt(digits);
        if (port < 1 || port > 65535) {
            throw bad(text, "a numeric port from 1 to 65535");
        }
        return port;
    }

    /** RFC 1035 2.3.1 letters-digits-hyphen labels; an IDN written in U-labels becomes its A-labels (xn--). */
    static String hostName(String text, String name) {
        String h = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (!DomainName.isAscii(h)) {
            try {
                h = DomainName.toAscii(h);
            } catch (IllegalArgumentException e) {
                throw bad(text, "a valid internationalized host name");
            }
        }
        if (h.isEmpty() || h.length() > 253) {
            throw bad(text, "a host name of 1 to 253 characters");
        }
        int labelStart = 0;
        for (int i = 0; i <= h.length(); i++) {
            if (i == h.length() || h.charAt(i) == '.') {
                int len = i - labelStart;
                if (len == 0 || len > 63) {
                    throw bad(text, "a host name whose labels are 1 to 63 characters");
                }
                if (h.charAt(labelStart) == '-' || h.charAt(i - 1) == '-') {
                    throw bad(text, "a host name whose labels do not start or end with '-'");
                }
                labelStart = i + 1;
                continue;
            }
            char c = h.charAt(i);
            boolean ldh = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
            if (!ldh) {
                throw bad(text, c >= 0x80
                        ? "a host name in ASCII (write an internationalized name in its xn-- form)"
                        : "a host name of letters, digits, '-' and '.', not '" + c + "'");
            }
        }
        return h.toLowerCase(Locale.ROOT);
    }

    static boolean isIpAddress(String host) {
        return host.indexOf(':') >= 0 || isIpv4(host);
    }

    static boolean isIpv4(String s) {
        int parts = 0;
        int value = -1;
        int digits = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i == s.length() ? '.' : s.charAt(i);
            if (c == '.') {
                if (digits == 0 || value > 255 || (digits > 1 && s.charAt(i - digits) == '0')) {
                    return false;
                }
                parts++;
                value = -1;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (++digits > 3) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return parts == 4;
    }

    private static boolean looksNumeric(String s) {
        return s.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    private static IllegalArgumentException bad(String text, String expected) {
        return new IllegalArgumentException("bad next hop \"" + text + "\": expected " + expected);
    }
}
