package tern.route;

import java.util.Objects;

/**
 * The router's answer for one recipient: where its delivery goes, and why.
 * {@link #explain()} is what {@code tern route ADDRESS} prints and what delivery logs carry;
 * the transport adds what it found (e.g. the MX list).
 */
public sealed interface Route permits Route.Local, Route.Relay, Route.Mx, Route.DirectThenSmartHost {

    /** One line for operators: the rule that matched and where it leads. */
    String explain();

    /** The domain is one of {@code domains.local}: delivered into the Maildir drop. */
    record Local(String domain) implements Route {
        public Local {
            Objects.requireNonNull(domain, "domain");
        }

        @Override
        public String explain() {
            return "local domain " + domain + " → Maildir";
        }
    }

    /**
     * A fixed next hop chosen by configuration or by the address itself.
     *
     * @param hop     where to connect
     * @param reason  which rule chose it
     * @param matched the {@code routes[].domain} entry as configured (e.g. {@code .partner.example})
     *                for {@link Reason#ROUTE_DOMAIN}, the address literal for
     *                {@link Reason#ADDRESS_LITERAL}, the recipient domain for the smart host reasons
     */
    record Relay(NextHop hop, Reason reason, String matched) implements Route {
        public Relay {
            Objects.requireNonNull(hop, "hop");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(matched, "matched");
        }

        @Override
        public String explain() {
            return switch (reason) {
                case ROUTE_DOMAIN -> "route domain " + matched + " → " + hop;
                case ADDRESS_LITERAL -> "address literal " + matched + " → " + hop + " (no MX lookup)";
                case SMART_HOST -> "smart host " + hop;
                case SMART_HOST_AFTER_DIRECT -> "smart host " + hop + " (after direct attempt)";
            };
        }
    }

    /** Which rule picked a {@link Relay}. */
    enum Reason {
        ROUTE_DOMAIN, ADDRESS_LITERAL, SMART_HOST, SMART_HOST_AFTER_DIRECT
    }

    /** No rule matched: MX lookup of the domain, then A/AAAA (RFC 5321 5.1). */
    record Mx(String domain) implements Route {
        public Mx {
            Objects.requireNonNull(domain, "domain");
        }

        @Override
        public String explain() {
            return "MX lookup of " + domain;
        }
    }

    /**
     * {@code attemptDirectBeforeSmartHost}: deliver as for {@link Mx} first; only when that
     * attempt fails TRANSIENTLY (4xx, no answer, no connection), or the local DNS does not
     * know the domain at all (NXDOMAIN: a split horizon, where the smart host sees more), does
     * the recipient go to the smart host. A 5xx from the domain's own MX is the recipient's
     * final answer: the smart host would only relay it to the same MX and bounce it later,
     * with less information. A null MX (RFC 7505) is final too.
     */
    record DirectThenSmartHost(Route direct, NextHop smartHost) implements Route {
        /**
         * @param direct the direct attempt: an {@link Mx} lookup of a domain, or the
         *               {@link Reason#ADDRESS_LITERAL} relay of an address literal
         */
        public DirectThenSmartHost {
            Objects.requireNonNull(direct, "direct");
            Objects.requireNonNull(smartHost, "smartHost");
            if (!(direct instanceof Mx || direct instanceof Relay r && r.reason() == Reason.ADDRESS_LITERAL)) {
                throw new IllegalArgumentException("a direct attempt is an MX lookup or an address literal: " + direct);
            }
        }

        /** MX lookup of {@code domain} first. */
        public DirectThenSmartHost(String domain, NextHop smartHost) {
            this(new Mx(domain), smartHost);
        }

        /** The recipient's domain, or its address literal in brackets. */
        public String domain() {
            return direct instanceof Mx mx ? mx.domain() : ((Relay) direct).matched();
        }

        /** The route after a transient failure of the direct attempt. */
        public Relay fallback() {
            return new Relay(smartHost, Reason.SMART_HOST_AFTER_DIRECT, domain());
        }

        @Override
        public String explain() {
            return direct.explain() + ", then smart host " + smartHost + " (after direct attempt)";
        }
    }
}
