package tern.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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
import tern.dns.ValidatedDns;
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
 * DANE over real SMTP on loopback: a DNS server serving a zone the test signs (its DS record
 * is the validator's trust anchor), an MX host with a certificate from a CA made here (not
 * trusted by the JDK), and TLSA records that match it or not.
 */
class DaneDeliveryTest {
    private static final byte[] MESSAGE = "Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
    private static TestCertificateAuthority ca;
    private static TestCertificateAuthority.Issued mxCertificate;

    private TestDnsServer dns;
    private MailDns resolver;
    private ValidatedDns validated;
    private ConnectionCache cache;
    private int port;
    private final TernMetrics metrics = new TernMetrics();

    @BeforeAll
    static void authority() {
        ca = TestCertificateAuthority.create("Tern DANE Test CA");
        mxCertificate = ca.issue("mx1.secure.test");
    }

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        String anchor = dns.sign("secure.test");
        resolver = MailDns.builder(List.of(dns.address())).timeout(Duration.ofMillis(500)).random(new Random(1)).build();
        validated = ValidatedDns.builder(List.of(dns.address())).timeout(Duration.ofSeconds(2)).trustAnchors(anchor).build();
        cache = new ConnectionCache(Duration.ofSeconds(30), 4, InstantSource.system());
        try (var probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
            port = probe.getLocalPort();
        }
        dns.mx("secure.test", 10, "mx1.secure.test").a("mx1.secure.test", "127.0.0.2")
                .mx("plain.test", 10, "mx1.plain.test").a("mx1.plain.test", "127.0.0.2");
    }

    @AfterEach
    void stop() {
        cache.close();
        validated.close();
        resolver.close();
        dns.close();
    }

    private ScriptedSmtpServer mx() throws Exception {
        return ScriptedSmtpServer.builder().bind("127.0.0.2").port(port).startTls(mxCertificate.serverContext()).start();
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    private List<RecipientOutcome> deliver(String domain, MtaSts mtaSts) {
        var settings = new ClientSettings("relay.tern.test", Duration.ofSeconds(5), OutboundTls.OPPORTUNISTIC, null, null);
        var delivery = new RemoteDelivery(resolver, cache, TlsPolicy.of(settings, settings), port,
                Masquerade.of(TernConfig.defaults("h")), metrics)
                .authenticating(MxAuthentication.of(mtaSts, new Dane(validated, port), List.of()));
        Envelope e = new Envelope(new QueueId("0DANE"), ReversePath.of(new Mailbox("a", "x.test")),
                List.of(Recipient.of(new Mailbox("bob", domain))), Body.SEVEN_BIT, false, null, null, -1,
                "127.0.0.1", "client.test", Instant.now());
        return delivery.deliver(new Route.Mx(domain), e, e.recipients(), MESSAGE);
    }

    @Test
    void aDaneEeRecordMatchingTheServerKeyDelivers() throws Exception {
        dns.tlsa("mx1.secure.test", port, 3, 1, 1, sha256(mxCertificate.certificate().getPublicKey().getEncoded()));
        try (var mx = mx()) {
            assertThat(deliver("secure.test", null)).singleElement().satisfies(o -> assertThat(o.delivered()).isTrue());
            assertThat(mx.messages()).singleElement().satisfies(t -> assertThat(t.tls()).isTrue());
        }
    }

    @Test
    void aDaneTaRecordNamingTheIssuingCaDelivers() throws Exception {
        dns.tlsa("mx1.secure.test", port, 2, 0, 1, sha256(ca.certificate().getEncoded()));
        try (var mx = mx()) {
            assertThat(deliver("secure.test", null)).singleElement().satisfies(o -> assertThat(o.delivered()).isTrue());
            assertThat(mx.messages()).hasSize(1);
        }
    }

    @Test
    void tlsaRecordsThatDoNotMatchDeferWith475AndNothingIsDelivered() throws Exception {
        dns.tlsa("mx1.secure.test", port, 3, 1, 1, sha256("another key".getBytes(StandardCharsets.US_ASCII)));
        try (var mx = mx()) {
            assertThat(deliver("secure.test", null)).singleElement().satisfies(o -> {
                assertThat(o.delivered()).isFalse();
                assertThat(o.reply().code()).isEqualTo(451);
                assertThat(o.reply().status()).isEqualTo("4.7.5");
                assertThat(o.reply().toString()).contains("matches none of its 1 DANE TLSA record");
            });
            assertThat(mx.messages()).isEmpty();
        }
    }

    @Test
    void aDaneTaRecordDoesNotExcuseACertificateForAnotherName() throws Exception {
        dns.tlsa("mx1.secure.test", port, 2, 0, 1, sha256(ca.certificate().getEncoded()));
        TestCertificateAuthority.Issued other = ca.issue("mx9.elsewhere.test");
        try (var mx = ScriptedSmtpServer.builder().bind("127.0.0.2").port(port).startTls(other.serverContext()).start()) {
            assertThat(deliver("secure.test", null)).singleElement().satisfies(o -> {
                assertThat(o.reply().status()).isEqualTo("4.7.5");
                assertThat(o.reply().toString()).contains("does not name it");
            });
            assertThat(mx.messages()).isEmpty();
        }
    }

    @Test
    void aServerThatStopsOfferingStarttlsGetsNothingWhenTlsaRecordsExist() throws Exception {
        dns.tlsa("mx1.secure.test", port, 3, 1, 1, sha256(mxCertificate.certificate().getPublicKey().getEncoded()));
        try (var mx = ScriptedSmtpServer.builder().bind("127.0.0.2").port(port).start()) {
            assertThat(deliver("secure.test", null)).singleElement().satisfies(o -> {
                assertThat(o.delivered()).isFalse();
                assertThat(o.reply().code()).isEqualTo(451);
            });
            assertThat(mx.messages()).isEmpty();
        }
    }

    @Test
    void tlsaRecordsThatDoNotValidateMakeTheHostUnusableAndTheMailWaits() throws Exception {
        dns.tlsa("mx1.secure.test", port, 3, 1, 1, sha256(mxCertificate.certificate().getPublicKey().getEncoded()))
                .forgeSignatures("_" + port + "._tcp.mx1.secure.test", org.xbill.DNS.Type.TLSA);
        try (var mx = mx()) {
            assertThat(deliver("secure.test", null)).singleElement().satisfies(o -> {
                assertThat(o.delivered()).isFalse();
                assertThat(o.reply().status()).isEqualTo("4.7.5");
                assertThat(o.reply().toString()).contains("TLSA records of mx1.secure.test unknown");
            });
            assertThat(mx.connections()).isZero();
        }
    }

    @Test
    void mxRecordsThatDoNotValidateDeferTheDomain() throws Exception {
        dns.forgeSignatures("secure.test", org.xbill.DNS.Type.MX);
        try (var mx = mx()) {
            assertThat(deliver("secure.test", null)).singleElement().satisfies(o -> {
                assertThat(o.reply().status()).isEqualTo("4.7.5");
                assertThat(o.reply().toString()).contains("DNSSEC validation of the MX records of secure.test failed");
            });
            assertThat(mx.connections()).isZero();
        }
    }

    @Test
    void anUnsignedZoneIsOrdinaryOpportunisticTlsWhateverItsTlsaRecordsSay() throws Exception {
        dns.tlsa("mx1.plain.test", port, 3, 1, 1, sha256("another key".getBytes(StandardCharsets.US_ASCII)));
        try (var mx = mx()) {
            assertThat(deliver("plain.test", null)).singleElement().satisfies(o -> assertThat(o.delivered()).isTrue());
            assertThat(mx.messages()).singleElement().satisfies(t -> assertThat(t.tls()).isTrue());
        }
    }

    @Test
    void daneWinsOverAnMtaStsPolicyThatNamesAnotherHost() throws Exception {
        dns.tlsa("mx1.secure.test", port, 3, 1, 1, sha256(mxCertificate.certificate().getPublicKey().getEncoded()));
        dns.txt("_mta-sts.secure.test", "v=STSv1; id=1;");
        try (var mx = mx();
             var policies = new PolicyServer(ca.issue("mta-sts.secure.test"))
                     .policy("version: STSv1\r\nmode: enforce\r\nmx: other.secure.test\r\nmax_age: 86400\r\n")) {
            MtaSts sts = new MtaSts(resolver, new StsPolicyFetcher(List.of(ca.certificate()), Duration.ofSeconds(10),
                    policies.locator()), InstantSource.system());
            assertThat(deliver("secure.test", sts)).singleElement().satisfies(o -> assertThat(o.delivered()).isTrue());
            assertThat(mx.messages()).hasSize(1);
            assertThat(policies.requests()).isZero(); // the only MX host is DANE's: the policy was not needed
        }
    }
}
