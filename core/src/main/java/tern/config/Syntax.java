package tern.config;

import tern.address.IpLiterals;

/**
 * The shapes of names an operator writes in the configuration: domains, hosts with ports,
 * networks, addresses. Checks syntax only; nothing here resolves a name, so loading a
 * configuration never waits on DNS.
 */
public final class Syntax {
    private Syntax() {
    }

    /**
     * A domain name in LDH form (RFC 1035 2.3.1 as relaxed by RFC 1123 2.1): labels of letters,
     * digits and inner hyphens, 1-63 characters each, 253 in all. One label is allowed
     * (host names such as {@code localhost}). Non-ASCII letters pass, for RFC 6531 U-labels.
     */
    public static boolean isDomain(String s) {
        if (s == null || s.isEmpty() || s.length() > 253) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == '.') {
                int len = i - labelStart;
                if (len < 1 || len > 63 || s.charAt(labelStart) == '-' || s.charAt(i - 1) == '-') {
                    return false;
                }
                labelStart = i + 1;
                continue;
            }
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || (c >= 0x80 && Character.isLetterOrDigit(c));
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public static boolean isIp(String s) {
        return IpLiterals.isIpv4(s) || IpLiterals.isIpv6(s);
    }

    /** A name or an IP address, as a host to connect to or listen on. */
    public static boolean isHost(String s) {
        return isIp(s) || isDomain(s);
    }

    /** The port in {@code text}, or -1 when it is not a number from {@code min} to 65535. */
    public static int port(String text, int min) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        int port = Integer.parseInt(text);
        return port >= min && port <= 65535 ? port : -1;
    }

    /**
     * A next hop as written for the smart host and route domains: {@code [host-or-ip]} or
     * {@code [host-or-ip]:port} (brackets: connect to that host, no MX lookup), or {@code host}
     * or {@code host:port} (look up the MX of host first).
     */
    public static boolean isNextHop(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        String host = s;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                return false;
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty() && (!rest.startsWith(":") || port(rest.substring(1), 1) < 0)) {
                return false;
            }
            return isHost(host);
        }
        int colon = s.lastIndexOf(':');
        if (colon >= 0) {
            if (s.indexOf(':') != colon) {
                return false; // a bare IPv6 address is ambiguous with a port: it must be bracketed
            }
            if (port(s.substring(colon + 1), 1) < 0) {
                return false;
            }
            host = s.substring(0, colon);
        }
        return isHost(host);
    }

    /** A DNS server: {@code host}, {@code host:port}, {@code [v6]:port} or a bare IPv6 address. */
    public static boolean isServer(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        if (IpLiterals.isIpv6(s)) {
            return true;
        }
        return isNextHop(s);
    }

    /** A route domain: {@code partner.example} exactly, or {@code .partner.example} for its subdomains. */
    public static boolean isRouteDomain(String s) {
        return s != null && isDomain(s.startsWith(".") ? s.substring(1) : s);
    }

    /**
     * A network in CIDR notation ({@code 192.0.2.0/24}, {@code 2001:db8::/32}) or a single address.
     *
     * @return the network with its prefix length always written out, or null when it is not one
     */
    public static String cidr(String s) {
        if (s == null) {
            return null;
        }
        int slash = s.indexOf('/');
        String ip = slash < 0 ? s : s.substring(0, slash);
        int max;
        if (IpLiterals.isIpv4(ip)) {
            max = 32;
        } else if (IpLiterals.isIpv6(ip) && !ip.startsWith("[")) {
            max = 128;
        } else {
            return null;
        }
        if (slash < 0) {
            return ip + "/" + max;
        }
        String bits = s.substring(slash + 1);
        if (bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(Character::isDigit)
                || Integer.parseInt(bits) > max) {
            return null;
        }
        return ip + "/" + Integer.parseInt(bits);
    }

    /**
     * A mailbox {@code local-part@domain} (RFC 5321 4.1.2): a dot-atom or quoted local part and
     * a domain name or an address literal.
     */
    public static boolean isMailbox(String s) {
        if (s == null) {
            return false;
        }
        int at = s.lastIndexOf('@');
        if (at <= 0 || at == s.length() - 1) {
            return false;
        }
        String local = s.substring(0, at);
        String domain = s.substring(at + 1);
        boolean domainOk = domain.startsWith("[") && domain.endsWith("]")
                ? isAddressLiteral(domain.substring(1, domain.length() - 1))
                : isDomain(domain);
        return domainOk && local.length() <= 64 && (isDotAtom(local) || isQuotedString(local));
    }

    private static boolean isAddressLiteral(String inner) {
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
            return IpLiterals.isIpv6(inner.substring(5));
        }
        return IpLiterals.isIpv4(inner);
    }

    private static boolean isDotAtom(String s) {
        boolean dotAllowed = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (!dotAllowed) {
                    return false;
                }
                dotAllowed = false;
            } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0 || c >= 0x80) {
                dotAllowed = true;
            } else {
                return false;
            }
        }
        return dotAllowed;
    }

    private static boolean isQuotedString(String s) {
        if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
            return false;
        }
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
                if (i >= s.length() - 1) {
                    return false;
                }
            } else if (c == '"' || c < 32 || c == 127) {
                return false;
            }
        }
        return true;
    }
}
