package tern.route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tern.address.DomainName;
import tern.address.Mailbox;
import tern.config.TernConfig;

/**
 * Decides the route of a recipient, in this order (the first that applies wins):
 * <ol>
 *   <li>a local domain ({@code domains.local}, exact names) → {@link Route.Local};</li>
 *   <li>an address literal ({@code user@[192.0.2.1]}) → the smart host when one is set (as
 *       IIS and Postfix's {@code relayhost} do: where a smart host exists, direct connections
 *       out are usually blocked), through the literal first with
 *       {@code attemptDirectBeforeSmartHost}; without a smart host → that address, no MX
 *       lookup (RFC 5321 5.1). Route domains are names and never match a literal;</li>
 *   <li>a route domain ({@code routes[]}) → its next hop. {@code partner.example} matches
 *       that name only; {@code .partner.example} matches every name below it
 *       ({@code eu.partner.example}, {@code a.b.partner.example}) but NOT
 *       {@code partner.example} itself: Postfix's {@code transport(5)} convention, which lets
 *       an operator send the parent and its subdomains to different hosts. List both to
 *       cover both. When several entries match, the most specific wins: the exact name,
 *       then the longest {@code .suffix}. A route domain overrides the smart host;</li>
 *   <li>the smart host ({@code delivery.smartHost}) → {@link Route.Relay}; with
 *       {@code attemptDirectBeforeSmartHost} → {@link Route.DirectThenSmartHost};</li>
 *   <li>otherwise → {@link Route.Mx}: MX lookup of the recipient's domain.</li>
 * </ol>
 * Domain names compare case-insensitively and a trailing dot is ignored. The decision costs
 * one hash probe per label of the recipient's domain, however many route domains there are.
 * Immutable and thread-safe.
 */
public final class Router {

    private final DomainTable table;
    private final NextHop smartHost;
    private final boolean directBeforeSmartHost;
    private final int port;

    /**
     * @throws IllegalArgumentException naming the configuration key, for a bad next hop,
     *                                  a bad route domain or a route domain listed twice
     */
    public Router(TernConfig config) {
        this(config.domains().local(), config.routes(), config.delivery().smartHost(),
                config.delivery().attemptDirectBeforeSmartHost(), config.delivery().port());
    }

    public Router(List<String> localDomains, List<TernConfig.Route> routes, String smartHost,
                  boolean attemptDirectBeforeSmartHost, int port) {
        this.port = port;
        this.directBeforeSmartHost = attemptDirectBeforeSmartHost;
        this.smartHost = smartHost == null ? null : parseHop("delivery.smartHost", smartHost, port);
        Map<String, DomainTable.Entry> entries = new LinkedHashMap<>();
        for (String local : localDomains) {
            String name = normalize(local);
            entries.merge(name, new DomainTable.Entry(name, true, null, null, null, null), Router::combine);
        }
        for (int i = 0; i < routes.size(); i++) {
            TernConfig.Route r = routes.get(i);
            String key = "routes[" + i + "]";
            if (r.domain() == null) {
                throw new IllegalArgumentException(key + ": needs a domain");
            }
            if (r.nextHop() == null) {
                continue; // limits only (connections, rate): its mail goes the usual way
            }
            NextHop hop = parseHop(key + ".nextHop", r.nextHop(), port);
            String written = r.domain().strip();
            boolean subdomains = written.startsWith(".");
            String name = routeDomain(key + ".domain", subdomains ? written.substring(1) : written);
            String as = subdomains ? "." + name : name;
            DomainTable.Entry entry = subdomains
                    ? new DomainTable.Entry(name, false, null, null, hop, as)
                    : new DomainTable.Entry(name, false, hop, as, null, null);
            DomainTable.Entry before = entries.get(name);
            if (before != null && ((subdomains && before.subdomains() != null) || (!subdomains && before.exact() != null))) {
                throw new IllegalArgumentException(key + ".domain: route domain " + as + " is listed twice");
            }
            entries.merge(name, entry, Router::combine);
        }
        this.table = new DomainTable(new ArrayList<>(entries.values()), entries.size());
    }

    public Route route(Mailbox recipient) {
        return route(recipient.domain());
    }

    /**
     * @param domain a domain name or an address literal in brackets
     * @throws IllegalArgumentException for an empty domain or an address literal that is
     *                                  not an IPv4 or IPv6 address
     */
    public Route route(String domain) {
        // A-labels: bücher.example and xn--bcher-kva.example are one domain (RFC 5890). For an
        // ASCII name this is toLowerCase, which returns the same String when already lower case.
        String d = DomainName.toAscii(domain);
        int to = d.length();
        if (to > 0 && d.charAt(to - 1) == '.') {
            to--;
        }
        if (to == 0) {
            throw new IllegalArgumentException("no domain to route");
        }
        if (d.charAt(0) == '[') {
            return addressLiteral(d.substring(0, to));
        }
        // Walk the labels from the right: each '.'-bounded suffix is looked up with the hash
        // built so far, and every later (leftward) hit is more specific than the one before.
        DomainTable.Entry subdomainHit = null;
        int hash = 0;
        int power = 1;
        for (int i = to - 1; i >= 0; i--) {
            hash += d.charAt(i) * power;
            power *= 31;
            if (i == 0) {
                DomainTable.Entry e = table.find(d, 0, to, hash);
                if (e != null && e.local()) {
                    return new Route.Local(name(d, to));
                }
                if (e != null && e.exact() != null) {
                    return new Route.Relay(e.exact(), Route.Reason.ROUTE_DOMAIN, e.exactAs());
                }
            } else if (d.charAt(i - 1) == '.') {
                DomainTable.Entry e = table.find(d, i, to, hash);
                if (e != null && e.subdomains() != null) {
                    subdomainHit = e;
                }
            }
        }
        if (subdomainHit != null) {
            return new Route.Relay(subdomainHit.subdomains(), Route.Reason.ROUTE_DOMAIN, subdomainHit.subdomainsAs());
        }
        if (smartHost != null) {
            return directBeforeSmartHost
                    ? new Route.DirectThenSmartHost(name(d, to), smartHost)
                    : new Route.Relay(smartHost, Route.Reason.SMART_HOST, name(d, to));
        }
        return new Route.Mx(name(d, to));
    }

    /** The smart host, or null when none is configured. */
    public NextHop smartHost() {
        return smartHost;
    }

    private Route addressLiteral(String literal) {
        if (table.find(literal, 0, literal.length()) instanceof DomainTable.Entry e && e.local()) {
            return new Route.Local(literal);
        }
        NextHop hop;
        try {
            hop = NextHop.parse(literal, port);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("address literal " + literal + " is not an IPv4 or IPv6 address");
        }
        if (!hop.isIpAddress()) {
            throw new IllegalArgumentException("address literal " + literal + " is not an IPv4 or IPv6 address");
        }
        Route.Relay direct = new Route.Relay(hop, Route.Reason.ADDRESS_LITERAL, literal);
        if (smartHost == null) {
            return direct;
        }
        return directBeforeSmartHost
                ? new Route.DirectThenSmartHost(direct, smartHost)
                : new Route.Relay(smartHost, Route.Reason.SMART_HOST, literal);
    }

    private static String name(String d, int to) {
        return to == d.length() ? d : d.substring(0, to);
    }

    private static NextHop parseHop(String key, String text, int port) {
        try {
            return NextHop.parse(text, port);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    private static String routeDomain(String key, String name) {
        try {
            return NextHop.hostName(name, name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage().replace("bad next hop", "bad domain"), e);
        }
    }

    private static String normalize(String domain) {
        return DomainName.toAscii(domain.strip());
    }

    private static DomainTable.Entry combine(DomainTable.Entry a, DomainTable.Entry b) {
        return new DomainTable.Entry(a.name(), a.local() || b.local(),
                a.exact() != null ? a.exact() : b.exact(), a.exactAs() != null ? a.exactAs() : b.exactAs(),
                a.subdomains() != null ? a.subdomains() : b.subdomains(),
                a.subdomainsAs() != null ? a.subdomainsAs() : b.subdomainsAs());
    }
}
