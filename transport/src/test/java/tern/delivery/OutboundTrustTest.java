package tern.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tern.outcome.RecipientOutcome;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.client.ConnectionCache;
import tern.config.TernConfig;
import tern.config.TernConfig.OutboundTls;
import tern.config.TernConfig.SmartHostAuth;
import tern.dns.MailDns;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.metrics.TernMetrics;
import tern.queue.QueueId;
import tern.route.Masquerade;
import tern.route.Router;
import tern.testing.ScriptedSmtpServer;
import tern.testing.TestCertificateAuthority;
import tern.testing.TestDnsServer;
import tern.tls.TlsPolicy;

/**
 * TLS levels and credentials over real SMTP on loopback: peers with certificates from a CA
 * made here, host names served by a test DNS server (so a name like {@code smarthost.test}
 * resolves to 127.0.0.x but is not a loopback address as written).
 */
class OutboundTrustTest {
    private static final SmartHostAuth RELAY = new SmartHostAuth("relayuser", "relay-s3cret");
    private static final SmartHostAuth PARTNER = new SmartHostAuth("partneruser", "partner-s3cret");
    private static final byte[] MESSAGE = "Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);

    static TestCertificateAuthority ca;

    private TestDnsServer dns;
    private MailDns resolver;
    private ConnectionCache cache;
    private int port;
    private final TernMetrics metrics = new TernMetrics();

    @BeforeAll
    static void authority() {
        ca = TestCertificateAuthority.create("Tern Test CA");
    }

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        dns.a("smarthost.test", "127.0.0.2").a("partner-mx.test", "127.0.0.3").a("mx.b.test", "127.0.0.4")
                .mx("b.test", 10, "mx.b.test");
        resolver = MailDns.builder(List.of(dns.address())).timeout(Duration.ofMillis(500)).random(new Random(1)).build();
        cache = new ConnectionCache(Duration.ofSeconds(30), 4, InstantSource.system());
        try (var probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
            port = probe.getLocalPort();
        }
    }

    @AfterEach
    void stop() {
        cache.close();
        resolver.close();
        dns.close();
    }

    private List<RecipientOutcome> deliver(Router router, TlsPolicy.Levels levels, String to) {
        var remote = new RemoteDelivery(resolver, cache, TlsPolicy.of("relay.tern.test", Duration.ofSeconds(5), levels),
                port, new Masquerade(null, List.of()), metrics);
        Envelope envelope = envelope("alice@tern.test", to);
        return remote.deliver(router.route(envelope.recipients().getFirst().address()), envelope, envelope.recipients(), MESSAGE);
    }

    private Router smartHost(String written) {
        return new Router(List.of("tern.test"), List.of(), written, false, port);
    }

    private static TlsPolicy.Levels levels(OutboundTls smartHostTls, boolean anchors, TlsPolicy.RouteTrust... routes) {
        return new TlsPolicy.Levels(OutboundTls.OPPORTUNISTIC, smartHostTls, RELAY, List.of(routes),
                anchors ? List.of(ca.certificate()) : List.of());
    }

    private static boolean sawCredentials(ScriptedSmtpServer server, SmartHostAuth auth) {
        String plain = Base64.getEncoder().encodeToString(("\0" + auth.username() + "\0" + auth.password())
                .getBytes(StandardCharsets.UTF_8));
        String password = Base64.getEncoder().encodeToString(auth.password().getBytes(StandardCharsets.UTF_8));
        String user = Base64.getEncoder().encodeToString(auth.username().getBytes(StandardCharsets.UTF_8));
        return server.commands().stream().anyMatch(c -> c.line().contains(plain) || c.line().contains(password)
                || c.line().contains(user) || c.line().contains(auth.password()));
    }

    @Test
    void aSmartHostWithASelfSignedCertificateNeverReceivesThePassword() throws Exception {
        try (var smart = ScriptedSmtpServer.builder().bind("127.0.0.2").port(port).auth("relayuser", "relay-s3cret")
                .startTls(ca.selfSigned("smarthost.test").serverContext()).start()) {
            List<RecipientOutcome> out = deliver(smartHost("[smarthost.test]:" + port), levels(null, true), "bob@far.test");

            // smartHostAuth set: the smart host's level is verify by default.
            assertThat(out).singleElement().satisfies(o -> {
                assertThat(o.reply().code()).isEqualTo(451);
                assertThat(o.reply().status()).isEqualTo("4.7.5");
                assertThat(o.reply().toString()).contains("smart host").contains("not trusted");
            });
            assertThat(sawCredentials(smart, RELAY)).isFalse();
            assertThat(smart.commands()).noneMatch(c -> c.line().startsWith("AUTH") || c.line().startsWith("MAIL"));
        }
    }

    @Test
    void anUnverifiedLevelChosenByTheOperatorStillWithholdsTheCredentials() throws Exception {
        try (var smart = ScriptedSmtpServer.builder().bind("127.0.0.2").port(port).auth("relayuser", "relay-s3cret")
                .startTls(ca.selfSigned("smarthost.test").serverContext()).start()) {
            List<RecipientOutcome> out = deliver(smartHost("[smarthost.test]:" + port),
                    levels(OutboundTls.REQUIRED, false), "bob@far.test");

            assertThat(out).singleElement().satisfies(o -> {
                assertThat(o.reply().status()).isEqualTo("4.7.5");
                assertThat(o.reply().toString()).contains("smart host certificate not verified").contains("credentials withheld");
            });
            assertThat(smart.commandLines(1)).contains("STARTTLS");
            assertThat(sawCredentials(smart, RELAY)).isFalse();
            assertThat(smart.commands()).noneMatch(c -> c.line().startsWith("MAIL"));
        }
    }

    @Test
    void aSmartHostNamedByAHostNameGetsNoPlaintextPasswordEvenOnLoopback() throws Exception {
        try (var smart = ScriptedSmtpServer.builder().bind("127.0.0.2").port(port).auth("relayuser", "relay-s3cret").start()) {
            List<RecipientOutcome> out = deliver(smartHost("[smarthost.test]:" + port),
                    levels(OutboundTls.OPPORTUNISTIC, false), "bob@far.test");

            assertThat(out).singleElement().satisfies(o -> {
                assertThat(o.reply().status()).startsWith("4.7.");
                assertThat(o.reply().toString()).contains("credentials withheld");
            });
            assertThat(sawCredentials(smart, RELAY)).isFalse();
        }
    }

    @Test
    void aSmartHostWrittenAsALoopbackAddressGetsThePasswordWithoutTls() throws Exception {
        try (var smart = ScriptedSmtpServer.builder().bind("127.0.0.2").port(port).auth("relayuser", "relay-s3cret").start()) {
            List<RecipientOutcome> out = deliver(smartHost("[127.0.0.2]:" + port),
                    levels(OutboundTls.OPPORTUNISTIC, false), "bob@far.test");

            assertThat(out).singleElement().satisfies(o -> assertThat(o.delivered()).isTrue());
            assertThat(smart.messages().getFirst().authUser()).isEqualTo("relayuser");
        }
    }

    @Test
    void withTheCaInTrustAnchorsTheSmartHostGetsThePasswordOverVerifiedTls() throws Exception {
        try (var smart = ScriptedSmtpServer.builder().bind("127.0.0.2").port(port).auth("relayuser", "relay-s3cret")
                .startTls(ca.issue("smarthost.test").serverContext()).start()) {
            List<RecipientOutcome> out = deliver(smartHost("[smarthost.test]:" + port), levels(null, true), "bob@far.test");

            assertThat(out).singleElement().satisfies(o -> assertThat(o.delivered()).isTrue());
            var got = smart.messages().getFirst();
            assertThat(got.tls()).isTrue();
            assertThat(got.authUser()).isEqualTo("relayuser");
            // AUTH came only after the TLS handshake.
            List<String> lines = smart.commandLines(1);
            assertThat(lines.indexOf("STARTTLS")).isLessThan(lines.indexOf(lines.stream()
                    .filter(l -> l.startsWith("AUTH")).findFirst().orElseThrow()));
        }
    }

    @Test
    void aCertificateForAnotherNameIsNotVerifiedEvenFromATrustedCa() throws Exception {
        try (var smart = ScriptedSmtpServer.builder().bind("127.0.0.2").port(port).auth("relayuser", "relay-s3cret")
                .startTls(ca.issue("other.test").serverContext()).start()) {
            List<RecipientOutcome> out = deliver(smartHost("[smarthost.test]:" + port), levels(null, true), "bob@far.test");

            assertThat(out).singleElement().satisfies(o -> {
                assertThat(o.reply().status()).isEqualTo("4.7.5");
                assertThat(o.reply().toString()).contains("does not name smarthost.test");
            });
            assertThat(sawCredentials(smart, RELAY)).isFalse();
        }
    }

    @Test
    void aRouteNextHopNeverSeesTheSmartHostsCredentials() throws Exception {
        try (var partner = ScriptedSmtpServer.builder().bind("127.0.0.3").port(port).auth("relayuser", "relay-s3cret").start()) {
            // Written as a loopback address: the old rule would have sent the smart host's password here.
            Router router = new Router(List.of("tern.test"), List.of(new TernConfig.Route("partner.test",
                    "[127.0.0.3]:" + port)), "[127.0.0.2]:" + port, false, port);
            List<RecipientOutcome> out = deliver(router, levels(null, true), "carol@partner.test");

            assertThat(out).singleElement().satisfies(o -> assertThat(o.delivered()).isTrue());
            assertThat(partner.messages().getFirst().authUser()).isNull();
            assertThat(sawCredentials(partner, RELAY)).isFalse();
        }
    }

    @Test
    void aRouteWithItsOwnCredentialsSendsThoseOverVerifiedTls() throws Exception {
        try (var partner = ScriptedSmtpServer.builder().bind("127.0.0.3").port(port).auth("partneruser", "partner-s3cret")
                .startTls(ca.issue("partner-mx.test").serverContext()).start()) {
            Router router = new Router(List.of("tern.test"), List.of(new TernConfig.Route(".partner.test",
                    "[partner-mx.test]:" + port)), "[127.0.0.2]:" + port, false, port);
            List<RecipientOutcome> out = deliver(router,
                    levels(null, true, new TlsPolicy.RouteTrust(".partner.test", null, PARTNER)), "dan@eu.partner.test");

            assertThat(out).singleElement().satisfies(o -> assertThat(o.delivered()).isTrue());
            var got = partner.messages().getFirst();
            assertThat(got.tls()).isTrue();
            assertThat(got.authUser()).isEqualTo("partneruser");
            assertThat(sawCredentials(partner, RELAY)).isFalse();
        }
    }

    @Test
    void mxVerifyFailingDefersWith475AndNeverFallsBackToPlaintext() throws Exception {
        try (var mx = ScriptedSmtpServer.builder().bind("127.0.0.4").port(port)
                .startTls(ca.selfSigned("mx.b.test").serverContext()).start()) {
            var levels = new TlsPolicy.Levels(OutboundTls.VERIFY, null, SmartHostAuth.NONE, List.of(), List.of(ca.certificate()));
            List<RecipientOutcome> out = deliver(smartHost(null), levels, "erin@b.test");

            assertThat(out).singleElement().satisfies(o -> {
                assertThat(o.isTransient()).isTrue();
                assertThat(o.reply().status()).isEqualTo("4.7.5");
                assertThat(o.reply().toString()).contains("mx.b.test");
            });
            assertThat(mx.connections()).isEqualTo(1);
            assertThat(mx.commands()).noneMatch(c -> c.line().startsWith("MAIL"));
        }
    }

    @Test
    void mxVerifyDeliversWhenTheCertificateNamesTheMxHost() throws Exception {
        try (var mx = ScriptedSmtpServer.builder().bind("127.0.0.4").port(port)
                .startTls(ca.issue("mx.b.test").serverContext()).start()) {
            var levels = new TlsPolicy.Levels(OutboundTls.VERIFY, null, SmartHostAuth.NONE, List.of(), List.of(ca.certificate()));
            List<RecipientOutcome> out = deliver(smartHost(null), levels, "erin@b.test");

            assertThat(out).singleElement().satisfies(o -> assertThat(o.delivered()).isTrue());
            assertThat(mx.messages().getFirst().tls()).isTrue();
        }
    }

    @Test
    void mxVerifyWithoutStartTlsDefers() throws Exception {
        try (var mx = ScriptedSmtpServer.builder().bind("127.0.0.4").port(port).start()) {
            var levels = new TlsPolicy.Levels(OutboundTls.VERIFY, null, SmartHostAuth.NONE, List.of(), List.of());
            List<RecipientOutcome> out = deliver(smartHost(null), levels, "erin@b.test");

            assertThat(out).singleElement().satisfies(o -> {
                assertThat(o.isTransient()).isTrue();
                assertThat(o.reply().status()).startsWith("4.7.");
            });
            assertThat(mx.commands()).noneMatch(c -> c.line().startsWith("MAIL"));
        }
    }

    private static Envelope envelope(String from, String to) {
        int at = from.indexOf('@');
        int toAt = to.indexOf('@');
        return new Envelope(new QueueId("0TEST"), ReversePath.of(new Mailbox(from.substring(0, at), from.substring(at + 1))),
                List.of(Recipient.of(new Mailbox(to.substring(0, toAt), to.substring(toAt + 1)))),
                Body.SEVEN_BIT, false, null, null, -1, "127.0.0.1", "client.test", Instant.now());
    }
}
