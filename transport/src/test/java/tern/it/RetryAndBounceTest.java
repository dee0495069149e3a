package tern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
import tern.queue.QueueId;
import tern.testing.ScriptedSmtpServer;
import tern.testing.ScriptedSmtpServer.ReceivedTransaction;
import tern.testing.ScriptedSmtpServer.Verb;
import tern.testing.TernInstance;

/**
 * Retries on the real clock with second-long intervals, and non-delivery reports (RFC 3464)
 * that travel through a second listener and are read back by Python's email package.
 */
class RetryAndBounceTest {

    private static final String FQDN = "retry.tern.test";

    @TempDir
    static Path dir;

    static ScriptedSmtpServer slow;       // slow.test: 451 twice, then 250
    static ScriptedSmtpServer far;        // far.test: 550 for bob
    static ScriptedSmtpServer senderSide; // sender.test: where NDRs to remote senders go
    static TernInstance tern;

    @BeforeAll
    static void start() throws Exception {
        slow = ScriptedSmtpServer.builder().failFirst(Verb.MESSAGE, 2, "451 4.3.0 Try again later").start();
        far = ScriptedSmtpServer.builder()
                .rcpt("bob@far.test", "550 5.1.1 <bob@far.test>: Recipient address rejected: User unknown").start();
        senderSide = ScriptedSmtpServer.builder().name("mx.sender.test").start();
        tern = TernInstance.start(dir, FQDN, """
                domains:
                  local: [tern.test]
                delivery:
                  retry: {first: 1s, second: 2s, third: 3s}
                  connections: {timeout: 5s}
                routes:
                  - {domain: slow.test, nextHop: "[127.0.0.1]:%d"}
                  - {domain: far.test, nextHop: "[127.0.0.1]:%d"}
                  - {domain: sender.test, nextHop: "[127.0.0.1]:%d"}
                """.formatted(slow.port(), far.port(), senderSide.port()));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {tern, slow, far, senderSide}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void transientFailuresAreRetriedAfterTheFirstAndSecondIntervalsThenDelivered() throws Exception {
        QueueId id = tern.send("<alice@remote.test>", List.of("<ann@slow.test>"),
                "From: alice@remote.test\r\nSubject: third time lucky\r\n\r\nx\r\n");

        ReceivedTransaction delivered = slow.awaitMessages(1, Duration.ofSeconds(15)).getFirst();
        List<ReceivedTransaction> attempts = slow.transactions();
        assertThat(attempts).hasSize(3);
        assertThat(attempts.get(0).dataReply()).startsWith("451");
        assertThat(attempts.get(1).dataReply()).startsWith("451");
        assertThat(attempts.get(2)).isSameAs(delivered);
        assertThat(delivered.reversePath()).isEqualTo("alice@remote.test");
        assertThat(delivered.accepted()).containsExactly("ann@slow.test");
        assertThat(delivered.dataText()).contains("by " + FQDN + " with ESMTP id " + id.value())
                .contains("Subject: third time lucky");

        // The next attempt starts one interval after the previous one ended (never before);
        // the rest is the queue manager's reaction time, which on a busy machine can be a second.
        Duration firstWait = Duration.between(attempts.get(0).finished(), attempts.get(1).started());
        Duration secondWait = Duration.between(attempts.get(1).finished(), attempts.get(2).started());
        assertThat(firstWait).isBetween(Duration.ofMillis(950), Duration.ofMillis(2500));
        assertThat(secondWait).isBetween(Duration.ofMillis(1950), Duration.ofMillis(3500));
    }

    @Test
    void permanentFailureSendsAnNdrThatPythonsEmailPackageReadsFieldByField() throws Exception {
        QueueId id = tern.send("<alice@sender.test> ENVID=env-42 RET=HDRS",
                List.of("<bob@far.test> NOTIFY=FAILURE ORCPT=rfc822;Bob@far.test"),
                "From: alice@sender.test\r\nTo: bob@far.test\r\nSubject: never arrives\r\n\r\nsecret body\r\n");

        ReceivedTransaction ndr = senderSide.awaitMessages(1, Duration.ofSeconds(10)).getFirst();
        assertThat(ndr.mailFrom()).startsWith("<>"); // RFC 5321 4.5.5: a report has the null reverse-path
        assertThat(ndr.accepted()).containsExactly("alice@sender.test");
        assertThat(ndr.heloName()).isEqualTo(FQDN);

        Map<String, String> found = python(ndr.data());
        assertThat(found).containsEntry("content-type", "multipart/report")
                .containsEntry("report-type", "delivery-status")
                .containsEntry("message.Reporting-MTA", "dns; " + FQDN)
                .containsEntry("message.Original-Envelope-Id", "env-42")
                .containsEntry("message.Arrival-Date.parsed", "yes")
                .containsEntry("recipient.Final-Recipient", "rfc822; bob@far.test")
                .containsEntry("recipient.Original-Recipient", "rfc822; Bob@far.test")
                .containsEntry("recipient.Action", "failed")
                .containsEntry("recipient.Status", "5.1.1")
                .containsEntry("recipient.Remote-MTA", "dns; 127.0.0.1")
                .containsEntry("recipient.Diagnostic-Code",
                        "smtp; 550 5.1.1 <bob@far.test>: Recipient address rejected: User unknown")
                .containsEntry("recipient.Last-Attempt-Date.parsed", "yes")
                .containsEntry("returned.kind", "headers") // RET=HDRS: the headers only
                .containsEntry("returned.subject", "never arrives")
                .containsEntry("defects", "0");
        assertThat(found.get("message.Arrival-Date")).isNotBlank();
        assertThat(found.get("recipient.Last-Attempt-Date")).isNotBlank();
        assertThat(new String(ndr.data(), StandardCharsets.UTF_8)).doesNotContain("secret body")
                .contains("X-Tern-Queue-ID: " + id.value());
    }

    @Test
    void localSenderGetsItsNdrInItsMaildir() throws Exception {
        QueueId id = tern.send("<carol@tern.test>", List.of("<bob@far.test>"),
                "From: carol@tern.test\r\nSubject: bounce me home\r\n\r\nbody comes back\r\n");

        String ndr = tern.awaitMaildir("carol", "tern.test", 1, Duration.ofSeconds(10)).getFirst();
        assertThat(ndr).startsWith("Return-Path: <>\r\nDelivered-To: carol@tern.test\r\n")
                .contains("From: Mail Delivery System <MAILER-DAEMON@" + FQDN + ">")
                .contains("To: <carol@tern.test>")
                .contains("X-Tern-Queue-ID: " + id.value())
                .contains("Final-Recipient: rfc822; bob@far.test")
                .contains("Status: 5.1.1")
                .contains("Subject: bounce me home")
                .contains("body comes back"); // no RET, small message: returned whole
        Map<String, String> found = python(ndr.getBytes(StandardCharsets.UTF_8));
        assertThat(found).containsEntry("recipient.Action", "failed").containsEntry("returned.kind", "message")
                .containsEntry("returned.body", "body comes back").containsEntry("defects", "0");
    }

    /** Runs parse_dsn.py with the message on stdin; its "key=value" lines (the first of each key). */
    static Map<String, String> python(byte[] message) throws Exception {
        Path script = dir.resolve("parse_dsn.py");
        if (!java.nio.file.Files.exists(script)) {
            try (InputStream in = RetryAndBounceTest.class.getResourceAsStream("parse_dsn.py")) {
                java.nio.file.Files.write(script, in.readAllBytes());
            }
        }
        Process p = new ProcessBuilder("python3", script.toString()).redirectErrorStream(true).start();
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
