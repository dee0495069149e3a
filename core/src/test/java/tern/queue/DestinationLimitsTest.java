package tern.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tern.config.TernConfig;
import tern.route.Destination;
import tern.route.Route;

class DestinationLimitsTest {

    static TernConfig.Route route(String domain, String nextHop, Integer connections, String rate) {
        return new TernConfig.Route(domain, nextHop, null, null, connections, rate == null ? null : TernConfig.Rate.parse(rate));
    }

    @Test
    void aRouteDomainIsADestinationOfItsOwnWithItsLimitsEvenWithoutANextHop() {
        var limits = new DestinationLimits(100, List.of(route("partner.example", null, 3, "2/s"),
                route(".big.example", "[192.0.2.1]:25", null, "100/m")));

        Destination partner = limits.destination(new Route.Mx("partner.example"), "Partner.Example.");
        assertThat(partner).isEqualTo(new Destination("route partner.example"));
        assertThat(limits.apply(partner)).isEqualTo(new Dispatch.Limits(3, Duration.ofMillis(500), true));

        Destination below = limits.destination(new Route.Mx("eu.big.example"), "eu.big.example");
        assertThat(below).isEqualTo(new Destination("route .big.example"));
        assertThat(limits.apply(below)).isEqualTo(new Dispatch.Limits(100, Duration.ofMillis(600), true));

        assertThat(limits.destination(new Route.Mx("big.example"), "big.example"))
                .as(".big.example names its subdomains only").isEqualTo(new Destination("big.example"));
        assertThat(limits.apply(new Destination("other.example"))).isEqualTo(new Dispatch.Limits(100, null, true));
        assertThat(limits.apply(Destination.LOCAL).counted()).isFalse();
    }

    @Test
    void ratesAreWrittenPerSecondMinuteOrHour() {
        assertThat(TernConfig.Rate.parse("2/s").interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(TernConfig.Rate.parse("100/m").interval()).isEqualTo(Duration.ofMillis(600));
        assertThat(TernConfig.Rate.parse("3600/h").interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(TernConfig.Rate.parse("0/s")).isNull();
        assertThat(TernConfig.Rate.parse("5/d")).isNull();
        assertThat(TernConfig.Rate.parse("fast")).isNull();
    }
}
