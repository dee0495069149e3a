package tern.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.client.ClientSettings;
import tern.client.ConnectionCache;
import tern.config.TernConfig;
import tern.dns.MailDns;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.queue.QueueId;
import tern.route.Masquerade;
import tern.route.NextHop;
import tern.route.Route;
import tern.testing.ScriptedSmtpServer;
import tern.testing.TestDnsServer;

class RemoteDeliveryTest {

    private TestDnsServer dns;
    private MailDns resolver;
    private ConnectionCache cache;
    private int port;
    private final tern.metrics.TernMetrics metrics = new tern.metrics.TernMetrics();

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        resolver = MailDns.builder(List.of(dns.address())).timeout(Duration.ofMillis(500))
                .random(new Random(1)).build();
        cache = new ConnectionCache(Duration.ofSeconds(30), 4, InstantSource.system());
        try (var probe = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.2"))) {
            port = probe.getLocalPort(); // the "port 25" of every test MX host
        }
    }

    @AfterEach
    void stop() {
        cache.close();
        resolver.close();
        dns.close();
    }

    private RemoteDelivery delivery(Masquerade masquerade) {
        var settings = new ClientSettings("relay.tern.test", Duration.ofSeconds(2), TernConfig.OutboundTls.OFF, null, null);
        return new RemoteDelivery(resolver, cache, settings, settings, port, masquerade, metrics);
    }

    private static Envelope envelope(String from, String... to) {
        int at = from.indexOf('@');
        return new Envelope(new QueueId("0TEST"), ReversePath.of(new Mailbox(from.substring(0, at), from.substring(at + 1))),
                java.util.Arrays.stream(to).map(t -> Recipient.of(new Mailbox(t.substring(0, t.indexOf('@')),
                        t.substring(t.indexOf('@') + 1)))).toList(),
                Body.SEVEN_BIT, false, null, null, -1, "127.0.0.1", "client.test", Instant.now());
    }

    private static final byte[] MESSAGE = "Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void theLowestPreferenceIsTriedFirstAndTheNextOneOnFailure() throws Exception {
        try (var primary = ScriptedSmtpServer.builder().bind("127.0.0.2").port(port)
                .greeting("421 4.3.2 busy, try another").start();
             var backup = ScriptedSmtpServer.builder().bind("127.0.0.3").port(port).start()) {
            dns.mx("b.test", 20, "mx2.b.test").mx("b.test", 10, "mx1.b.test")
                    .a("mx1.b.test", "127.0.0.2").a("mx2.b.test", "127.0.0.3");

            var outcomes = delivery(Masquerade.of(TernConfig.defaults("h"))).deliver(new Route.Mx("b.test"),
                    envelope("a@x.test", "bob@b.test"), envelope("a@x.test", "bob@b.test").recipients(), MESSAGE);

            assertThat(outcomes).singleElement().satisfies(o -> {
                assertThat(o.delivered()).isTrue();
                assertThat(o.relay()).isEqualTo("mx2.b.test[127.0.0.3]:" + port);
            });
            assertThat(primary.connections()).isEqualTo(1);
            assertThat(backup.messages()).singleElement()
                    .satisfies(t -> assertThat(t.heloName()).isEqualTo("relay.tern.test"));
        }
    }

    @Test
    void aNullMxFailsPermanentlyWith5110() {
        dns.nullMx("nomail.test");
        var e = envelope("a@x.test", "bob@nomail.test");
        var outcomes = delivery(Masquerade.of(TernConfig.defaults("h")))
                .deliver(new Route.Mx("nomail.test"), e, e.recipients(), MESSAGE);
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.outcome().isPermanent()).isTrue();
            assertThat(o.outcome().status()).hasToString("5.1.10");
            // Tern's own verdict from DNS: no server said it.
            assertThat(o.outcome()).isInstanceOf(tern.outcome.LocalDecision.class);
        });
    }

    @Test
    void aDomainWithoutMxIsItsOwnImplicitMx() throws Exception {
        try (var host = ScriptedSmtpServer.builder().bind("127.0.0.2").port(port).start()) {
            dns.a("plain.test", "127.0.0.2");
            var e = envelope("a@x.test", "bob@plain.test");
            var outcomes = delivery(Masquerade.of(TernConfig.defaults("h")))
                    .deliver(new Route.Mx("plain.test"), e, e.recipients(), MESSAGE);
            assertThat(outcomes).singleElement().satisfies(o -> assertThat(o.delivered()).isTrue());
            assertThat(host.messages()).hasSize(1);
        }
    }

    @Test
    void aRefusingMxFallsBackToTheSmartHostWhenDirectDeliveryComesFirst() throws Exception {
        try (var mx = ScriptedSmtpServer.builder().bind("127.0.0.2").port(port)
                .failFirst(ScriptedSmtpServer.Verb.RCPT, 10, "451 4.7.1 greylisted").start();
             var smart = ScriptedSmtpServer.builder().bind("127.0.0.4").start()) {
            dns.mx("c.test", 10, "mx.c.test").a("mx.c.test", "127.0.0.2");
            var route = new Route.DirectThenSmartHost("c.test", NextHop.parse("[127.0.0.4]:" + smart.port(), 25));
            var e = envelope("a@x.test", "carol@c.test");

            var outcomes = delivery(Masquerade.of(TernConfig.defaults("h"))).deliver(route, e, e.recipients(), MESSAGE);

            assertThat(outcomes).singleElement().satisfies(o -> {
                assertThat(o.delivered()).isTrue();
                assertThat(o.relay()).isEqualTo("127.0.0.4[127.0.0.4]:" + smart.port());
            });
            assertThat(mx.messages()).isEmpty();
            assertThat(smart.messages()).hasSize(1);
        }
    }

    @Test
    void aPermanentRefusalFromTheMxIsFinalEvenWithASmartHostBehind() throws Exception {
        try (var mx = ScriptedSmtpServer.builder().bind("127.0.0.2").port(port)
                .rcpt("carol@c.test", "550 5.1.1 no such user").start();
             var smart = ScriptedSmtpServer.builder().bind("127.0.0.4").start()) {
            dns.mx("c.test", 10, "mx.c.test").a("mx.c.test", "127.0.0.2");
            var route = new Route.DirectThenSmartHost("c.test", NextHop.parse("[127.0.0.4]:" + smart.port(), 25));
            var e = envelope("a@x.test", "carol@c.test");

            var outcomes = delivery(Masquerade.of(TernConfig.defaults("h"))).deliver(route, e, e.recipients(), MESSAGE);

            assertThat(outcomes).singleElement().satisfies(o -> assertThat(o.outcome().text()).startsWith("550 5.1.1"));
            assertThat(smart.connections()).isZero();
        }
    }

    @Test
    void theMasqueradeDomainReplacesALocalSenderDomainInMailFromOnly() throws Exception {
        try (var hop = ScriptedSmtpServer.builder().bind("127.0.0.2").start()) {
            var masquerade = new Masquerade("example.com", List.of("internal.test"));
            var e = envelope("alice@internal.test", "bob@far.test");
            var route = new Route.Relay(NextHop.parse("[127.0.0.2]:" + hop.port(), 25), Route.Reason.SMART_HOST, "far.test");

            delivery(masquerade).deliver(route, e, e.recipients(), "From: alice@internal.test\r\n\r\nx\r\n".getBytes());

            var received = hop.messages().getFirst();
            assertThat(received.reversePath()).isEqualTo("alice@example.com");
            assertThat(received.dataText()).startsWith("From: alice@internal.test");
        }
    }

    @Test
    void aCachedConnectionThatDiesBeforeMailIsAnsweredIsReplacedAndTheMessageStillGoesOut() throws Exception {
        // The second transaction (the first on the reused connection) never gets a reply to MAIL.
        try (var hop = ScriptedSmtpServer.builder().bind("127.0.0.2")
                .on(ScriptedSmtpServer.Verb.MAIL, x -> x.transaction() == 2 ? ScriptedSmtpServer.HANG : null).start()) {
            var e = envelope("a@x.test", "bob@far.test");
            var route = new Route.Relay(NextHop.parse("[127.0.0.2]:" + hop.port(), 25), Route.Reason.SMART_HOST, "far.test");
            var delivery = delivery(Masquerade.of(TernConfig.defaults("h")));

            var first = delivery.deliver(route, e, e.recipients(), MESSAGE);
            var second = delivery.deliver(route, e, e.recipients(), MESSAGE);

            assertThat(first).singleElement().satisfies(o -> assertThat(o.delivered()).isTrue());
            assertThat(second).singleElement().satisfies(o -> assertThat(o.delivered()).isTrue());
            assertThat(hop.connections()).isEqualTo(2);
            assertThat(hop.messages()).hasSize(2);
        }
    }

    @Test
    void recipientsRefusedAndAcceptedInOneTransactionEachGetTheirOwnOutcome() throws Exception {
        try (var hop = ScriptedSmtpServer.builder().bind("127.0.0.2").rcpt("no@far.test", "550 5.1.1 unknown").start()) {
            var e = envelope("a@x.test", "yes@far.test", "no@far.test");
            var route = new Route.Relay(NextHop.parse("[127.0.0.2]:" + hop.port(), 25), Route.Reason.ROUTE_DOMAIN, "far.test");

            var outcomes = delivery(Masquerade.of(TernConfig.defaults("h"))).deliver(route, e, e.recipients(), MESSAGE);

            assertThat(outcomes).extracting(o -> o.recipient().address().localPart() + " " + o.outcome().code())
                    .containsExactly("yes 250", "no 550");
            assertThat(hop.transactions()).hasSize(1);
            InetSocketAddress unused = hop.address();
            assertThat(unused.getPort()).isEqualTo(hop.port());
        }
    }

    @Test
    void aRefusedConnectionAndA421GreetingAreTernsDecisionsWithTheHostsOwnReplyKeptApart() throws Exception {
        var e = envelope("a@x.test", "b@far.test");
        int closed;
        try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.2"))) {
            closed = probe.getLocalPort(); // nothing listens here once the probe closes
        }
        var nowhere = new Route.Relay(NextHop.parse("[127.0.0.2]:" + closed, 25), Route.Reason.SMART_HOST, "far.test");
        var refused = delivery(Masquerade.of(TernConfig.defaults("h"))).deliver(nowhere, e, e.recipients(), MESSAGE);
        assertThat(refused).singleElement().satisfies(o -> {
            var decision = (tern.outcome.LocalDecision) o.outcome();
            assertThat(decision.reason()).isEqualTo(tern.outcome.LocalDecision.Reason.CONNECTION_FAILED);
            assertThat(decision.words()).isEqualTo("connection refused by [127.0.0.2]:" + closed);
            assertThat(o.isTransient()).isTrue();
        });

        try (var busy = ScriptedSmtpServer.builder().bind("127.0.0.2").greeting("421 4.7.0 Too busy, try later").start()) {
            var route = new Route.Relay(NextHop.parse("[127.0.0.2]:" + busy.port(), 25), Route.Reason.SMART_HOST, "far.test");
            var outcomes = delivery(Masquerade.of(TernConfig.defaults("h"))).deliver(route, e, e.recipients(), MESSAGE);
            assertThat(outcomes).singleElement().satisfies(o -> {
                var decision = (tern.outcome.LocalDecision) o.outcome();
                assertThat(decision.reason()).isEqualTo(tern.outcome.LocalDecision.Reason.HOST_REFUSED);
                assertThat(decision.cause()).isEqualTo(new tern.outcome.RemoteReply(
                        new tern.smtp.Reply(421, "4.7.0", "Too busy, try later"), "127.0.0.2", "[127.0.0.2]:" + busy.port()));
            });
        }
    }

    @Test
    void anEightBitMessageForAHostWithout8bitmimeIsTernsRefusalNotTheHosts() throws Exception {
        try (var hop = ScriptedSmtpServer.builder().bind("127.0.0.2").without("8BITMIME").start()) {
            var plain = envelope("a@x.test", "b@far.test");
            var e = new Envelope(plain.id(), plain.reversePath(), plain.recipients(), Body.EIGHT_BIT_MIME, false, null,
                    null, -1, "127.0.0.1", "client.test", Instant.now());
            var route = new Route.Relay(NextHop.parse("[127.0.0.2]:" + hop.port(), 25), Route.Reason.SMART_HOST, "far.test");

            var outcomes = delivery(Masquerade.of(TernConfig.defaults("h"))).deliver(route, e, e.recipients(),
                    "Subject: caf\u00e9\r\n\r\ncaf\u00e9\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));

            assertThat(outcomes).singleElement().satisfies(o -> {
                var decision = (tern.outcome.LocalDecision) o.outcome();
                assertThat(decision.reason()).isEqualTo(tern.outcome.LocalDecision.Reason.MESSAGE_REFUSED);
                assertThat(decision.peer()).isEqualTo("[127.0.0.2]:" + hop.port());
                assertThat(o.outcome().isPermanent()).isTrue();
            });
            assertThat(hop.messages()).isEmpty();
        }
    }

    @Test
    void anOpenConnectionCountsInTheOutboundGaugeUntilItCloses() throws Exception {
        try (var hop = ScriptedSmtpServer.builder().bind("127.0.0.2").start()) {
            var e = envelope("a@x.test", "b@far.test");
            var route = new Route.Relay(NextHop.parse("[127.0.0.2]:" + hop.port(), 25), Route.Reason.SMART_HOST, "far.test");
            delivery(Masquerade.of(TernConfig.defaults("h"))).deliver(route, e, e.recipients(), MESSAGE);
            delivery(Masquerade.of(TernConfig.defaults("h"))).deliver(route, e, e.recipients(), MESSAGE);

            assertThat(hop.connections()).as("the second message reuses the cached connection").isEqualTo(1);
            assertThat(metrics.scrape()).contains("tern_smtp_outbound_connections 1.0");
            cache.close();
            assertThat(metrics.scrape()).contains("tern_smtp_outbound_connections 0.0");
        }
    }
}
