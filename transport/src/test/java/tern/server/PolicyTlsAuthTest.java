package tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.auth.PasswordHash;
import tern.auth.UserFile;
import tern.testing.RequiredTool;
import tern.testing.SelfSignedCertificate;
import tern.testing.SmtpTestClient;
import tern.testing.SmtpTestClient.Reply;

/** STARTTLS (RFC 3207), implicit TLS (RFC 8314), AUTH PLAIN/LOGIN (RFC 4954) and submission (RFC 6409). */
class PolicyTlsAuthTest {

    @TempDir
    Path dir;

    private RecordingSpool spool;
    private ServerFixture fixture;
    private Path users;

    @BeforeEach
    void start() {
        users = dir.resolve("users");
        UserFile.load(users, new PasswordHash(1000)).add("u@x", "pw".toCharArray());
        spool = new RecordingSpool();
        PolicyConfig config = new PolicyConfig();
        config.relayFrom = List.of("10.0.0.0/8"); // only AUTH lets the test client relay
        config.tls = true;
        config.submission = true;
        config.implicitTls = true;
        config.users = users;
        fixture = ServerFixture.start(config.build(), spool);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void expect(Reply reply, int code, String status) {
        assertThat(reply.code()).as(reply.toString()).isEqualTo(code);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
    }

    private static SmtpTestClient tlsOver(SmtpTestClient plain, InetSocketAddress address) throws IOException {
        SSLSocket ssl = (SSLSocket) SelfSignedCertificate.trustingClientContext().getSocketFactory()
                .createSocket(plain.socket(), "localhost", address.getPort(), true);
        ssl.startHandshake();
        return SmtpTestClient.over(ssl);
    }

    private static String firstLine(String text) {
        return text.substring(0, text.indexOf("\r\n"));
    }

    // ---- STARTTLS ------------------------------------------------------------------------------

    @Test
    void plaintextPipelinedAfterStarttlsIsDiscardedAndTheSessionStartsOver() throws IOException {
        SmtpTestClient plain = fixture.connect();
        assertThat(plain.expect("EHLO client.example", 250).lines()).contains("STARTTLS");
        plain.send("STARTTLS\r\nRSET\r\n"); // one write: the RSET rides in the same packet
        expect(plain.read(), 220, "2.0.0");
        try (SmtpTestClient c = tlsOver(plain, fixture.address())) {
            // The first reply under TLS answers MAIL, not the injected RSET (which would be 250),
            // and MAIL is out of turn: the EHLO from before STARTTLS was forgotten.
            Reply first = c.command("MAIL FROM:<a@b.example>").read();
            expect(first, 503, "5.5.1");
            Reply ehlo = c.expect("EHLO client.example", 250);
            assertThat(ehlo.lines()).doesNotContain("STARTTLS").contains("AUTH PLAIN LOGIN");
            expect(c.command("STARTTLS").read(), 503, "5.5.1");
            c.expect("MAIL FROM:<a@b.example>", 250);
            c.expect("RCPT TO:<x@tern.test>", 250);
            c.expect("DATA", 354);
            c.send("Subject: tls\r\n\r\nhi\r\n.\r\n").expect(250);
        }
        assertThat(firstLine(spool.messages().getFirst().text())).isEqualTo("Received: from client.example ([127.0.0.1])");
        assertThat(spool.messages().getFirst().text()).contains(" with ESMTPS id ");
    }

    @Test
    void starttlsBeforeEhloAndWithAnArgumentIsRefused() {
        try (SmtpTestClient c = fixture.connect()) {
            expect(c.command("STARTTLS").read(), 503, "5.5.1");
            c.expect("EHLO client.example", 250);
            expect(c.command("STARTTLS now").read(), 501, "5.5.4");
        }
    }

    // ---- AUTH ----------------------------------------------------------------------------------

    @Test
    void authLoginOnLoopbackWithoutTlsThenRelaysAndSaysEsmtpa() {
        try (SmtpTestClient c = fixture.connect()) {
            assertThat(c.expect("EHLO client.example", 250).lines()).contains("AUTH PLAIN LOGIN");
            expect(c.command("MAIL FROM:<a@b.example>").read(), 250, "2.1.0");
            expect(c.command("RCPT TO:<x@remote.example>").read(), 554, "5.7.1");
            expect(c.command("AUTH PLAIN " + b64("\0u@x\0pw")).read(), 503, "5.5.1"); // not during a transaction
            c.expect("RSET", 250);
            assertThat(c.expect("AUTH LOGIN", 334).lines()).containsExactly("VXNlcm5hbWU6");
            assertThat(c.expect(b64("u@x"), 334).lines()).containsExactly("UGFzc3dvcmQ6");
            expect(c.command(b64("pw")).read(), 235, "2.7.0");
            expect(c.command("AUTH PLAIN " + b64("\0u@x\0pw")).read(), 503, "5.5.1");
            c.expect("MAIL FROM:<a@b.example>", 250);
            c.expect("RCPT TO:<x@remote.example>", 250);
            c.expect("DATA", 354);
            c.send("Subject: auth\r\n\r\nhi\r\n.\r\n").expect(250);
        }
        assertThat(spool.messages().getFirst().text()).contains(" with ESMTPA id ");
    }

    @Test
    void aWrongPasswordAnUnknownUserAndACancelledExchangeFail() {
        try (SmtpTestClient c = fixture.greeted()) {
            expect(c.command("AUTH PLAIN " + b64("\0u@x\0wrong")).read(), 535, "5.7.8");
            expect(c.command("AUTH PLAIN " + b64("\0nobody@x\0pw")).read(), 535, "5.7.8");
            c.expect("AUTH PLAIN", 334);
            expect(c.command("*").read(), 501, "5.0.0");
            expect(c.command("AUTH CRAM-MD5").read(), 504, "5.5.4");
            c.expect("MAIL FROM:<a@b.example>", 250);
            expect(c.command("RCPT TO:<x@remote.example>").read(), 554, "5.7.1");
        }
    }

    @Test
    void failedAttemptsFromOneAddressAreAnsweredSlowerOnceTheFreeOnesAreUsed() {
        try (SmtpTestClient c = fixture.greeted()) {
            for (int i = 0; i < 3; i++) {
                expect(c.command("AUTH PLAIN " + b64("\0u@x\0wrong" + i)).read(), 535, "5.7.8");
            }
            long start = System.nanoTime();
            expect(c.command("AUTH PLAIN " + b64("\0u@x\0wrong")).read(), 535, "5.7.8");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            c.expect("NOOP", 250); // the session itself was never blocked
        }
    }

    @Test
    void aUserAddedWhileRunningCanAuthenticateWithoutARestart() throws Exception {
        Thread.sleep(20); // a distinct modification time
        UserFile.load(users, new PasswordHash(1000)).add("new@x", "secret".toCharArray());
        try (SmtpTestClient c = fixture.greeted()) {
            expect(c.command("AUTH PLAIN " + b64("\0new@x\0secret")).read(), 235, "2.7.0");
        }
    }

    // ---- submission ----------------------------------------------------------------------------

    @Test
    void theSubmissionPortWantsAuthBeforeMail() {
        InetSocketAddress submission = fixture.server.submissionAddresses().getFirst();
        try (SmtpTestClient c = SmtpTestClient.connect(submission)) {
            c.expect(220);
            c.expect("EHLO client.example", 250);
            expect(c.command("MAIL FROM:<a@b.example>").read(), 530, "5.7.0");
            c.expect("AUTH PLAIN " + b64("u@x\0u@x\0pw"), 235);
            c.expect("MAIL FROM:<a@b.example>", 250);
            c.expect("RCPT TO:<x@remote.example>", 250);
        }
    }

    @Test
    void theImplicitTlsPortSpeaksTlsFromTheFirstByteAndSaysEsmtpsa() throws IOException {
        InetSocketAddress address = fixture.server.implicitTlsAddresses().getFirst();
        SSLSocket ssl = (SSLSocket) SelfSignedCertificate.trustingClientContext().getSocketFactory()
                .createSocket(address.getAddress(), address.getPort());
        ssl.setSoTimeout(10_000);
        try (SmtpTestClient c = SmtpTestClient.over(ssl)) {
            c.expect(220);
            assertThat(c.expect("EHLO client.example", 250).lines()).doesNotContain("STARTTLS").contains("AUTH PLAIN LOGIN");
            expect(c.command("MAIL FROM:<a@b.example>").read(), 530, "5.7.0");
            c.expect("AUTH PLAIN " + b64("\0u@x\0pw"), 235);
            c.expect("MAIL FROM:<a@b.example>", 250);
            c.expect("RCPT TO:<x@remote.example>", 250);
            c.expect("DATA", 354);
            c.send("Subject: 465\r\n\r\nhi\r\n.\r\n").expect(250);
        }
        assertThat(spool.messages().getFirst().text()).contains(" with ESMTPSA id ");
    }

    // ---- swaks ---------------------------------------------------------------------------------

    @Test
    void swaksWithStarttlsAndAuthPlainRelaysAndAWrongPasswordGets535() throws Exception {
        RequiredTool.swaks("TLS", "Basic AUTH");
        String port = String.valueOf(fixture.address().getPort());
        List<String> base = List.of("swaks", "--server", "127.0.0.1", "--port", port, "--helo", "swaks.client.example",
                "--from", "swaks@b.example", "--to", "rcpt@remote.example", "--tls", "--auth", "PLAIN",
                "--auth-user", "u@x", "--timeout", "10", "--body", "over tls");
        List<String> good = new ArrayList<>(base);
        good.addAll(List.of("--auth-password", "pw"));
        Result ok = run(good);
        assertThat(ok.exit()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("235 2.7.0").contains("250 2.0.0 Ok: queued as");
        assertThat(spool.messages().getFirst().text()).startsWith("Received: from swaks.client.example ([127.0.0.1])")
                .contains(" with ESMTPSA id ");
        assertThat(spool.messages().getFirst().envelope().recipients())
                .extracting(r -> r.address().toString()).containsExactly("rcpt@remote.example");

        List<String> bad = new ArrayList<>(base);
        bad.addAll(List.of("--auth-password", "wrong"));
        Result refused = run(bad);
        assertThat(refused.exit()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("535 5.7.8");
        assertThat(spool.messages()).hasSize(1);
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
