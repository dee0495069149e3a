package tern.queue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tern.address.DomainName;
import tern.config.TernConfig;
import tern.route.Destination;
import tern.route.Route;

/**
 * The traffic shaping of {@code routes[]} (the IIS console's remote-domain table): which
 * destination a recipient's delivery belongs to, and each destination's limits.
 *
 * <p>A route domain's mail is a destination of its own, whatever its next hop (its own, or
 * the usual way: smart host or MX), so its {@code connections} and {@code rate} hold for
 * that domain's mail alone. Matching is the router's: {@code partner.example} exactly,
 * {@code .partner.example} every name below it, the most specific first. Every other
 * destination gets {@code delivery.connections.perDomain} and no rate. Immutable: a reload
 * builds a new one, and the dispatch asks it again at every decision.
 */
public final class DestinationLimits implements Function<Destination, Dispatch.Limits> {

    private final Dispatch.Limits remote;
    private final Dispatch.Limits local;
    private final Map<String, Destination> exact = new HashMap<>();
    private final Map<String, Destination> below = new HashMap<>();
    private final Map<Destination, Dispatch.Limits> byRoute = new HashMap<>();

    public DestinationLimits(int perDomain, List<TernConfig.Route> routes) {
        this.remote = new Dispatch.Limits(perDomain, null, true);
        this.local = new Dispatch.Limits(perDomain, null, false);
        for (TernConfig.Route r : routes) {
            String written = r.domain().strip();
            boolean subdomains = written.startsWith(".");
            String name = normalize(subdomains ? written.substring(1) : written);
            Destination d = new Destination("route " + (subdomains ? "." : "") + name);
            (subdomains ? below : exact).put(name, d);
            Duration interval = r.rate() == null ? null : r.rate().interval();
            byRoute.put(d, new Dispatch.Limits(r.connections() == null ? perDomain : r.connections(), interval, true));
        }
    }

    /** Every destination at {@code perDomain}, no routes. */
    public static DestinationLimits uniform(int perDomain) {
        return new DestinationLimits(perDomain, List.of());
    }

    /** The destination of a delivery along {@code route} to a recipient in {@code domain}. */
    public Destination destination(Route route, String domain) {
        if (route instanceof Route.Local || byRoute.isEmpty() || domain.startsWith("[")) {
            return Destination.of(route);
        }
        String d = normalize(domain);
        Destination hit = exact.get(d);
        for (int dot = d.indexOf('.'); hit == null && dot >= 0; dot = d.indexOf('.', dot + 1)) {
            hit = below.get(d.substring(dot + 1)); // leftmost first: the most specific suffix
        }
        return hit != null ? hit : Destination.of(route);
    }

    @Override
    public Dispatch.Limits apply(Destination destination) {
        if (destination.isLocal()) {
            return local;
        }
        Dispatch.Limits limits = byRoute.get(destination);
        return limits != null ? limits : remote;
    }

    private static String normalize(String domain) {
        String d = DomainName.toAscii(domain.strip());
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }
}
