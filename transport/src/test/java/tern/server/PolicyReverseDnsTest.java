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
        dnsServer = TestDnsServer.start();
        dns = MailDns.builder(List.of(dnsServer.address())).timeout(DNS_TIMEOUT).build();
        spool = new RecordingSpool();
        PolicyConfig config = new PolicyConfig();
        config.reverseDns = true;
        config.dnsTimeout = DNS_TIMEOUT;
        fixture = ServerFixture.start(config.build(), spool, dns);
    }

    @AfterEach
    void stop() {
        fixture.close();
        dns.close();
        dnsServer.close();
    }

    private String receivedFor(String helo) {
        try (SmtpTestClient c = fixture.connect()) {
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
        assertThat(receivedFor("Client.Tern.Test.")).isEqualTo("Received: from Client.Tern.Test. ([127.0.0.1])");
    }

    @Test
    void aHeloNameOtherThanThePtrNameIsUnverified() {
        dnsServer.ptr("127.0.0.1", "client.tern.test").a("client.tern.test", "127.0.0.1");
        assertThat(receivedFor("liar.example")).isEqualTo("Received: from liar.example ([127.0.0.1] unverified)");
    }

    @Test
    void aPtrNameWhoseForwardLookupMissesTheClientIsUnverified() {
        dnsServer.ptr("127.0.0.1", "client.tern.test").a("client.tern.test", "192.0.2.7");
        assertThat(receivedFor("client.tern.test")).endsWith("([127.0.0.1] unverified)");
    }

    @Test
    void noPtrRecordIsRdnsFailed() {
        assertThat(receivedFor("client.tern.test")).endsWith("([127.0.0.1] RDNS failed)");
    }

    @Test
    void aSilentDnsServerIsRdnsFailedWithinTheDnsTimeoutAndOtherSessionsDoNotWait() throws Exception {
        dnsServer.silent(REVERSE_NAME);
        try (SmtpTestClient slow = fixture.connect(); SmtpTestClient other = fixture.connect()) {
            slow.expect("EHLO client.tern.test", 250);
            slow.expect("MAIL FROM:<a@b.example>", 250);
            slow.expect("RCPT TO:<x@tern.test>", 250);
            slow.expect("DATA", 354);
            long start = System.nanoTime();
            slow.send("Subject: rdns\r\n\r\nhi\r\n.\r\n");
            // While the message waits for the verdict, another session is answered at once.
            long otherStart = System.nanoTime();
            other.expect("NOOP", 250);
            other.expect("EHLO other.tern.test", 250);
            assertThat(Duration.ofNanos(System.nanoTime() - otherStart)).isLessThan(Duration.ofMillis(300));
            slow.expect(250);
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertThat(waited).isLessThan(DNS_TIMEOUT.plusMillis(700));
            slow.expect("NOOP", 250); // the session goes on
        }
        String text = spool.messages().getFirst().text();
        assertThat(text.substring(0, text.indexOf("\r\n"))).endsWith("([127.0.0.1] RDNS failed)");
    }

    @Test
    void aWarmCacheAsksTheDnsServerOnceForManySessions() {
        dnsServer.ptr("127.0.0.1", "client.tern.test").a("client.tern.test", "127.0.0.1");
        for (int i = 0; i < 5; i++) {
            assertThat(receivedFor("client.tern.test")).endsWith("([127.0.0.1])");
        }
        assertThat(dnsServer.queries(REVERSE_NAME)).isEqualTo(1);
    }
}
