package tern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.testing.Eventually;
import tern.testing.ScriptedSmtpServer;
import tern.testing.ScriptedSmtpServer.ReceivedTransaction;
import tern.testing.ScriptedSmtpServer.Verb;
import tern.testing.TernInstance;

/**
 * NDRs say only what happened: a reply a server really sent is quoted as {@code smtp;} with
 * its {@code Remote-MTA}; what Tern decided itself (expiration, a refused connection, a
 * Maildir that cannot be written) is said in Tern's words as {@code X-Tern;}, and no Java
 * exception text or server path reaches the sender. Read back by Python's email package.
 */
class HonestReportsTest {

    private static final String FQDN = "honest.tern.test";

    @TempDir
    static Path dir;

    static ScriptedSmtpServer greylisting; // grey.test: 451 to every RCPT, until the message expires
    static ScriptedSmtpServer senderSide;  // sender.test: where the NDRs go
    static int closedPort;                 // refused.test: nothing listens
    static TernInstance tern;

    @BeforeAll
    static void start() throws Exception {
        greylisting = ScriptedSmtpServer.builder().reply(Verb.RCPT, "451 4.7.1 Greylisted, come back later").start();
        senderSide = ScriptedSmtpServer.builder().name("mx.sender.test").start();
        try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        tern = TernInstance.start(dir, FQDN, """
                domains:
                  local: [tern.test]
                delivery:
                  retry: {first: 1s, second: 1s, third: 1s, subsequent: 1s}
                  expirationTimeout: 3s
                  local: {expirationTimeout: 3s}
                  connections: {timeout: 5s}
                routes:
                  - {domain: grey.test, nextHop: "[127.0.0.1]:%d"}
                  - {domain: refused.test, nextHop: "[127.0.0.1]:%d"}
                  - {domain: sender.test, nextHop: "[127.0.0.1]:%d"}
                """.formatted(greylisting.port(), closedPort, senderSide.port()));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {tern, greylisting, senderSide}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** The NDR that reached sender.test for {@code sender}. */
    private static ReceivedTransaction ndrTo(String sender) {
        Eventually.await("an NDR to " + sender, Duration.ofSeconds(30), () -> senderSide.messages().stream()
                .anyMatch(t -> t.accepted().contains(sender)));
        return senderSide.messages().stream().filter(t -> t.accepted().contains(sender)).findFirst().orElseThrow();
    }

    @Test
    void afterExpiryTheNdrQuotesTheServersLast451AndKeepsItsClass() throws Exception {
        tern.send("<ann@sender.test>", List.of("<bob@grey.test>"), "Subject: grey\r\n\r\nx\r\n");

        byte[] ndr = ndrTo("ann@sender.test").data();

        Map<String, String> found = python(ndr);
        assertThat(found).containsEntry("recipient.Action", "failed")
                .containsEntry("recipient.Status", "4.7.1")
                .containsEntry("recipient.Remote-MTA", "dns; 127.0.0.1")
                .containsEntry("recipient.Diagnostic-Code", "smtp; 451 4.7.1 Greylisted, come back later")
                .containsEntry("defects", "0");
        String text = new String(ndr, StandardCharsets.UTF_8);
        // an invented "554 5.4.7" reply; digits inside a Message-ID or a date are not a reply
        assertThat(text).contains("delivery time expired after 3s")
                .doesNotContainPattern("(?<![0-9A-Za-z.])554[ -]").doesNotContain("5.4.7");
    }

    @Test
    void afterRefusedConnectionsTheNdrIsTernsOwnWordsWithoutARemoteMta() throws Exception {
        tern.send("<cid@sender.test>", List.of("<bob@refused.test>"), "Subject: refused\r\n\r\nx\r\n");

        byte[] ndr = ndrTo("cid@sender.test").data();

        Map<String, String> found = python(ndr);
        assertThat(found).containsEntry("recipient.Action", "failed")
                .containsEntry("recipient.Status", "4.4.1")
                .doesNotContainKey("recipient.Remote-MTA")
                .containsEntry("defects", "0");
        assertThat(found.get("recipient.Diagnostic-Code")).startsWith("X-Tern; delivery time expired after 3s")
                .contains("connection refused by [127.0.0.1]:" + closedPort);
        assertThat(new String(ndr, StandardCharsets.UTF_8)).doesNotContain("smtp;", "said:", "5.4.7")
                .doesNotContainPattern("(?<![0-9A-Za-z.])554[ -]");
    }

    @Test
    void afterALocalWriteErrorTheNdrSaysLocalDeliveryFailedWithoutAPathOrAnException() throws Exception {
        // A file where the recipient's Maildir folder should be: every write fails (even as root).
        Path drop = tern.dataDir().resolve("drop").resolve("tern.test");
        Files.createDirectories(drop);
        Files.writeString(drop.resolve("blocked"), "not a folder");

        tern.send("<dee@sender.test>", List.of("<blocked@tern.test>"), "Subject: local\r\n\r\nx\r\n");

        byte[] ndr = ndrTo("dee@sender.test").data();

        Map<String, String> found = python(ndr);
        assertThat(found).containsEntry("recipient.Action", "failed")
                .containsEntry("recipient.Status", "4.3.0")
                .doesNotContainKey("recipient.Remote-MTA")
                .containsEntry("defects", "0");
        assertThat(found.get("recipient.Diagnostic-Code"))
                .isEqualTo("X-Tern; delivery time expired after 3s; last attempt: local delivery failed: mailbox could not be written");
        assertThat(new String(ndr, StandardCharsets.UTF_8)).doesNotContain(tern.dataDir().toString(), "Exception",
                "smtp;", "said:", "/drop/");
    }

    /** Runs parse_dsn.py under /usr/bin/python3 with the message on stdin; its "key=value" lines (the first of each key). */
    static Map<String, String> python(byte[] message) throws Exception {
        Path script = dir.resolve("parse_dsn.py");
        if (!Files.exists(script)) {
            try (InputStream in = HonestReportsTest.class.getResourceAsStream("parse_dsn.py")) {
                Files.write(script, in.readAllBytes());
            }
        }
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString()).redirectErrorStream(true).start();
        try (var stdin = p.getOutputStream()) {
            stdin.write(message);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        Map<String, String> found = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                found.putIfAbsent(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return found;
    }
}
