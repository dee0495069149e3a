package tern.route;

import java.util.Objects;

/**
 * Where deliveries queue up together and share a window of connections: the next hop a
 * route leads to. The smart host and each fixed next hop are one destination each; MX
 * delivery is one destination per recipient domain (its MX set); a route domain's mail is
 * a destination of its own, so that its connection limit and rate hold for that domain's
 * mail alone; local delivery is one destination.
 *
 * @param name what operators read in logs: {@code [127.0.0.1]:2601}, {@code example.com},
 *             {@code route .partner.example}, {@code local}
 */
public record Destination(String name) {

    public static final Destination LOCAL = new Destination("local");

    public Destination {
        Objects.requireNonNull(name, "name");
    }

    public static Destination of(Route route) {
        return switch (route) {
            case Route.Local l -> LOCAL;
            case Route.Relay r when r.reason() == Route.Reason.ROUTE_DOMAIN -> new Destination("route " + r.matched());
            case Route.Relay r -> new Destination(r.hop().toString());
            case Route.Mx mx -> new Destination(mx.domain());
            case Route.DirectThenSmartHost d -> new Destination(d.domain() + " then " + d.smartHost());
        };
    }

    public boolean isLocal() {
        return this.equals(LOCAL);
    }

    @Override
    public String toString() {
        return name;
    }
}
