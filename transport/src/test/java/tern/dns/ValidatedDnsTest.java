package tern.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tern.testing.TestDnsServer;

/** DNSSEC validation against a zone the test signs, with the test's own trust anchor. */
class ValidatedDnsTest {
    private static final byte[] DIGEST = HexFormat.of().parseHex("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");

    private TestDnsServer dns;
    private String anchor;

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        anchor = dns.sign("secure.test");
        dns.mx("secure.test", 10, "mx1.secure.test").a("mx1.secure.test", "127.0.0.2")
                .tlsa("mx1.secure.test", 25, 3, 1, 1, DIGEST)
                .mx("plain.test", 10, "mx.plain.test").a("mx.plain.test", "127.0.0.3")
                .tlsa("mx.plain.test", 25, 3, 1, 1, DIGEST);
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private ValidatedDns validated(String anchors) {
        return ValidatedDns.builder(List.of(dns.address())).timeout(Duration.ofSeconds(2)).trustAnchors(anchors).build();
    }

    @Test
    void recordsOfASignedZoneAreSecureAndTheirAbsenceIsProven() {
        try (ValidatedDns v = validated(anchor)) {
            assertThat(v.mx("secure.test").join()).isInstanceOf(DnssecResult.Secure.class);
            // A exists, AAAA is a proven NODATA: both secure
            assertThat(v.addresses("mx1.secure.test").join()).isInstanceOf(DnssecResult.Secure.class);
            assertThat(v.tlsa("mx1.secure.test", 25).join())
                    .isEqualTo(new DnssecResult.Secure<>(List.of(new Tlsa(3, 1, 1, DIGEST))));
            // no TLSA name at all: a proven NXDOMAIN, i.e. securely no DANE
            assertThat(v.tlsa("mx1.secure.test", 587).join()).isEqualTo(new DnssecResult.Secure<>(List.of()));
        }
    }

    @Test
    void recordsOutsideEveryTrustAnchorAreInsecure() {
        try (ValidatedDns v = validated(anchor)) {
            assertThat(v.mx("plain.test").join()).isInstanceOf(DnssecResult.Insecure.class);
            assertThat(v.tlsa("mx.plain.test", 25).join()).isInstanceOf(DnssecResult.Insecure.class);
        }
    }

    @Test
    void whenTheAnchorCannotBeValidatedEverythingCountsAsInsecureNotBogus() {
        String otherKey;
        try (TestDnsServer elsewhere = TestDnsServer.start()) {
            otherKey = elsewhere.sign("secure.test"); // the same zone name, another key: nothing validates
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        try (ValidatedDns v = validated(otherKey)) {
            assertThat(v.mx("secure.test").join()).isInstanceOf(DnssecResult.Insecure.class);
            assertThat(v.tlsa("mx1.secure.test", 25).join()).isInstanceOf(DnssecResult.Insecure.class);
        }
    }

    @Test
    void theRootAnchorsShipWithTern() {
        assertThat(ValidatedDns.rootAnchors()).contains(". IN DS 20326 8 2 ").contains(". IN DS 38696 8 2 ");
    }
}
