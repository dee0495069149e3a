package tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import tern.testing.Eventually;
import tern.testing.SmtpTestClient;

/**
 * PROXY protocol v1/v2 (server.proxyProtocol) through real SMTP on loopback: the address a
 * trusted balancer's header carries is the client's for the Received field, the envelope and
 * relay control; a header from anyone else is refused; a balancer that sends none is cut off.
 */
class ProxyProtocolTest {

    /** The 12 octets every v2 header starts with (haproxy's proxy-protocol.txt, 2.2). */
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private static ServerFixture start(List<String> proxies, RecordingSpool spool) {
        PolicyConfig config = new PolicyConfig();
        config.proxyProtocol = proxies;
        return ServerFixture.start(config.build(), spool);
    }

    /** A v2 PROXY (command 1) or LOCAL (command 0) header for TCP over IPv4. */
    static byte[] v2Header(boolean proxy, String source, int sourcePort, String destination, int destinationPort) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(V2_SIGNATURE);
        out.write(0x20 | (proxy ? 1 : 0)); // version 2, command
        out.write(0x11); // AF_INET, STREAM
        out.write(0);
        out.write(12); // address block length
        out.writeBytes(InetAddress.ofLiteral(source).getAddress());
        out.writeBytes(InetAddress.ofLiteral(destination).getAddress());
        out.write(sourcePort >> 8);
        out.write(sourcePort & 0xff);
        out.write(destinationPort >> 8);
        out.write(destinationPort & 0xff);
        return out.toByteArray();
    }

    private static void sendMessage(SmtpTestClient c, String recipient) {
        c.expect("EHLO balanced.example", 250);
        c.expect("MAIL FROM:<sender@example.org>", 250);
        c.expect("RCPT TO:<" + recipient + ">", 250);
        c.expect("DATA", 354);
        c.send("Subject: proxied\r\n\r\nhello\r\n.\r\n");
        c.expect(250);
    }

    @Test
    void aV2HeaderFromATrustedBalancerSetsTheClientAddressOfReceivedAndEnvelope() {
        var spool = new RecordingSpool();
        try (ServerFixture f = start(List.of("127.0.0.1/32"), spool);
             SmtpTestClient c = SmtpTestClient.connect(f.address())) {
            c.send(v2Header(true, "192.0.2.10", 40123, "127.0.0.1", 25));
            c.expect(220);
            sendMessage(c, "user@tern.test");
        }
        RecordingSpool.Stored stored = spool.messages().getFirst();
        assertThat(stored.envelope().clientAddress()).isEqualTo("192.0.2.10");
        assertThat(stored.text()).startsWith("Received: from balanced.example ([192.0.2.10])");
    }

    @Test
    void aProxiedAddressOutsideRelayAllowFromMayNotRelayThoughTheBalancerMay() {
        try (ServerFixture f = start(List.of("127.0.0.1"), new RecordingSpool());
             SmtpTestClient c = SmtpTestClient.connect(f.address())) {
            c.send(v2Header(true, "192.0.2.10", 40123, "127.0.0.1", 25));
            c.expect(220);
            c.expect("EHLO balanced.example", 250);
            c.expect("MAIL FROM:<sender@example.org>", 250);
            SmtpTestClient.Reply refused = c.expect("RCPT TO:<someone@elsewhere.example>", 554);
            assertThat(refused.status()).isEqualTo("5.7.1");
        }
    }

    @Test
    void aV2LocalHeaderKeepsTheBalancersOwnAddress() {
        var spool = new RecordingSpool();
        try (ServerFixture f = start(List.of("127.0.0.1/32"), spool);
             SmtpTestClient c = SmtpTestClient.connect(f.address())) {
            c.send(v2Header(false, "0.0.0.0", 0, "0.0.0.0", 0)); // a health check
            c.expect(220);
            sendMessage(c, "someone@elsewhere.example"); // 127.0.0.1 is in relay.allowFrom
        }
        assertThat(spool.messages().getFirst().envelope().clientAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void aV1HeaderWorksToo() {
        var spool = new RecordingSpool();
        try (ServerFixture f = start(List.of("127.0.0.0/8"), spool);
             SmtpTestClient c = SmtpTestClient.connect(f.address())) {
            c.send("PROXY TCP4 198.51.100.7 127.0.0.1 51000 25\r\n");
            c.expect(220);
            sendMessage(c, "user@tern.test");
        }
        assertThat(spool.messages().getFirst().text()).startsWith("Received: from balanced.example ([198.51.100.7])");
    }

    @Test
    void aHeaderFromASourceNotListedIsRefusedAndTheConnectionClosed() {
        var spool = new RecordingSpool();
        try (ServerFixture f = start(List.of("127.0.0.1/32"), spool)) {
            try (SmtpTestClient v1 = SmtpTestClient.connectFrom("127.0.0.2", f.address())) {
                v1.expect(220);
                v1.send("PROXY TCP4 192.0.2.10 127.0.0.1 40123 25\r\nEHLO sneaky.example\r\n");
                SmtpTestClient.Reply refused = v1.read();
                assertThat(refused.code()).isEqualTo(554);
                assertThat(refused.status()).isEqualTo("5.7.0");
                assertThat(v1.isClosedByServer()).isTrue();
            }
            try (SmtpTestClient v2 = SmtpTestClient.connectFrom("127.0.0.2", f.address())) {
                v2.expect(220);
                v2.send(v2Header(true, "192.0.2.10", 40123, "127.0.0.1", 25));
                assertThat(v2.read().code()).isEqualTo(554);
                assertThat(v2.isClosedByServer()).isTrue();
            }
            Eventually.await("every count back to zero",
                    () -> f.server.openSessions() == 0 && f.server.openConnections() == 0);
        }
        assertThat(spool.messages()).isEmpty();
    }

    @Test
    void aTrustedSourceWithoutAHeaderIsClosedWithoutAGreeting() {
        try (ServerFixture f = start(List.of("127.0.0.1/32"), new RecordingSpool());
             SmtpTestClient c = SmtpTestClient.connect(f.address())) {
            c.send("EHLO forgetful.example\r\n");
            assertThat(c.isClosedByServer()).isTrue();
        }
    }

    @Test
    void aClientNotBehindTheBalancerIsServedAsBefore() {
        try (ServerFixture f = start(List.of("127.0.0.1/32"), new RecordingSpool());
             SmtpTestClient c = SmtpTestClient.connectFrom("127.0.0.3", f.address())) {
            c.expect(220);
            c.expect("EHLO direct.example", 250);
        }
    }

}
