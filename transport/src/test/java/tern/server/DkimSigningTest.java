package tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import tern.config.TernConfig;
import tern.dkim.SigningKey;
import tern.testing.SmtpTestClient;

/**
 * DKIM signatures made as Tern accepts a message over real SMTP, checked by two verifiers
 * that are not ours: dkimpy (Debian's python3-dkim, with python3-nacl for Ed25519), given
 * the TXT records through its {@code dnsfunc}, and OpenDKIM's {@code opendkim-testmsg},
 * which looks keys up in DNS: it runs in a mount namespace of its own whose
 * {@code /etc/resolv.conf} names a dnsmasq on a loopback address serving the records, so
 * the system resolver is never asked.
 */
class DkimSigningTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path OPENDKIM_TESTMSG = Path.of("/usr/sbin/opendkim-testmsg");
    private static final String DNS_ADDRESS = "127.0.0.153";

    @TempDir
    static Path dir;

    static KeyPair rsa;
    static KeyPair ed25519;
    static Process dnsmasq;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        rsa = gen.generateKeyPair();
        ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        write(dir.resolve("rsa.pem"), rsa);
        write(dir.resolve("ed.pem"), ed25519);
        BOTH = List.of(new TernConfig.Dkim("example.test", "rsa2026", dir.resolve("rsa.pem")),
                new TernConfig.Dkim("example.test", "ed2026", dir.resolve("ed.pem")));
    }

    @AfterAll
    static void stopDns() {
        if (dnsmasq != null) {
            dnsmasq.destroy();
        }
    }

    private static void write(Path file, KeyPair pair) throws IOException {
        Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
    }

    private static TernConfig config(List<TernConfig.Dkim> dkim) {
        TernConfig c = ServerFixture.config();
        return new TernConfig(c.server(), c.domains(), c.relay(), c.delivery(), c.routes(), c.dns(), c.journal(), c.admin(), dkim);
    }

    static List<TernConfig.Dkim> BOTH;

    /** Sends {@code message} (dot-stuffed by the caller where needed) and returns what Tern stored. */
    private static byte[] accept(List<TernConfig.Dkim> dkim, String message) {
        var spool = new RecordingSpool();
        try (var fixture = ServerFixture.start(config(dkim), spool); SmtpTestClient c = fixture.connect()) {
            c.expect("EHLO client.example", 250);
            c.expect("MAIL FROM:<alice@example.test> BODY=8BITMIME", 250);
            c.expect("RCPT TO:<x@tern.test>", 250);
            c.expect("DATA", 354);
            c.send(message + ".\r\n").expect(250);
        }
        return spool.messages().getLast().message();
    }

    private static final String AWKWARD = "From: Alice <alice@eu.example.test>\r\n"
            + "To: Bob <bob@else.test>,\r\n\t  Carol   <carol@else.test>\r\n"
            + "Subject:   Grüße,   folded\r\n    over two lines  \r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "\r\n"
            + "Ümlaute und   Leerzeichen \t \r\n"
            + "x".repeat(990) + "\r\n"
            + "  leading blanks\r\n"
            + "\r\n"
            + "after an empty line\r\n"
            + "\r\n\r\n\r\n";

    @Test
    void dkimpyVerifiesBothAlgorithmsOnAnAwkwardMessage() throws Exception {
        byte[] signed = accept(BOTH, AWKWARD);
        String text = new String(signed, StandardCharsets.UTF_8);
        assertThat(text).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.test; s=rsa2026;");
        assertThat(text).contains("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.test; s=ed2026;");

        assertThat(dkimpy(signed)).isEqualTo("2 verified");
    }

    @Test
    void dkimpyVerifiesAnEmptyBodyAndAMessageEndingInBlankLines() throws Exception {
        assertThat(dkimpy(accept(BOTH, "From: alice@example.test\r\nSubject: empty\r\n\r\n"))).isEqualTo("2 verified");
        assertThat(dkimpy(accept(BOTH, "From: alice@example.test\r\n\r\n\r\n\r\n"))).isEqualTo("2 verified");
    }

    @Test
    void aChangedBodyOrAnAddedFromFailsVerification() throws Exception {
        byte[] signed = accept(List.of(BOTH.getFirst()), AWKWARD);
        String text = new String(signed, StandardCharsets.UTF_8);
        assertThat(dkimpy(text.replace("after an empty line", "after a changed line").getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("0 verified");
        // Oversigned: a second From added on the way breaks the signature.
        String twoFroms = text.replace("\r\nFrom: Alice", "\r\nFrom: Mallory <m@evil.test>\r\nFrom: Alice");
        assertThat(dkimpy(twoFroms.getBytes(StandardCharsets.UTF_8))).isEqualTo("0 verified");
    }

    @Test
    void relayedMailFromElsewhereIsNotSigned() {
        var spool = new RecordingSpool();
        TernConfig trusted = config(BOTH);
        TernConfig untrusted = new TernConfig(trusted.server(), trusted.domains(),
                new TernConfig.Relay(List.of("10.0.0.0/8"), List.of()), trusted.delivery(), trusted.routes(),
                trusted.dns(), trusted.journal(), trusted.admin(), trusted.dkim());
        try (var fixture = ServerFixture.start(untrusted, spool); SmtpTestClient c = fixture.connect()) {
            c.expect("EHLO client.example", 250);
            c.expect("MAIL FROM:<alice@example.test>", 250);
            c.expect("RCPT TO:<x@tern.test>", 250);
            c.expect("DATA", 354);
            c.send("From: alice@example.test\r\n\r\nhi\r\n.\r\n").expect(250);
        }
        assertThat(spool.messages().getLast().text()).doesNotContain("DKIM-Signature");
    }

    @Test
    void openDkimVerifiesEachAlgorithm() throws Exception {
        startDns();
        for (TernConfig.Dkim key : BOTH) {
            byte[] signed = accept(List.of(key), AWKWARD);
            var r = run(List.of("unshare", "-m", "sh", "-c",
                    "mount --bind \"$0\" /etc/resolv.conf && exec " + OPENDKIM_TESTMSG, dir.resolve("resolv.conf").toString()),
                    signed);
            assertThat(r.exit()).as(key.selector() + ": " + r.output()).isZero();
            assertThat(r.output()).as(key.selector()).isEmpty();
        }
        // And a broken one is refused, so the pass above means something.
        byte[] signed = accept(List.of(BOTH.getFirst()), AWKWARD);
        byte[] broken = new String(signed, StandardCharsets.UTF_8).replace("after an empty line", "after another line")
                .getBytes(StandardCharsets.UTF_8);
        var r = run(List.of("unshare", "-m", "sh", "-c",
                "mount --bind \"$0\" /etc/resolv.conf && exec " + OPENDKIM_TESTMSG, dir.resolve("resolv.conf").toString()),
                broken);
        assertThat(r.exit()).as(r.output()).isNotZero();
    }

    private static String dkimpy(byte[] message) throws Exception {
        Path file = Files.createTempFile(dir, "m", ".eml");
        Files.write(file, message);
        String script = """
                import sys, dkim
                records = {
                    b'rsa2026._domainkey.example.test.': sys.argv[2].encode(),
                    b'ed2026._domainkey.example.test.': sys.argv[3].encode(),
                }
                def dnsfunc(name, timeout=5):
                    if isinstance(name, str):
                        name = name.encode()
                    return records.get(name if name.endswith(b'.') else name + b'.')
                message = open(sys.argv[1], 'rb').read()
                d = dkim.DKIM(message)
                signatures = sum(1 for line in message.split(b'\\r\\n') if line.lower().startswith(b'dkim-signature:'))
                def verified(i):
                    try:
                        return d.verify(idx=i, dnsfunc=dnsfunc)
                    except dkim.ValidationError:
                        return False
                ok = sum(1 for i in range(signatures) if verified(i))
                print('%d verified' % ok)
                """;
        var r = run(List.of(PYTHON.toString(), "-c", script, file.toString(),
                SigningKey.txtRecord(rsa.getPublic()), SigningKey.txtRecord(ed25519.getPublic())), new byte[0]);
        assertThat(r.exit()).as(r.output()).isZero();
        return r.output().strip();
    }

    /** dnsmasq on DNS_ADDRESS:53 with the two TXT records (split into strings of at most 255 octets). */
    private static synchronized void startDns() throws Exception {
        if (dnsmasq != null) {
            return;
        }
        Files.writeString(dir.resolve("resolv.conf"), "nameserver " + DNS_ADDRESS + "\n");
        List<String> command = new ArrayList<>(List.of("/usr/sbin/dnsmasq", "--no-daemon", "--port=53",
                "--listen-address=" + DNS_ADDRESS, "--bind-interfaces", "--no-resolv", "--no-hosts",
                "--conf-file=/dev/null", "--pid-file=", "--log-facility=-", "--local-ttl=1"));
        command.add(txtOption("rsa2026._domainkey.example.test", SigningKey.txtRecord(rsa.getPublic())));
        command.add(txtOption("ed2026._domainkey.example.test", SigningKey.txtRecord(ed25519.getPublic())));
        dnsmasq = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("dnsmasq.log").toFile()).start();
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(DNS_ADDRESS, 53));
        resolver.setTimeout(Duration.ofMillis(300));
        for (int i = 0; ; i++) {
            assertThat(dnsmasq.isAlive()).as(Files.readString(dir.resolve("dnsmasq.log"))).isTrue();
            try {
                Message answer = resolver.send(Message.newQuery(org.xbill.DNS.Record.newRecord(
                        Name.fromString("ed2026._domainkey.example.test."), Type.TXT, org.xbill.DNS.DClass.IN)));
                if (!answer.getSection(org.xbill.DNS.Section.ANSWER).isEmpty()) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            assertThat(i).as("dnsmasq answering").isLessThan(100);
            Thread.sleep(100);
        }
    }

    private static String txtOption(String name, String record) {
        StringBuilder sb = new StringBuilder("--txt-record=").append(name);
        for (int i = 0; i < record.length(); i += 250) {
            sb.append(',').append(record, i, Math.min(record.length(), i + 250)); // no quotes: dnsmasq would keep them
        }
        return sb.toString();
    }

    record Result(int exit, String output) {
    }

    private static Result run(List<String> command, byte[] stdin) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin);
        }
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
