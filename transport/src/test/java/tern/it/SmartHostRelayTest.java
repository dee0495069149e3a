package tern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.queue.QueueId;
import tern.testing.LoopbackPorts;
import tern.testing.RequiredTool;
import tern.testing.ScriptedSmtpServer;
import tern.testing.SmtpSink;
import tern.testing.TernInstance;
import tern.testing.TestDnsServer;

/**
 * Relaying to Postfix's smtp-sink, an SMTP server that is not ours: what arrives there
 * (envelope and header fields) is what the smart host, route domain and masquerade settings
 * promise.
 */
class SmartHostRelayTest {

    private static final Duration ARRIVAL = Duration.ofSeconds(10);
    private static final String FQDN = "relay.tern.test";

    @TempDir
    static Path dir;

    static SmtpSink smartHost;
    static SmtpSink partner;
    static TernInstance tern;

    @BeforeAll
    static void start() throws Exception {
        RequiredTool.require(SmtpSink.installed(), "Postfix's smtp-sink is not installed");
        smartHost = LoopbackPorts.startOnFreePort(port -> SmtpSink.start("127.0.0.1", port));
        partner = LoopbackPorts.startOnFreePort(port -> SmtpSink.start("127.0.0.1", port));
        tern = TernInstance.start(dir, FQDN, """
                domains:
                  local: [tern.test]
                delivery:
                  smartHost: "%s"
                  masqueradeDomain: masq.tern.test
                  connections: {timeout: 5s}
                routes:
                  - {domain: partner.test, nextHop: "%s"}
                """.formatted(smartHost.nextHop(), partner.nextHop()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (tern != null) {
            tern.close();
        }
        if (smartHost != null) {
            smartHost.close();
        }
        if (partner != null) {
            partner.close();
        }
    }

    @Test
    void smartHostReceivesTheSendersReversePathOurEhloNameAndOurReceivedField() throws Exception {
        QueueId id = tern.send("<alice@remote.test>", List.of("<bob@far.test>"),
                "From: Alice <alice@remote.test>\r\nSubject: via smart host\r\n\r\nHello Bob.\r\n");

        SmtpSink.Dump got = smartHost.awaitSubject("via smart host", ARRIVAL);
        assertThat(got.reversePath()).isEqualTo("alice@remote.test"); // not a local domain: never masqueraded
        assertThat(got.recipients()).containsExactly("bob@far.test");
        assertThat(got.helo()).isEqualTo(FQDN);
        // smtp-sink's own Received comes first; ours, one hop earlier, right after it.
        assertThat(got.header("Received")).hasSize(2);
        assertThat(got.header("Received").get(1))
                .startsWith("from client.tern.test ([127.0.0.1])")
                .contains("by " + FQDN + " with ESMTP id " + id.value());
        assertThat(got.first("From")).contains("Alice <alice@remote.test>");
        assertThat(got.body()).startsWith("Hello Bob.");
    }

    @Test
    void masqueradeDomainRewritesALocalSenderInMailFromOnly() throws Exception {
        tern.send("<carol@tern.test>", List.of("<dan@far.test>"),
                "From: Carol <carol@tern.test>\r\nReply-To: carol@tern.test\r\nSubject: masqueraded\r\n\r\nHi.\r\n");

        SmtpSink.Dump got = smartHost.awaitSubject("masqueraded", ARRIVAL);
        assertThat(got.reversePath()).isEqualTo("carol@masq.tern.test");
        assertThat(got.first("From")).contains("Carol <carol@tern.test>");
        assertThat(got.first("Reply-To")).contains("carol@tern.test");
        assertThat(got.headers()).noneMatch(h -> h.contains("masq.tern.test"));
    }

    @Test
    void nullReversePathStaysNullThroughMasquerade() throws Exception {
        tern.send("<>", List.of("<erin@far.test>"), "From: MAILER-DAEMON@tern.test\r\nSubject: a bounce\r\n\r\nGone.\r\n");

        SmtpSink.Dump got = smartHost.awaitSubject("a bounce", ARRIVAL);
        assertThat(got.mailArgs()).startsWith("<>");
        assertThat(got.reversePath()).isEmpty();
        assertThat(got.recipients()).containsExactly("erin@far.test");
    }

    @Test
    void routeDomainOverridesTheSmartHost() throws Exception {
        tern.send("<alice@remote.test>", List.of("<frank@partner.test>"), "Subject: to the partner\r\n\r\nHi.\r\n");

        SmtpSink.Dump got = partner.awaitSubject("to the partner", ARRIVAL);
        assertThat(got.recipients()).containsExactly("frank@partner.test");
        assertThat(got.helo()).isEqualTo(FQDN);
        assertThat(smartHost.dumps()).noneMatch(d -> d.recipients().contains("frank@partner.test"));
    }

    @Test
    void directAttemptThatIsRefusedOrDeferredFallsBackToTheSmartHost(@TempDir Path own) throws Exception {
        try (ScriptedSmtpServer deferring = ScriptedSmtpServer.builder().bind("127.0.0.3")
                     .reply(ScriptedSmtpServer.Verb.RCPT, "451 4.7.1 Greylisted, try later").start();
             TestDnsServer dns = TestDnsServer.start()) {
            // refused.test's MX is 127.0.0.2 at the delivery port, where nothing listens.
            dns.mx("refused.test", 10, "mx.refused.test").a("mx.refused.test", "127.0.0.2");
            dns.mx("grey.test", 10, "mx.grey.test").a("mx.grey.test", "127.0.0.3");
            try (TernInstance direct = TernInstance.start(own, "direct.tern.test", """
                    domains:
                      local: [tern.test]
                    delivery:
                      smartHost: "%s"
                      attemptDirectBeforeSmartHost: true
                      port: %d
                      connections: {timeout: 5s}
                    dns:
                      servers: ["%s"]
                    """.formatted(smartHost.nextHop(), deferring.port(), dns.server()))) {
                direct.send("<alice@remote.test>", List.of("<gina@refused.test>"), "Subject: refused direct\r\n\r\nx\r\n");
                direct.send("<alice@remote.test>", List.of("<hank@grey.test>"), "Subject: deferred direct\r\n\r\nx\r\n");

                SmtpSink.Dump refused = smartHost.awaitSubject("refused direct", ARRIVAL);
                SmtpSink.Dump deferred = smartHost.awaitSubject("deferred direct", ARRIVAL);
                assertThat(refused.recipients()).containsExactly("gina@refused.test");
                assertThat(deferred.recipients()).containsExactly("hank@grey.test");
                assertThat(deferred.helo()).isEqualTo("direct.tern.test");
                // The direct attempt really happened first: the MX heard the RCPT and deferred it.
                assertThat(dns.queries("grey.test", org.xbill.DNS.Type.MX)).isPositive();
                assertThat(deferring.commands()).anyMatch(c -> c.line().equalsIgnoreCase("RCPT TO:<hank@grey.test>"));
                assertThat(deferring.messages()).isEmpty();
            }
        }
    }
    /** A server that tries the recipient's MX first and the smart host after, asking {@code dns}. */
    private static TernInstance directFirst(Path own, TestDnsServer dns) throws Exception {
        return TernInstance.start(own, "direct.tern.test", """
                domains:
                  local: [tern.test]
                delivery:
                  smartHost: "%s"
                  attemptDirectBeforeSmartHost: true
                  connections: {timeout: 5s}
                dns:
                  servers: ["%s"]
                """.formatted(smartHost.nextHop(), dns.server()));
    }

    @Test
    void directAttemptToADomainOurDnsDoesNotKnowFallsBackToTheSmartHost(@TempDir Path own) throws Exception {
        // Split horizon: inside.corp.test exists only in the smart host's view; ours says NXDOMAIN.
        try (TestDnsServer dns = TestDnsServer.start(); TernInstance direct = directFirst(own, dns)) {
            direct.send("<alice@tern.test>", List.of("<ivan@inside.corp.test>"), "Subject: split horizon\r\n\r\nx\r\n");

            SmtpSink.Dump got = smartHost.awaitSubject("split horizon", ARRIVAL);
            assertThat(got.recipients()).containsExactly("ivan@inside.corp.test");
            assertThat(dns.queries("inside.corp.test", org.xbill.DNS.Type.MX)).isPositive();
            assertThat(direct.maildir("alice", "tern.test")).isEmpty(); // no bounce
        }
    }

    @Test
    void directAttemptToANullMxDomainFailsWithoutTheSmartHost(@TempDir Path own) throws Exception {
        try (TestDnsServer dns = TestDnsServer.start()) {
            dns.nullMx("nomail.test");
            try (TernInstance direct = directFirst(own, dns)) {
                direct.send("<alice@tern.test>", List.of("<judy@nomail.test>"), "Subject: to a null MX\r\n\r\nx\r\n");

                String ndr = direct.awaitMaildir("alice", "tern.test", 1, ARRIVAL).getFirst();
                assertThat(ndr).contains("Status: 5.1.10").contains("judy@nomail.test");
                assertThat(smartHost.dumps()).noneMatch(d -> d.recipients().contains("judy@nomail.test"));
            }
        }
    }
    @Test
    void addressLiteralGoesToTheSmartHostAndNothingConnectsToTheLiteral(@TempDir Path own) throws Exception {
        try (ScriptedSmtpServer literal = ScriptedSmtpServer.builder().bind("127.0.0.9").start();
             TernInstance viaSmartHost = TernInstance.start(own, "literal.tern.test", """
                     domains:
                       local: [tern.test]
                     delivery:
                       smartHost: "%s"
                       port: %d
                       connections: {timeout: 5s}
                     """.formatted(smartHost.nextHop(), literal.port()))) {
            viaSmartHost.send("<alice@tern.test>", List.of("<kim@[127.0.0.9]>"), "Subject: to a literal\r\n\r\nx\r\n");

            SmtpSink.Dump got = smartHost.awaitSubject("to a literal", ARRIVAL);
            assertThat(got.recipients()).containsExactly("kim@[127.0.0.9]");
            assertThat(literal.connections()).isZero();
        }
    }

    @Test
    void addressLiteralWithAttemptDirectTriesTheLiteralThenTheSmartHost(@TempDir Path own) throws Exception {
        try (ScriptedSmtpServer literal = ScriptedSmtpServer.builder().bind("127.0.0.9")
                     .reply(ScriptedSmtpServer.Verb.RCPT, "451 4.3.0 Not now").start();
             TernInstance direct = TernInstance.start(own, "direct.tern.test", """
                     domains:
                       local: [tern.test]
                     delivery:
                       smartHost: "%s"
                       attemptDirectBeforeSmartHost: true
                       port: %d
                       connections: {timeout: 5s}
                     """.formatted(smartHost.nextHop(), literal.port()))) {
            direct.send("<alice@tern.test>", List.of("<lee@[127.0.0.9]>"), "Subject: literal, direct first\r\n\r\nx\r\n");

            SmtpSink.Dump got = smartHost.awaitSubject("literal, direct first", ARRIVAL);
            assertThat(got.recipients()).containsExactly("lee@[127.0.0.9]");
            assertThat(literal.commands()).anyMatch(c -> c.line().equalsIgnoreCase("RCPT TO:<lee@[127.0.0.9]>"));
        }
    }
}
