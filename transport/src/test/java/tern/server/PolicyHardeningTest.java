package tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import tern.config.TernConfig;
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

    /** A client outside relay.allowFrom: 127.0.0.1 connects, only 127.0.0.2 is trusted. */
    private static PolicyConfig untrusted() {
        PolicyConfig config = new PolicyConfig();
        config.relayFrom = java.util.List.of("127.0.0.2/32");
        return config;
    }

    @Test
    void aSessionPastTheErrorLimitGets421AndIsClosed() {
        PolicyConfig config = untrusted();
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
    void fourXxRepliesCountTowardTheErrorLimitAsTheReadmeSaysButTooManyRecipientsDoesNot() {
        PolicyConfig config = untrusted();
        config.maxErrors = 3;
        try (ServerFixture f = ServerFixture.start(config.build(), new RecordingSpool().failing());
             SmtpTestClient c = f.greeted()) {
            c.expect("MAIL FROM:<a@b.example>", 250);
            for (int i = 1; i <= 5; i++) {
                c.expect("RCPT TO:<r" + i + "@tern.test>", 250);
            }
            // Over maxRecipients: 452 4.5.3, not counted (the client sends the rest in another transaction).
            for (int i = 6; i <= 9; i++) {
                expect(c.command("RCPT TO:<r" + i + "@tern.test>").read(), 452, "4.5.3");
            }
            c.expect("DATA", 354);
            expect(c.send("Subject: x\r\n\r\nx\r\n.\r\n").read(), 452, "4.3.1"); // the journal is full: 1
            expect(c.command("FROB").read(), 500, "5.5.1"); // 2
            expect(c.command("FROB").read(), 500, "5.5.1"); // 3
            expect(c.read(), 421, "4.7.0");
            assertThat(c.isClosedByServer()).isTrue();
        }
    }

    @Test
    void aTrustedClientIsExemptFromTheErrorLimit() {
        PolicyConfig config = new PolicyConfig(); // relay.allowFrom holds 127.0.0.0/8
        config.maxErrors = 3;
        try (ServerFixture f = start(config); SmtpTestClient c = f.greeted()) {
            for (int i = 0; i < 10; i++) {
                expect(c.command("FROB").read(), 500, "5.5.1");
            }
            c.expect("NOOP", 250);
        }
    }

    @Test
    void sixtyParallelSessionsFromATrustedAddressAllGetTheGreetingWithTheDefaults() {
        TernConfig defaults = TernConfig.defaults(ServerFixture.FQDN);
        assertThat(defaults.relay().allowFrom()).contains("127.0.0.0/8");
        assertThat(defaults.server().maxConnectionsPerClient()).isLessThan(60);
        PolicyConfig config = new PolicyConfig();
        config.maxConnections = defaults.server().maxConnections();
        config.maxConnectionsPerClient = defaults.server().maxConnectionsPerClient();
        config.maxErrors = defaults.server().maxErrors();
        java.util.List<SmtpTestClient> clients = new java.util.ArrayList<>();
        try (ServerFixture f = start(config)) {
            for (int i = 0; i < 60; i++) {
                clients.add(SmtpTestClient.connect(f.address()));
            }
            for (SmtpTestClient c : clients) {
                expect(c.read(), 220, "");
            }
            for (SmtpTestClient c : clients) {
                c.expect("NOOP", 250);
            }
        } finally {
            clients.forEach(SmtpTestClient::close);
        }
    }

    @Test
    void connectionsBeyondThePerClientLimitGet421AndTheCountsReturnToZero() {
        PolicyConfig config = untrusted();
        config.maxConnectionsPerClient = 2;
        try (ServerFixture f = start(config)) {
            SmtpTestClient one = f.connect();
            SmtpTestClient two = f.connect();
            try (SmtpTestClient three = SmtpTestClient.connect(f.address())) {
                expect(three.read(), 421, "4.7.0");
                assertThat(three.isClosedByServer()).isTrue();
            }
            // A trusted address is not counted against the limit: 127.0.0.2 is in relay.allowFrom.
            try (SmtpTestClient trusted1 = SmtpTestClient.connectFrom("127.0.0.2", f.address());
                 SmtpTestClient trusted2 = SmtpTestClient.connectFrom("127.0.0.2", f.address());
                 SmtpTestClient trusted3 = SmtpTestClient.connectFrom("127.0.0.2", f.address())) {
                expect(trusted1.read(), 220, "");
                expect(trusted2.read(), 220, "");
                expect(trusted3.read(), 220, "");
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
