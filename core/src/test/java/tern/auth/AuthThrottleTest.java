package tern.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AuthThrottleTest {
    private final TestClock clock = new TestClock();
    private final AuthThrottle throttle = new AuthThrottle(clock);

    private static Duration s(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    @Test
    void theFirstFailuresAreFreeThenDelaysDoubleUpToTheCap() {
        String a = "192.0.2.7";
        assertThat(throttle.delayFor(a)).isZero();
        throttle.failed(a);
        throttle.failed(a);
        assertThat(throttle.delayFor(a)).isZero();
        throttle.failed(a);
        assertThat(throttle.delayFor(a)).isEqualTo(s(1));
        throttle.failed(a);
        assertThat(throttle.delayFor(a)).isEqualTo(s(2));
        throttle.failed(a);
        assertThat(throttle.delayFor(a)).isEqualTo(s(4));
        for (int i = 0; i < 100; i++) {
            throttle.failed(a);
        }
        assertThat(throttle.delayFor(a)).isEqualTo(s(30));
    }

    @Test
    void otherAddressesAreNotSlowedDown() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("192.0.2.7");
        }
        assertThat(throttle.delayFor("192.0.2.8")).isZero();
    }

    @Test
    void aSuccessForgetsTheFailures() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("192.0.2.7");
        }
        throttle.succeeded("192.0.2.7");
        assertThat(throttle.delayFor("192.0.2.7")).isZero();
        assertThat(throttle.failures("192.0.2.7")).isZero();
    }

    @Test
    void failuresExpireAWindowAfterTheLastOne() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("192.0.2.7");
        }
        clock.advance(Duration.ofMinutes(14));
        assertThat(throttle.delayFor("192.0.2.7")).isEqualTo(s(2));
        throttle.failed("192.0.2.7");
        clock.advance(Duration.ofMinutes(14));
        // Still within 15 minutes of the last failure.
        assertThat(throttle.delayFor("192.0.2.7")).isEqualTo(s(4));
        clock.advance(Duration.ofMinutes(1));
        assertThat(throttle.delayFor("192.0.2.7")).isZero();
        throttle.failed("192.0.2.7");
        assertThat(throttle.failures("192.0.2.7")).isEqualTo(1);
    }

    @Test
    void expiredAddressesAreEvictedAsNewFailuresArrive() {
        for (int i = 0; i < 50; i++) {
            throttle.failed("192.0.2." + i);
        }
        assertThat(throttle.trackedAddresses()).isEqualTo(50);
        clock.advance(Duration.ofMinutes(16));
        throttle.failed("198.51.100.1");
        assertThat(throttle.trackedAddresses()).isEqualTo(1);
    }

    @Test
    void memoryIsCappedByDroppingTheAddressThatFailedLongestAgo() {
        AuthThrottle small = new AuthThrottle(clock, 1, Duration.ofMinutes(15), s(1), s(30), 3);
        small.failed("192.0.2.1");
        clock.advance(s(1));
        small.failed("192.0.2.2");
        clock.advance(s(1));
        small.failed("192.0.2.3");
        clock.advance(s(1));
        small.failed("192.0.2.1"); // now the most recent
        small.failed("192.0.2.4");
        assertThat(small.trackedAddresses()).isEqualTo(3);
        assertThat(small.delayFor("192.0.2.2")).isZero();
        assertThat(small.delayFor("192.0.2.1")).isEqualTo(s(2));
        assertThat(small.delayFor("192.0.2.3")).isEqualTo(s(1));
        assertThat(small.delayFor("192.0.2.4")).isEqualTo(s(1));
    }

    @Test
    void ipv6ClientsAreCountedPerSlash64() {
        for (int i = 1; i <= 3; i++) {
            throttle.failed("2001:db8:1:2::" + i);
        }
        assertThat(throttle.delayFor("2001:db8:1:2:ffff::9")).isEqualTo(s(1));
        assertThat(throttle.delayFor("[2001:db8:1:2::1]")).isEqualTo(s(1));
        assertThat(throttle.delayFor("2001:db8:1:3::1")).isZero();
    }

    @Test
    void ipv4MappedAddressesCountAsTheirIpv4Address() {
        assertThat(AuthThrottle.key("::ffff:192.0.2.7")).isEqualTo("192.0.2.7");
        assertThat(AuthThrottle.key("192.0.2.7")).isEqualTo("192.0.2.7");
        assertThat(AuthThrottle.key("not-an-address")).isEqualTo("not-an-address");
    }
}
