package tern.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import tern.address.Mailbox;
import tern.config.TernConfig;

class RouterTest {

    private static final List<String> LOCAL = List.of("example.test", "[127.0.0.1]");

    private static Router router(String smartHost, boolean directFirst, TernConfig.Route... routes) {
        return new Router(LOCAL, List.of(routes), smartHost, directFirst, 25);
    }

    private static TernConfig.Route route(String domain, String nextHop) {
        return new TernConfig.Route(domain, nextHop);
    }

    private static Mailbox to(String address) {
        int at = address.lastIndexOf('@');
        return new Mailbox(address.substring(0, at), address.substring(at + 1));
    }

    @Test
    void internationalizedDomainsRouteByTheirALabelsWhicheverFormIsWritten() {
        Router router = new Router(List.of("bücher.test"), List.of(route("bücher.example", "[192.0.2.1]"),
                route(".xn--mnchen-3ya.example", "[192.0.2.2]")), null, false, 25);
        assertThat(router.route(to("a@xn--bcher-kva.example"))).isEqualTo(new Route.Relay(
                new NextHop("192.0.2.1", 25, false), Route.Reason.ROUTE_DOMAIN, "xn--bcher-kva.example"));
        assertThat(router.route(to("a@BÜCHER.example"))).isInstanceOf(Route.Relay.class);
        assertThat(router.route(to("a@eu.münchen.example"))).isEqualTo(new Route.Relay(
                new NextHop("192.0.2.2", 25, false), Route.Reason.ROUTE_DOMAIN, ".xn--mnchen-3ya.example"));
        assertThat(router.route(to("a@xn--bcher-kva.test"))).isEqualTo(new Route.Local("xn--bcher-kva.test"));
        assertThat(router.route(to("a@straße.example"))).isEqualTo(new Route.Mx("strasse.example")); // IDNA 2003
        assertThat(router.route(to("a@müller.example"))).isEqualTo(new Route.Mx("xn--mller-kva.example"));
    }

    @Test
    void localDomainIsDeliveredToMaildir() {
        Route r = router(null, false).route(to("alice@example.test"));
        assertThat(r).isEqualTo(new Route.Local("example.test"));
        assertThat(r.explain()).isEqualTo("local domain example.test → Maildir");
    }

    @Test
    void localDomainWinsOverARouteDomainAndTheSmartHost() {
        Router router = router("[10.0.0.1]", false, route("example.test", "[192.0.2.9]"));
        assertThat(router.route(to("alice@example.test"))).isInstanceOf(Route.Local.class);
    }

    @Test
    void localDomainsAreExactNamesNotTheirSubdomains() {
        assertThat(router(null, false).route(to("a@sub.example.test"))).isEqualTo(new Route.Mx("sub.example.test"));
    }

    @Test
    void exactRouteDomainGoesToItsNextHop() {
        Route r = router(null, false, route("partner.example", "[127.0.0.1]:2601")).route(to("bob@partner.example"));
        assertThat(r).isEqualTo(new Route.Relay(new NextHop("127.0.0.1", 2601, false),
                Route.Reason.ROUTE_DOMAIN, "partner.example"));
        assertThat(r.explain()).isEqualTo("route domain partner.example → [127.0.0.1]:2601");
    }

    @Test
    void exactRouteDomainDoesNotMatchItsSubdomains() {
        Router router = router(null, false, route("partner.example", "[127.0.0.1]:2601"));
        assertThat(router.route(to("bob@eu.partner.example"))).isEqualTo(new Route.Mx("eu.partner.example"));
    }

    @Test
    void leadingDotRouteDomainMatchesEverySubdomainButNotTheParentItself() {
        Router router = router(null, false, route(".partner.example", "[127.0.0.1]:2602"));
        Route sub = router.route(to("bob@eu.partner.example"));
        assertThat(sub).isEqualTo(new Route.Relay(new NextHop("127.0.0.1", 2602, false),
                Route.Reason.ROUTE_DOMAIN, ".partner.example"));
        assertThat(sub.explain()).isEqualTo("route domain .partner.example → [127.0.0.1]:2602");
        assertThat(router.route(to("bob@a.b.partner.example"))).isEqualTo(sub);
        assertThat(router.route(to("bob@partner.example"))).isEqualTo(new Route.Mx("partner.example"));
        assertThat(router.route(to("bob@xpartner.example"))).isEqualTo(new Route.Mx("xpartner.example"));
    }

    @Test
    void mostSpecificRouteDomainWins() {
        Router router = router("[10.0.0.1]", false,
                route(".example", "[192.0.2.1]"),
                route(".partner.example", "[192.0.2.2]"),
                route("partner.example", "[192.0.2.3]"),
                route("eu.partner.example", "[192.0.2.4]"));
        assertThat(hostOf(router, "x@other.example")).isEqualTo("192.0.2.1");
        assertThat(hostOf(router, "x@fr.partner.example")).isEqualTo("192.0.2.2");
        assertThat(hostOf(router, "x@a.fr.partner.example")).isEqualTo("192.0.2.2");
        assertThat(hostOf(router, "x@partner.example")).isEqualTo("192.0.2.3");
        assertThat(hostOf(router, "x@eu.partner.example")).isEqualTo("192.0.2.4");
        assertThat(hostOf(router, "x@a.eu.partner.example")).isEqualTo("192.0.2.2");
    }

    @Test
    void mostSpecificWinsWhateverTheOrderOfTheEntries() {
        Router router = router(null, false,
                route(".partner.example", "[192.0.2.2]"),
                route(".example", "[192.0.2.1]"));
        assertThat(hostOf(router, "x@eu.partner.example")).isEqualTo("192.0.2.2");
    }

    @Test
    void routeDomainOverridesTheSmartHost() {
        Router router = router("[10.0.0.1]", true, route("partner.example", "relay.partner.example:2525"));
        Route r = router.route(to("bob@partner.example"));
        assertThat(r).isEqualTo(new Route.Relay(new NextHop("relay.partner.example", 2525, true),
                Route.Reason.ROUTE_DOMAIN, "partner.example"));
        assertThat(r.explain()).isEqualTo("route domain partner.example → relay.partner.example:2525");
    }

    @Test
    void smartHostTakesEveryOtherRemoteDomain() {
        Route r = router("[10.0.0.1]", false, route("partner.example", "[127.0.0.1]:2601")).route(to("c@b.example"));
        assertThat(r).isEqualTo(new Route.Relay(new NextHop("10.0.0.1", 25, false), Route.Reason.SMART_HOST, "b.example"));
        assertThat(r.explain()).isEqualTo("smart host [10.0.0.1]:25");
    }

    @Test
    void attemptDirectBeforeSmartHostTriesMxThenFallsBackToTheSmartHost() {
        Route r = router("[10.0.0.1]", true).route(to("c@b.example"));
        assertThat(r).isInstanceOf(Route.DirectThenSmartHost.class);
        Route.DirectThenSmartHost d = (Route.DirectThenSmartHost) r;
        assertThat(d.direct()).isEqualTo(new Route.Mx("b.example"));
        assertThat(d.fallback().hop()).isEqualTo(new NextHop("10.0.0.1", 25, false));
        assertThat(d.fallback().explain()).isEqualTo("smart host [10.0.0.1]:25 (after direct attempt)");
        assertThat(r.explain()).isEqualTo("MX lookup of b.example, then smart host [10.0.0.1]:25 (after direct attempt)");
    }

    @Test
    void attemptDirectWithoutASmartHostIsPlainMx() {
        assertThat(router(null, true).route(to("c@b.example"))).isEqualTo(new Route.Mx("b.example"));
    }

    @Test
    void withoutAnyRuleTheRecipientDomainsMxIsLookedUp() {
        Route r = router(null, false, route("partner.example", "[127.0.0.1]:2601")).route(to("c@b.example"));
        assertThat(r).isEqualTo(new Route.Mx("b.example"));
        assertThat(r.explain()).isEqualTo("MX lookup of b.example");
    }

    @Test
    void domainsCompareCaseInsensitivelyAndIgnoreATrailingDot() {
        Router router = router(null, false, route("Partner.Example.", "[127.0.0.1]:2601"), route(".Sub.Example", "[127.0.0.1]:2602"));
        assertThat(hostPort(router.route("PARTNER.example."))).isEqualTo(2601);
        assertThat(hostPort(router.route("partner.example"))).isEqualTo(2601);
        assertThat(hostPort(router.route("a.SUB.example."))).isEqualTo(2602);
        assertThat(router.route("Example.Test.")).isEqualTo(new Route.Local("example.test"));
        assertThat(router.route("B.Example.")).isEqualTo(new Route.Mx("b.example"));
    }

    @Test
    void addressLiteralGoesToThatAddressWithoutMxWhenThereIsNoSmartHost() {
        Router router = router(null, false, route("partner.example", "[127.0.0.1]:2601"));
        Route r = router.route(to("c@[192.0.2.1]"));
        assertThat(r).isEqualTo(new Route.Relay(new NextHop("192.0.2.1", 25, false),
                Route.Reason.ADDRESS_LITERAL, "[192.0.2.1]"));
        assertThat(r.explain()).isEqualTo("address literal [192.0.2.1] → [192.0.2.1]:25 (no MX lookup)");
        assertThat(((Route.Relay) router.route(to("c@[IPv6:2001:db8::1]"))).hop())
                .isEqualTo(new NextHop("2001:db8::1", 25, false));
    }

    @Test
    void addressLiteralGoesToTheSmartHostWhenOneIsSet() {
        Route r = router("[10.0.0.1]", false).route(to("c@[192.0.2.9]"));
        assertThat(r).isEqualTo(new Route.Relay(new NextHop("10.0.0.1", 25, false), Route.Reason.SMART_HOST, "[192.0.2.9]"));
        assertThat(r.explain()).isEqualTo("smart host [10.0.0.1]:25");
    }

    @Test
    void addressLiteralWithAttemptDirectTriesTheLiteralThenTheSmartHost() {
        Route r = router("[10.0.0.1]", true).route(to("c@[192.0.2.9]"));
        Route.DirectThenSmartHost d = (Route.DirectThenSmartHost) r;
        assertThat(d.direct()).isEqualTo(new Route.Relay(new NextHop("192.0.2.9", 25, false),
                Route.Reason.ADDRESS_LITERAL, "[192.0.2.9]"));
        assertThat(d.domain()).isEqualTo("[192.0.2.9]");
        assertThat(d.fallback()).isEqualTo(new Route.Relay(new NextHop("10.0.0.1", 25, false),
                Route.Reason.SMART_HOST_AFTER_DIRECT, "[192.0.2.9]"));
        assertThat(r.explain()).isEqualTo("address literal [192.0.2.9] → [192.0.2.9]:25 (no MX lookup), "
                + "then smart host [10.0.0.1]:25 (after direct attempt)");
    }

    @Test
    void routeDomainsStillWinOverTheSmartHostThatTakesAddressLiterals() {
        Router router = router("[10.0.0.1]", false, route("partner.example", "[127.0.0.1]:2601"));
        assertThat(((Route.Relay) router.route(to("c@partner.example"))).reason()).isEqualTo(Route.Reason.ROUTE_DOMAIN);
        assertThat(((Route.Relay) router.route(to("c@[192.0.2.9]"))).reason()).isEqualTo(Route.Reason.SMART_HOST);
    }

    @Test
    void addressLiteralOfALocalAddressIsLocal() {
        assertThat(router(null, false).route(to("c@[127.0.0.1]"))).isEqualTo(new Route.Local("[127.0.0.1]"));
        assertThat(router("[10.0.0.1]", true).route(to("c@[127.0.0.1]"))).isEqualTo(new Route.Local("[127.0.0.1]"));
    }

    @Test
    void addressLiteralThatIsNoIpAddressIsRefused() {
        assertThatThrownBy(() -> router(null, false).route(to("c@[mail.example]")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an IPv4 or IPv6 address");
    }

    @Test
    void defaultPortIsDeliveryPort() {
        Router router = new Router(LOCAL, List.of(route("p.example", "[192.0.2.1]")), "relay.example", false, 2525);
        assertThat(((Route.Relay) router.route("p.example")).hop().port()).isEqualTo(2525);
        assertThat(router.smartHost()).isEqualTo(new NextHop("relay.example", 2525, true));
    }

    @Test
    void badConfigurationIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> router("10.0.0.1", false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("delivery.smartHost: bad next hop \"10.0.0.1\"");
        assertThatThrownBy(() -> router(null, false, route("a.example", "[127.0.0.1]"), route("b.example", "[x")))
                .hasMessageStartingWith("routes[1].nextHop: bad next hop \"[x\"");
        assertThatThrownBy(() -> router(null, false, route("bad_domain.example", "[127.0.0.1]")))
                .hasMessageStartingWith("routes[0].domain: bad domain");
        assertThatThrownBy(() -> router(null, false, route("a.example", "[127.0.0.1]"), route("A.example.", "[127.0.0.2]")))
                .hasMessage("routes[1].domain: route domain a.example is listed twice");
    }

    @Test
    void exactAndSubdomainEntriesForTheSameNameAreNotDuplicates() {
        Router router = router(null, false, route("p.example", "[192.0.2.1]"), route(".p.example", "[192.0.2.2]"));
        assertThat(hostOf(router, "x@p.example")).isEqualTo("192.0.2.1");
        assertThat(hostOf(router, "x@q.p.example")).isEqualTo("192.0.2.2");
    }

    @Test
    void buildsFromTernConfig() {
        TernConfig d = TernConfig.defaults("mx.example.test");
        TernConfig.Delivery delivery = d.delivery();
        TernConfig config = new TernConfig(d.server(), new TernConfig.Domains(List.of("example.test")), d.relay(),
                new TernConfig.Delivery(delivery.retry(), delivery.delayNotification(), delivery.expirationTimeout(),
                        delivery.local(), delivery.maxHopCount(), null, "[10.0.0.1]", false, null, 2525,
                        delivery.connections(), delivery.tls(), delivery.smartHostAuth()),
                List.of(route("partner.example", "[127.0.0.1]:2601")), d.dns(), d.journal(), d.admin());
        Router router = new Router(config);
        assertThat(router.route("example.test")).isInstanceOf(Route.Local.class);
        assertThat(router.route("partner.example").explain()).isEqualTo("route domain partner.example → [127.0.0.1]:2601");
        assertThat(router.route("b.example").explain()).isEqualTo("smart host [10.0.0.1]:2525");
    }

    @Test
    void manyRouteDomainsAreFoundByHashNotByScan() {
        TernConfig.Route[] routes = new TernConfig.Route[10_000];
        for (int i = 0; i < routes.length; i++) {
            routes[i] = route((i % 2 == 0 ? "" : ".") + "d" + i + ".example", "[127.0.0.1]:" + (1000 + i));
        }
        Router router = router("[10.0.0.1]", false, routes);
        for (int i = 0; i < routes.length; i += 2) {
            assertThat(hostPort(router.route("d" + i + ".example"))).isEqualTo(1000 + i);
            assertThat(hostPort(router.route("x.d" + (i + 1) + ".example"))).isEqualTo(1001 + i);
        }
        assertThat(router.route("d1.example").explain()).isEqualTo("smart host [10.0.0.1]:25");
        assertThat(router.route("x.d0.example").explain()).isEqualTo("smart host [10.0.0.1]:25");
    }

    private static String hostOf(Router router, String address) {
        return ((Route.Relay) router.route(to(address))).hop().host();
    }

    private static int hostPort(Route route) {
        return ((Route.Relay) route).hop().port();
    }
}
