package tern.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.testing.Eventually;
import tern.testing.LoopbackPorts;
import tern.testing.RequiredTool;

/**
 * Tern next to a real Postfix, both ways, each with its own private Postfix instance on a
 * loopback port: what arrives in the other MTA's Maildir must carry both MTAs' trace fields
 * and the envelope the first client gave.
 */
class PostfixInteropTest {

    @TempDir
    Path dir;

    private PrivatePostfix postfix;
    private TernUnderTest tern;

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
        if (postfix != null) {
            postfix.close();
        }
    }

    @Test
    void swaksToTernToPostfixArrivesWithTernsReceivedTheReturnPathAndDeliveredTo() throws Exception {
        RequiredTool.swaks("Socket Transport");
        postfix = LoopbackPorts.startOnFreePort(
                port -> PrivatePostfix.start(Files.createDirectories(dir.resolve("postfix")), port, null, "bob"));
        int postfixPort = postfix.port();
        tern = TernUnderTest.start(Files.createDirectories(dir.resolve("tern")), """
                server:
                  fqdn: tern.interop.test
                  listen: ["127.0.0.1:0"]
                  dataDir: %%DIR%%/data
                routes:
                  - {domain: postfix.test, nextHop: "[127.0.0.1]:%d"}
                admin:
                  listen: ""
                """.formatted(postfixPort));

        String out = ExternalProgram.check(Duration.ofSeconds(20), List.of("swaks", "--server", "127.0.0.1",
                "--port", String.valueOf(tern.smtpPort()), "--helo", "swaks.client.test",
                "--from", "alice@sender.test", "--to", "bob@postfix.test",
                "--header", "Subject: swaks via tern to postfix", "--body", "first hop tern, last hop postfix",
                "--timeout", "10"));
        String ternId = queuedAs(out);

        awaitWithPostfixLog("the message in Postfix's Maildir for bob", () -> !postfix.maildir("bob").isEmpty());
        String message = postfix.maildir("bob").getFirst();
        // virtual(8) writes the envelope it was given on top: MAIL FROM and RCPT TO as Tern sent them.
        assertThat(message).startsWith("Return-Path: <alice@sender.test>\n")
                .contains("\nDelivered-To: bob@postfix.test\n");
        int postfixReceived = indexOf(message,
                "Received: from tern\\.interop\\.test \\([^)]*\\[127\\.0\\.0\\.1\\]\\)\\s+by mx\\.postfix\\.test \\(Postfix\\) with E?SMTP");
        int ternReceived = indexOf(message, "Received: from swaks\\.client\\.test \\(\\[127\\.0\\.0\\.1\\]\\)\\s+by tern\\.interop\\.test with ESMTP id "
                + Pattern.quote(ternId) + "\\s+for <bob@postfix\\.test>;");
        assertThat(postfixReceived).as("Postfix's Received, newest on top:\n" + message).isLessThan(ternReceived);
        assertThat(message).contains("Subject: swaks via tern to postfix").contains("first hop tern, last hop postfix");
        // Postfix logs the delivery after the file is in place: wait for the line, not just the file.
        awaitWithPostfixLog("Postfix's delivery line for bob",
                () -> postfix.log().contains("to=<bob@postfix.test>") && postfix.log().contains("status=sent"));
    }

    @Test
    void postfixRelaysIntoTernWithBothReceivedFieldsAndTheSenderPreserved() throws Exception {
        RequiredTool.swaks("Socket Transport");
        tern = TernUnderTest.start(Files.createDirectories(dir.resolve("tern")), """
                server:
                  fqdn: tern.interop.test
                  listen: ["127.0.0.1:0"]
                  dataDir: %DIR%/data
                domains:
                  local: [tern.test]
                admin:
                  listen: ""
                """);
        postfix = LoopbackPorts.startOnFreePort(port -> PrivatePostfix.start(
                Files.createDirectories(dir.resolve("postfix")), port, "[127.0.0.1]:" + tern.smtpPort()));
        int postfixPort = postfix.port();

        ExternalProgram.check(Duration.ofSeconds(20), List.of("swaks", "--server", "127.0.0.1",
                "--port", String.valueOf(postfixPort), "--helo", "swaks.client.test",
                "--from", "carol@sender.test", "--to", "dave@tern.test",
                "--header", "Subject: swaks via postfix to tern", "--body", "first hop postfix, last hop tern",
                "--timeout", "10"));

        awaitWithPostfixLog("the message in Tern's Maildir for dave", () -> !tern.maildir("tern.test", "dave").isEmpty());
        String message = tern.maildir("tern.test", "dave").getFirst();
        assertThat(message).startsWith("Return-Path: <carol@sender.test>\r\nDelivered-To: dave@tern.test\r\n");
        int ternReceived = indexOf(message,
                "Received: from mx\\.postfix\\.test \\(\\[127\\.0\\.0\\.1\\]\\)\\s+by tern\\.interop\\.test with ESMTP id \\S+\\s+for <dave@tern\\.test>;");
        int postfixReceived = indexOf(message,
                "Received: from swaks\\.client\\.test \\([^)]*\\[127\\.0\\.0\\.1\\]\\)\\s+by mx\\.postfix\\.test \\(Postfix\\) with E?SMTP id \\S+\\s+for <dave@tern\\.test>;");
        assertThat(ternReceived).as("Tern's Received, newest on top:\n" + message).isLessThan(postfixReceived);
        assertThat(message).contains("Subject: swaks via postfix to tern").contains("first hop postfix, last hop tern");
        assertThat(postfix.log()).contains("relay=127.0.0.1[127.0.0.1]:" + tern.smtpPort()).contains("status=sent");
    }

    private void awaitWithPostfixLog(String what, java.util.function.BooleanSupplier condition) {
        try {
            Eventually.await(what, Duration.ofSeconds(20), condition);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nPostfix's log:\n" + postfix.log(), e);
        }
    }

    private static String queuedAs(String swaksOutput) {
        Matcher m = Pattern.compile("250 2\\.0\\.0 Ok: queued as (\\S+)").matcher(swaksOutput);
        assertThat(m.find()).as(swaksOutput).isTrue();
        return m.group(1);
    }

    private static int indexOf(String message, String regex) {
        Matcher m = Pattern.compile(regex).matcher(message);
        assertThat(m.find()).as("/%s/ in%n%s", regex, message).isTrue();
        return m.start();
    }
}
