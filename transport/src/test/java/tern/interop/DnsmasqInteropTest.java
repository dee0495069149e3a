package tern.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.testing.Eventually;
import tern.testing.LoopbackPorts;
import tern.testing.ScriptedSmtpServer;
import tern.testing.SmtpTestClient;

/**
 * Tern's DNS against a real, independent DNS server (dnsmasq on a loopback port): MX and A
 * records decide where mail goes, and PTR plus A records decide whether a client's HELO name
 * is verified in the Received field.
 */
class DnsmasqInteropTest {

    @TempDir
    Path dir;

    private Dnsmasq dns;
    private ScriptedSmtpServer mx;
    private TernUnderTest tern;

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
        if (mx != null) {
            mx.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void mailGoesToTheMxHostDnsmasqNames() throws Exception {
        mx = ScriptedSmtpServer.builder().bind("127.0.0.2").name("mx1.mx.test").start();
        dns = LoopbackPorts.startOnFreePort(port -> Dnsmasq.start(dir, port,
                "--mx-host=mx.test,mx1.mx.test,10",
                "--host-record=mx1.mx.test,127.0.0.2"));
        tern = TernUnderTest.start(dir, """
                server:
                  fqdn: tern.interop.test
                  listen: ["127.0.0.1:0"]
                  dataDir: %%DIR%%/data
                delivery:
                  port: %d
                dns:
                  servers: ["%s"]
                admin:
                  listen: ""
                """.formatted(mx.port(), dns.server()));

        send("client.test", "sender@origin.test", "rcpt@mx.test", "Subject: routed by MX\r\n\r\nvia dnsmasq\r\n");

        var delivered = mx.awaitMessages(1, Duration.ofSeconds(20)).getFirst();
        assertThat(delivered.heloName()).isEqualTo("tern.interop.test");
        assertThat(delivered.reversePath()).isEqualTo("sender@origin.test");
        assertThat(delivered.accepted()).containsExactly("rcpt@mx.test");
        assertThat(delivered.dataText()).containsPattern(
                        "^Received: from client\\.test \\(\\[127\\.0\\.0\\.1\\]\\)\\s+by tern\\.interop\\.test with ESMTP id \\S+\\s+for <rcpt@mx\\.test>;")
                .contains("Subject: routed by MX\r\n").endsWith("\r\n\r\nvia dnsmasq\r\n");
        assertThat(dns.log()).as("Tern asked dnsmasq for the MX").contains("query[MX] mx.test from 127.0.0.1");
    }

    @Test
    void anInternationalizedDomainIsLookedUpAndSentInItsALabels() throws Exception {
        mx = ScriptedSmtpServer.builder().bind("127.0.0.2").name("mx1.mx.test").start();
        dns = LoopbackPorts.startOnFreePort(port -> Dnsmasq.start(dir, port,
                "--mx-host=xn--bcher-kva.example,mx1.mx.test,10",
                "--host-record=mx1.mx.test,127.0.0.2"));
        tern = TernUnderTest.start(dir, """
                server:
                  fqdn: tern.interop.test
                  listen: ["127.0.0.1:0"]
                  dataDir: %%DIR%%/data
                delivery:
                  port: %d
                dns:
                  servers: ["%s"]
                admin:
                  listen: ""
                """.formatted(mx.port(), dns.server()));

        try (var client = SmtpTestClient.connect(new InetSocketAddress("127.0.0.1", tern.smtpPort()))) {
            client.expect(220);
            client.expect("EHLO client.test", 250);
            client.expect("MAIL FROM:<sender@origin.test> SMTPUTF8", 250);
            client.expect("RCPT TO:<user@bücher.example>", 250);
            client.expect("RCPT TO:<jörg@Bücher.example>", 250);
            client.expect("DATA", 354);
            client.send("Subject: IDN\r\n\r\nto b\u00fccher\r\n.\r\n");
            client.expect(250);
            client.expect("QUIT", 221);
        }

        var delivered = mx.awaitMessages(1, Duration.ofSeconds(20)).getFirst();
        // The domain goes as A-labels; SMTPUTF8 stays for the UTF-8 local part.
        assertThat(delivered.accepted()).containsExactlyInAnyOrder("user@xn--bcher-kva.example", "jörg@xn--bcher-kva.example");
        assertThat(delivered.mailParameters()).contains("SMTPUTF8");
        assertThat(dns.log()).as("Tern asked dnsmasq for the A-label MX")
                .contains("query[MX] xn--bcher-kva.example from 127.0.0.1");
    }

    @Test
    void aHeloNameThatThePtrAndItsAddressConfirmIsVerifiedAnyOtherIsUnverified() throws Exception {
        dns = LoopbackPorts.startOnFreePort(port -> Dnsmasq.start(dir, port,
                "--ptr-record=1.0.0.127.in-addr.arpa,client.good.test",
                "--host-record=client.good.test,127.0.0.1",
                "--ptr-record=10.0.0.127.in-addr.arpa,ten.good.test",
                "--host-record=ten.good.test,127.0.0.10"));
        tern = TernUnderTest.start(dir, """
                server:
                  fqdn: tern.interop.test
                  listen: ["127.0.0.1:0"]
                  dataDir: %%DIR%%/data
                  reverseDnsLookup: true
                domains:
                  local: [tern.test]
                dns:
                  servers: ["%s"]
                admin:
                  listen: ""
                """.formatted(dns.server()));

        send("client.good.test", "a@origin.test", "good@tern.test", "Subject: good\r\n\r\nmatching HELO\r\n");
        send("liar.example.test", "b@origin.test", "liar@tern.test", "Subject: liar\r\n\r\nother HELO\r\n");
        send("127.0.0.10", "[127.0.0.10]", "c@origin.test", "literal@tern.test", "Subject: literal\r\n\r\nx\r\n");

        Eventually.await("the three messages delivered", Duration.ofSeconds(20),
                () -> !tern.maildir("tern.test", "good").isEmpty() && !tern.maildir("tern.test", "liar").isEmpty()
                        && !tern.maildir("tern.test", "literal").isEmpty());
        // The forward-confirmed PTR name goes before the address, as RFC 5321 4.4 and Postfix write it.
        assertThat(tern.maildir("tern.test", "good").getFirst())
                .contains("Received: from client.good.test (client.good.test [127.0.0.1])\r\n\tby tern.interop.test");
        assertThat(tern.maildir("tern.test", "liar").getFirst())
                .contains("Received: from liar.example.test (client.good.test [127.0.0.1] unverified)\r\n\tby tern.interop.test");
        // An address literal that is the client's own address is true: not "unverified".
        assertThat(tern.maildir("tern.test", "literal").getFirst())
                .contains("Received: from [127.0.0.10] (ten.good.test [127.0.0.10])\r\n\tby tern.interop.test");
        assertThat(dns.log()).contains("1.0.0.127.in-addr.arpa");
    }

    private void send(String helo, String from, String to, String message) {
        send("127.0.0.1", helo, from, to, message);
    }

    private void send(String source, String helo, String from, String to, String message) {
        try (var client = SmtpTestClient.connectFrom(source, new InetSocketAddress("127.0.0.1", tern.smtpPort()))) {
            client.expect(220);
            client.expect("EHLO " + helo, 250);
            client.expect("MAIL FROM:<" + from + ">", 250);
            client.expect("RCPT TO:<" + to + ">", 250);
            client.expect("DATA", 354);
            client.send(message + ".\r\n");
            client.expect(250);
            client.expect("QUIT", 221);
        }
    }
}
