package tern.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.client.ClientSettings;
import tern.client.ConnectionCache;
import tern.config.TernConfig;
import tern.config.TernConfig.OutboundTls;
import tern.outcome.RecipientOutcome;
import tern.delivery.RemoteDelivery;
import tern.dns.MailDns;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.metrics.TernMetrics;
import tern.queue.QueueId;
import tern.route.Masquerade;
import tern.route.Route;
import tern.testing.ScriptedSmtpServer;
import tern.testing.TestCertificateAuthority;
import tern.testing.TestDnsServer;

/**
 * MTA-STS over real SMTP and HTTPS on loopback: a policy server with a certificate from a CA
 * made here, and two MX hosts of a.test, mx1 whose certificate names it and mx2 (preferred)
 * whose certificate names another host. Without a policy the preferred mx2 gets the mail
 * (opportunistic TLS checks nothing); under {@code enforce} only a verified host may.
 */
class MtaStsDeliveryTest {
    private static final byte[] MESSAGE = "Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
    private static TestCertificateAuthority ca;

    private TestDnsServer dns;
    private MailDns resolver;
    private ConnectionCache cache;
    private int port;
    private final TernMetrics metrics = new TernMetrics();
    private final InstantSource clock = InstantSource.system();

    @BeforeAll
    static void authority() {
        ca = TestCertificateAuthority.create("Tern MTA-STS Test CA");
    }

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        resolver = MailDns.builder(List.of(dns.address())).timeout(Duration.ofMillis(500)).random(new Random(1)).build();
        cache = new ConnectionCache(Duration.ofSeconds(30), 4, InstantSource.system());
        try (var probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
            port = probe.getLocalPort();
        }
        dns.mx("a.test", 10, "mx2.a.test").mx("a.test", 20, "mx1.a.test")
                .a("mx1.a.test", "127.0.0.2").a("mx2.a.test", "127.0.0.3");
    }

    @AfterEach
    void stop() {
        cache.close();
        resolver.close();
        dns.close();
    }

    private ScriptedSmtpServer mx(String address, String certificateName) throws Exception {
        return ScriptedSmtpServer.builder().bind(address).port(port)
                .startTls(ca.issue(certificateName).serverContext()).start();
    }

    private List<RecipientOutcome> deliver(PolicyServer policies) {
        var settings = new ClientSettings("relay.tern.test", Duration.ofSeconds(5), OutboundTls.OPPORTUNISTIC, null, null);
        MtaSts sts = new MtaSts(resolver, new StsPolicyFetcher(List.of(ca.certificate()), Duration.ofSeconds(10),
                policies.locator()), clock);
        var delivery = new RemoteDelivery(resolver, cache, TlsPolicy.of(settings, settings), port,
                Masquerade.of(TernConfig.defaults("h")), metrics)
                .authenticating(MxAuthentication.of(sts, null, List.of(ca.certificate())));
        Envelope e = new Envelope(new QueueId("0STS"), ReversePath.of(new Mailbox("a", "x.test")),
                List.of(Recipient.of(new Mailbox("bob", "a.test"))), Body.SEVEN_BIT, false, null, null, -1,
                "127.0.0.1", "client.test", Instant.now());
        return delivery.deliver(new Route.Mx("a.test"), e, e.recipients(), MESSAGE);
    }

    private PolicyServer policyServer(String mode, String... mx) {
        StringBuilder policy = new StringBuilder("version: STSv1\r\nmode: " + mode + "\r\n");
        for (String m : mx) {
            policy.append("mx: ").append(m).append("\r\n");
        }
        return new PolicyServer(ca.issue("mta-sts.a.test")).policy(policy.append("max_age: 86400\r\n").toString());
    }

    @Test
    void withoutAPolicyThePreferredHostGetsTheMailWhateverItsCertificate() throws Exception {
        try (var mx1 = mx("127.0.0.2", "mx1.a.test"); var mx2 = mx("127.0.0.3", "elsewhere.test");
             var policies = policyServer("enforce", "*.a.test")) {
            // no _mta-sts TXT record: no policy
            assertThat(deliver(policies)).singleElement().satisfies(o -> {
                assertThat(o.delivered()).isTrue();
                assertThat(o.relay()).startsWith("mx2.a.test[");
            });
            assertThat(mx2.messages()).singleElement().satisfies(t -> assertThat(t.tls()).isTrue());
            assertThat(mx1.connections()).isZero();
            assertThat(policies.requests()).isZero();
        }
    }

    @Test
    void enforceDeliversOnlyToTheHostWhoseCertificateIsVerified() throws Exception {
        try (var mx1 = mx("127.0.0.2", "mx1.a.test"); var mx2 = mx("127.0.0.3", "elsewhere.test");
             var policies = policyServer("enforce", "*.a.test")) {
            dns.txt("_mta-sts.a.test", "v=STSv1; id=20261129;");
            assertThat(deliver(policies)).singleElement().satisfies(o -> {
                assertThat(o.delivered()).isTrue();
                assertThat(o.relay()).startsWith("mx1.a.test[");
            });
            assertThat(mx2.connections()).isEqualTo(1); // tried first, refused at the certificate
            assertThat(mx2.messages()).isEmpty();
            assertThat(mx1.messages()).singleElement().satisfies(t -> assertThat(t.tls()).isTrue());
        }
    }

    @Test
    void enforceNeverConnectsToAnMxHostThePolicyDoesNotName() throws Exception {
        try (var mx1 = mx("127.0.0.2", "mx1.a.test"); var mx2 = mx("127.0.0.3", "mx2.a.test");
             var policies = policyServer("enforce", "mx1.a.test")) {
            dns.txt("_mta-sts.a.test", "v=STSv1; id=1;");
            assertThat(deliver(policies)).singleElement().satisfies(o -> assertThat(o.relay()).startsWith("mx1.a.test["));
            assertThat(mx2.connections()).isZero();
        }
    }

    @Test
    void enforceWithNoHostLeftDefersWith475AndSendsNothing() throws Exception {
        try (var mx1 = mx("127.0.0.2", "elsewhere.test"); var mx2 = mx("127.0.0.3", "elsewhere.test");
             var policies = policyServer("enforce", "*.a.test")) {
            dns.txt("_mta-sts.a.test", "v=STSv1; id=1;");
            assertThat(deliver(policies)).singleElement().satisfies(o -> {
                assertThat(o.delivered()).isFalse();
                assertThat(o.reply().code()).isEqualTo(451);
                assertThat(o.reply().status()).isEqualTo("4.7.5");
            });
            assertThat(mx1.messages()).isEmpty();
            assertThat(mx2.messages()).isEmpty();
        }
        try (var mx1 = mx("127.0.0.2", "mx1.a.test"); var mx2 = mx("127.0.0.3", "mx2.a.test");
             var policies = policyServer("enforce", "mx.other.test")) {
            dns.txt("_mta-sts.a.test", "v=STSv1; id=1;");
            assertThat(deliver(policies)).singleElement().satisfies(o -> {
                assertThat(o.reply().status()).isEqualTo("4.7.5");
                assertThat(o.reply().toString()).contains("names none of its MX hosts");
            });
            assertThat(mx1.connections() + mx2.connections()).isZero();
        }
    }

    @Test
    void testingDeliversAsWithoutAPolicy() throws Exception {
        try (var mx1 = mx("127.0.0.2", "mx1.a.test"); var mx2 = mx("127.0.0.3", "elsewhere.test");
             var policies = policyServer("testing", "mx1.a.test")) {
            dns.txt("_mta-sts.a.test", "v=STSv1; id=1;");
            assertThat(deliver(policies)).singleElement().satisfies(o -> assertThat(o.relay()).startsWith("mx2.a.test["));
            assertThat(mx2.messages()).hasSize(1);
            assertThat(policies.requests()).isEqualTo(1);
        }
    }
}
