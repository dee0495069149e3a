package tern.tls;

import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Does a server certificate name the host we meant to reach? RFC 6125 as RFC 7672 and
 * RFC 8461 apply it to SMTP, and as RFC 9525 tightened it: only the subjectAltName counts
 * (a DNS-ID for a host name, an IP address for an address-literal next hop), never the
 * subject's common name; a wildcard is a whole left-most label ({@code *.example.com}) and
 * stands for exactly one label. Names compare as A-labels, ASCII case-insensitively.
 */
public final class CertificateNames {
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    private CertificateNames() {
    }

    /**
     * @param reference the host name as the operator wrote it or as the MX record gave it
     *                  (A-labels), or an IP address for an address-literal next hop
     */
    public static boolean matches(X509Certificate certificate, String reference) {
        String ref = normalize(reference);
        InetAddress ip = ipLiteral(ref);
        for (List<?> san : subjectAltNames(certificate)) {
            int type = (Integer) san.get(0);
            Object value = san.get(1);
            if (ip != null && type == IP_ADDRESS && value instanceof String text && ip.equals(ipLiteral(text))) {
                return true;
            }
            if (ip == null && type == DNS_NAME && value instanceof String name && dnsIdMatches(normalize(name), ref)) {
                return true;
            }
        }
        return false;
    }

    /** The DNS and IP names a certificate presents, for a message that says what it names instead. */
    public static List<String> presented(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        for (List<?> san : subjectAltNames(certificate)) {
            int type = (Integer) san.get(0);
            if ((type == DNS_NAME || type == IP_ADDRESS) && san.get(1) instanceof String s) {
                names.add(s);
            }
        }
        return names;
    }

    static boolean dnsIdMatches(String presented, String reference) {
        if (presented.isEmpty() || reference.isEmpty()) {
            return false;
        }
        if (!presented.startsWith("*.")) {
            return presented.equals(reference);
        }
        String suffix = presented.substring(1); // ".example.com"
        // A wildcard under a single label (*.com) would match whole top-level domains.
        if (suffix.indexOf('.', 1) < 0) {
            return false;
        }
        int firstDot = reference.indexOf('.');
        return firstDot > 0 && reference.substring(firstDot).equals(suffix);
    }

    private static String normalize(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (n.startsWith("[") && n.endsWith("]")) {
            n = n.substring(1, n.length() - 1);
        }
        if (n.startsWith("ipv6:")) {
            n = n.substring(5);
        }
        n = n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
        try {
            return tern.address.DomainName.toAscii(n); // certificates carry A-labels
        } catch (IllegalArgumentException e) {
            return n;
        }
    }

    private static InetAddress ipLiteral(String s) {
        if (s.indexOf(':') < 0 && !(s.length() > 0 && Character.isDigit(s.charAt(s.length() - 1)))) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Collection<List<?>> subjectAltNames(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            return names == null ? List.of() : names;
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }
}
