package tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tern.dns.MailDns;
import tern.testing.SmtpTestClient;
import tern.testing.TestDnsServer;

/**
 * server.reverseDnsLookup against a DNS server the test runs: the Received header says whether
 * the client's HELO name is its forward-confirmed PTR name, and a silent DNS server costs a
 * message at most dns.timeout, on that session alone.
 */
class PolicyReverseDnsTest {

    private static final Duration DNS_TIMEOUT = Duration.ofMillis(500);
    private static final String REVERSE_NAME = "1.0.0.127.in-addr.arpa";

    private TestDnsServer dnsServer;
    private MailDns dns;
    private RecordingSpool spool;
    private ServerFixture fixture;

    @BeforeEach
    void start() throws Exception {
        start(DNS_TIMEOUT);
    }

    private void start(Duration dnsTimeout) throws Exception {
        dnsServer = TestDnsServer.start();
        dns = MailDns.builder(List.of(dnsServer.address())).timeout(dnsTimeout).build();
        spool = new RecordingSpool();
        PolicyConfig config = new PolicyConfig();
        config.reverseDns = true;
        config.dnsTimeout = dnsTimeout;
        fixture = ServerFixture.start(config.build(), spool, dns);
    }

    @AfterEach
    void stop() {
        fixture.close();
        dns.close();
        dnsServer.close();
    }

    private String receivedFor(String helo) {
        return receivedFor("127.0.0.1", helo);
    }

    /** The first line of the Received field of a message sent from {@code from} (an address of 127.0.0.0/8). */
    private String receivedFor(String from, String helo) {
        try (SmtpTestClient c = SmtpTestClient.connectFrom(from, fixture.address())) {
            c.expect(220);
            c.expect("EHLO " + helo, 250);
            c.expect("MAIL FROM:<a@b.example>", 250);
            c.expect("RCPT TO:<x@tern.test>", 250);
            c.expect("DATA", 354);
            c.send("Subject: rdns\r\n\r\nhi\r\n.\r\n").expect(250);
        }
        String text = spool.messages().getLast().text();
        return text.substring(0, text.indexOf("\r\n"));
    }

    @Test
    void aHeloNameThatIsTheForwardConfirmedPtrNameIsVerifiedAndNotAnnotated() {
        dnsServer.ptr("127.0.0.1", "client.tern.test").a("client.tern.test", "127.0.0.1");
        assertThat(receivedFor("Client.Tern.Test."))
                .isEqualTo("Received: from Client.Tern.Test. (client.tern.test [127.0.0.1])");
    }

    @Test
    void aHeloNameOtherThanThePtrNameIsUnverified() {
        dnsServer.ptr("127.0.0.1", "client.tern.test").a("client.tern.test", "127.0.0.1");
        assertThat(receivedFor("liar.example"))
                .isEqualTo("Received: from liar.example (client.tern.test [127.0.0.1] unverified)");
    }

    @Test
    void aPtrNameWhoseForwardLookupMissesTheClientIsUnverified() {
        dnsServer.ptr("127.0.0.1", "client.tern.test").a("client.tern.test", "192.0.2.7");
        assertThat(receivedFor("client.tern.test")).endsWith("([127.0.0.1] unverified)");
    }

    @Test
    void anAddressLiteralThatIsTheClientsAddressIsNotUnverifiedAndTheConfirmedPtrNameIsShown() {
        dnsServer.ptr("127.0.0.10", "ten.tern.test").a("ten.tern.test", "127.0.0.10");
        assertThat(receivedFor("127.0.0.10", "[127.0.0.10]"))
                .isEqualTo("Received: from [127.0.0.10] (ten.tern.test [127.0.0.10])");
        // Without a PTR record the literal is still true: nothing to flag.
        assertThat(receivedFor("127.0.0.11", "[127.0.0.11]")).isEqualTo("Received: from [127.0.0.11] ([127.0.0.11])");
        // A literal naming another address is not.
        assertThat(receivedFor("127.0.0.10", "[127.0.0.12]"))
                .isEqualTo("Received: from [127.0.0.12] (ten.tern.test [127.0.0.10] unverified)");
    }

    @Test
    void noPtrRecordIsRdnsFailed() {
        assertThat(receivedFor("client.tern.test")).endsWith("([127.0.0.1] RDNS failed)");
    }

    @Test
    void aSilentDnsServerIsRdnsFailedAfterTheDnsTimeoutAndOtherSessionsDoNotWait() throws Exception {
        // A timeout long enough that the other session's answers come first even on a busy
        // machine; the test asserts the order of events, never how long they took.
        stop();
        start(Duration.ofSeconds(3));
        dnsServer.silent(REVERSE_NAME);
        try (SmtpTestClient slow = fixture.connect(); SmtpTestClient other = fixture.connect()) {
            slow.expect("EHLO client.tern.test", 250);
            slow.expect("MAIL FROM:<a@b.example>", 250);
            slow.expect("RCPT TO:<x@tern.test>", 250);
            slow.expect("DATA", 354);
            slow.send("Subject: rdns\r\n\r\nhi\r\n.\r\n");
            // While the message waits for the verdict, another session is answered.
            other.expect("NOOP", 250);
            other.expect("EHLO other.tern.test", 250);
            assertThat(slow.socket().getInputStream().available()).as("the slow message is still waiting").isZero();
            slow.expect(250); // the silent DNS server costs the message the DNS timeout, then it is taken
            slow.expect("NOOP", 250); // the session goes on
        }
        String text = spool.messages().getFirst().text();
        assertThat(text.substring(0, text.indexOf("\r\n"))).endsWith("([127.0.0.1] RDNS failed)");
    }

    @Test
    void aWarmCacheAsksTheDnsServerOnceForManySessions() {
        dnsServer.ptr("127.0.0.1", "client.tern.test").a("client.tern.test", "127.0.0.1");
        for (int i = 0; i < 5; i++) {
            assertThat(receivedFor("client.tern.test")).endsWith("(client.tern.test [127.0.0.1])");
        }
        assertThat(dnsServer.queries(REVERSE_NAME)).isEqualTo(1);
    }
}
