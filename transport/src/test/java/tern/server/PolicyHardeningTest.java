package tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import tern.testing.Eventually;
import tern.testing.SmtpTestClient;
import tern.testing.SmtpTestClient.Reply;

/** Protocol hardening: pregreeting, HTTP, NUL, long names, the error limit, connections per client. */
class PolicyHardeningTest {

    private static void expect(Reply reply, int code, String status) {
        assertThat(reply.code()).as(reply.toString()).isEqualTo(code);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
    }

    private static ServerFixture start(PolicyConfig config) {
        return ServerFixture.start(config.build(), new RecordingSpool());
    }

    @Test
    void aClientThatTalksBeforeTheGreetingIsDropped() {
        PolicyConfig config = new PolicyConfig();
        config.greetingDelay = Duration.ofMillis(300);
        try (ServerFixture f = start(config); SmtpTestClient c = SmtpTestClient.connect(f.address())) {
            c.command("EHLO hasty.example");
            expect(c.read(), 554, "5.5.1");
            assertThat(c.isClosedByServer()).isTrue();
        }
        try (ServerFixture f = start(config); SmtpTestClient patient = f.connect()) { // waits for its 220
            patient.expect("EHLO patient.example", 250);
        }
    }

    @Test
    void anHttpRequestEndsTheSession() {
        try (ServerFixture f = start(new PolicyConfig()); SmtpTestClient c = f.connect()) {
            c.send("POST / HTTP/1.1\r\nHost: mx.tern.test\r\nContent-Length: 20\r\n\r\nEHLO x\r\nMAIL FROM:<a@b>\r\n");
            expect(c.read(), 554, "5.7.0");
            assertThat(c.isClosedByServer()).isTrue();
        }
    }

    @Test
    void nulCrAndLfInsideNamesAddressesAndParametersAreRefused() {
        try (ServerFixture f = start(new PolicyConfig()); SmtpTestClient c = f.connect()) {
            expect(c.send("EHLO a\0b.example\r\n").read(), 501, "5.5.4");
            expect(c.send("EHLO a\rb.example\r\n").read(), 500, "5.5.2");
            expect(c.send("EHLO a\tb.example\r\n").read(), 501, "5.5.4");
            expect(c.command("EHLO " + "a".repeat(256)).read(), 501, "5.5.4");
            c.expect("EHLO client.example", 250);
            expect(c.send("MAIL FROM:<a\0b@b.example>\r\n").read(), 501, "5.5.4");
            expect(c.send("MAIL FROM:<a@b.example> ENVID=a\0b\r\n").read(), 501, "5.5.4");
            expect(c.command("MAIL FROM:<a@b.example> ENVID=\"abc").read(), 501, "5.5.4");
            c.expect("MAIL FROM:<a@b.example>", 250);
            expect(c.send("RCPT TO:<x@tern.test\nRCPT TO:<y@tern.test>\r\n").read(), 500, "5.5.2");
            expect(c.send("RCPT TO:<\"x\0\"@tern.test>\r\n").read(), 501, "5.5.4");
        }
    }

    @Test
    void aSessionPastTheErrorLimitGets421AndIsClosed() {
        PolicyConfig config = new PolicyConfig();
        config.maxErrors = 3;
        try (ServerFixture f = start(config); SmtpTestClient c = f.greeted()) {
            c.send("FROB\r\nFROB\r\nNOOP\r\nFROB\r\nNOOP\r\n");
            expect(c.read(), 500, "5.5.1");
            expect(c.read(), 500, "5.5.1");
            expect(c.read(), 250, "2.0.0");
            expect(c.read(), 500, "5.5.1");
            expect(c.read(), 421, "4.7.0");
            assertThat(c.isClosedByServer()).isTrue();
        }
    }

    @Test
    void connectionsBeyondThePerClientLimitGet421AndTheCountsReturnToZero() {
        PolicyConfig config = new PolicyConfig();
        config.maxConnectionsPerClient = 2;
        try (ServerFixture f = start(config)) {
            SmtpTestClient one = f.connect();
            SmtpTestClient two = f.connect();
            try (SmtpTestClient three = SmtpTestClient.connect(f.address())) {
                expect(three.read(), 421, "4.7.0");
                assertThat(three.isClosedByServer()).isTrue();
            }
            one.close();
            Eventually.await("one session left", () -> f.server.openSessions() == 1);
            try (SmtpTestClient again = f.connect()) {
                again.expect("NOOP", 250);
            }
            two.close();
            Eventually.await("every count back to zero", () -> f.server.openSessions() == 0 && f.server.openConnections() == 0
                    && f.server.connectedClientAddresses() == 0);
        }
    }
}
