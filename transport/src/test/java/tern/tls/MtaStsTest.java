package tern.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;
import tern.dns.MailDns;
import tern.sts.StsPolicy;
import tern.testing.TestCertificateAuthority;
import tern.testing.TestDnsServer;

class MtaStsTest {
    private static final String POLICY = "version: STSv1\r\nmode: enforce\r\nmx: mx1.a.test\r\nmax_age: 86400\r\n";

    private static TestCertificateAuthority ca;
    private TestDnsServer dns;
    private MailDns resolver;
    private Instant now = Instant.parse("2026-11-29T10:00:00Z");
    private final InstantSource clock = () -> now;

    @BeforeAll
    static void authority() {
        ca = TestCertificateAuthority.create("Tern STS Test CA");
    }

    @AfterAll
    static void noMore() {
        ca = null;
    }

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        dns.ttl(0); // every TXT change is seen at once
        resolver = MailDns.builder(List.of(dns.address())).timeout(Duration.ofMillis(500)).build();
    }

    @AfterEach
    void stop() {
        resolver.close();
        dns.close();
    }

    private MtaSts mtaSts(PolicyServer server) {
        return new MtaSts(resolver, new StsPolicyFetcher(List.of(ca.certificate()), Duration.ofSeconds(10), server.locator()), clock);
    }

    @Test
    void aPolicyIsFetchedOverVerifiedTlsKeptForMaxAgeAndFetchedAgainWhenTheIdChanges() {
        try (var server = new PolicyServer(ca.issue("mta-sts.a.test")).policy(POLICY)) {
            dns.txt("_mta-sts.a.test", "v=STSv1; id=1;");
            MtaSts sts = mtaSts(server);

            StsPolicy policy = sts.policy("a.test").orElseThrow();
            assertThat(policy.mode()).isEqualTo(StsPolicy.Mode.ENFORCE);
            assertThat(policy.mx()).containsExactly("mx1.a.test");
            assertThat(sts.policy("a.test")).contains(policy);
            assertThat(server.requests()).isEqualTo(1);

            dns.remove("_mta-sts.a.test", Type.TXT).txt("_mta-sts.a.test", "v=STSv1; id=2;");
            server.policy(POLICY.replace("enforce", "testing"));
            assertThat(sts.policy("a.test")).hasValueSatisfying(p -> assertThat(p.mode()).isEqualTo(StsPolicy.Mode.TESTING));
            assertThat(server.requests()).isEqualTo(2);

            now = now.plus(Duration.ofDays(1));
            sts.policy("a.test");
            assertThat(server.requests()).isEqualTo(3); // max_age over: fetched again
        }
    }

    @Test
    void withoutATxtRecordNothingIsFetched() {
        try (var server = new PolicyServer(ca.issue("mta-sts.a.test")).policy(POLICY)) {
            assertThat(mtaSts(server).policy("a.test")).isEmpty();
            assertThat(server.requests()).isZero();
        }
    }

    @Test
    void aPolicyHostWhoseCertificateDoesNotNameItGivesNoPolicy() {
        try (var server = new PolicyServer(ca.issue("www.a.test")).policy(POLICY)) {
            dns.txt("_mta-sts.a.test", "v=STSv1; id=1;");
            assertThat(mtaSts(server).policy("a.test")).isEmpty();
        }
    }

    @Test
    void aPolicyHostWithASelfSignedCertificateGivesNoPolicy() {
        try (var server = new PolicyServer(ca.selfSigned("mta-sts.a.test")).policy(POLICY)) {
            dns.txt("_mta-sts.a.test", "v=STSv1; id=1;");
            assertThat(mtaSts(server).policy("a.test")).isEmpty();
            assertThat(server.requests()).isZero(); // the handshake failed before any request
        }
    }

    @Test
    void aRedirectTheWrongTypeOrAnOversizedAnswerGiveNoPolicy() {
        try (var server = new PolicyServer(ca.issue("mta-sts.a.test"))) {
            dns.txt("_mta-sts.a.test", "v=STSv1; id=1;");
            server.answer(301, "text/plain", "", "https://elsewhere.test/.well-known/mta-sts.txt");
            assertThat(mtaSts(server).policy("a.test")).isEmpty();

            server.answer(200, "text/html", POLICY, null);
            assertThat(mtaSts(server).policy("a.test")).isEmpty();

            server.answer(200, "text/plain; charset=utf-8", POLICY + "x: " + "y".repeat(StsPolicyFetcher.MAX_SIZE) + "\r\n", null);
            assertThat(mtaSts(server).policy("a.test")).isEmpty();

            server.answer(200, "text/plain; charset=utf-8", POLICY, null);
            assertThat(mtaSts(server).policy("a.test")).isPresent();
        }
    }

    @Test
    void aFailedRefreshKeepsThePolicyInForce() {
        try (var server = new PolicyServer(ca.issue("mta-sts.a.test")).policy(POLICY)) {
            dns.txt("_mta-sts.a.test", "v=STSv1; id=1;");
            MtaSts sts = mtaSts(server);
            assertThat(sts.policy("a.test")).isPresent();
            dns.remove("_mta-sts.a.test", Type.TXT).txt("_mta-sts.a.test", "v=STSv1; id=2;");
            server.answer(500, "text/plain", "", null);
            assertThat(sts.policy("a.test")).hasValueSatisfying(p -> assertThat(p.mode()).isEqualTo(StsPolicy.Mode.ENFORCE));
            dns.remove("_mta-sts.a.test", Type.TXT);
            assertThat(sts.policy("a.test")).isPresent(); // a vanished TXT record does not end a kept policy
        }
    }
}
