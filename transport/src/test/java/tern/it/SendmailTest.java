package tern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.testing.Eventually;
import tern.testing.MaildirFolder;
import tern.testing.TernProcess;

/**
 * {@code tern sendmail} as applications and cron run it: a process of its own, the message on
 * standard input, handing it to a running {@code tern serve} (another process) over loopback
 * SMTP; the mail arrives in the local Maildirs.
 */
class SendmailTest {

    @TempDir
    static Path dir;

    private static TernProcess server;
    private static Path config;
    private static Path data;

    /** What a sendmail run printed (stdout and stderr together) and its exit code. */
    record Run(int exitCode, String out) {
    }

    @BeforeAll
    static void startServer() throws Exception {
        data = dir.resolve("data");
        config = dir.resolve("tern.yaml");
        // Port 0 to bind; once it listens, the file names the port it got, as an operator's
        // would, so that sendmail finds the running server. 0.0.0.0: sendmail must then talk
        // to 127.0.0.1.
        java.util.function.IntFunction<String> yaml = port -> """
                server:
                  fqdn: sendmail.tern.test
                  listen: ["0.0.0.0:%d"]
                  dataDir: %s
                domains:
                  local: [tern.test]
                admin:
                  listen: ""
                """.formatted(port, data);
        Files.writeString(config, yaml.apply(0));
        server = TernProcess.serve(config, dir.resolve("serve.log"));
        Files.writeString(config, yaml.apply(server.smtpPort()));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.terminate(Duration.ofSeconds(20));
        }
    }

    @Test
    void dashTTakesToCcAndBccAndRemovesBcc() throws Exception {
        Run run = sendmail("""
                From: App <app@tern.test>
                To: Ann <t-ann@tern.test>
                Cc: t-cy@tern.test
                Bcc: "Hidden, Person" <t-hid@tern.test>
                Subject: dash t

                hello from -t
                """, "-t", "-i");

        assertThat(run.exitCode()).as(run.out()).isZero();
        for (String box : List.of("t-ann", "t-cy", "t-hid")) {
            String delivered = awaitOne(box);
            assertThat(delivered).contains("Subject: dash t").contains("hello from -t")
                    .contains("To: Ann <t-ann@tern.test>").contains("Cc: t-cy@tern.test")
                    .doesNotContain("Bcc").doesNotContain("Hidden");
        }
    }

    @Test
    void argumentRecipientsGetAFromFieldWithTheFullNameAndTheDashFSender() throws Exception {
        Run run = sendmail("""
                Subject: cron output
                To: not-a-recipient@tern.test

                the job ran
                """, "-FCron Daemon", "-f", "cron@tern.test", "-oem", "-B8BITMIME", "a-one@tern.test", "a-two@tern.test");

        assertThat(run.exitCode()).as(run.out()).isZero();
        for (String box : List.of("a-one", "a-two")) {
            String delivered = awaitOne(box);
            assertThat(delivered).contains("From: Cron Daemon <cron@tern.test>").contains("the job ran")
                    .contains("Return-Path: <cron@tern.test>");
        }
        assertThat(MaildirFolder.messages(maildir("not-a-recipient"))).isEmpty(); // no -t: headers are not read
    }

    @Test
    void withoutDashIALineWithASingleDotEndsTheMessageAndWithItTheDotIsText() throws Exception {
        Run ended = sendmail("Subject: dot\n\nbefore\n.\nafter the dot\n", "d-ended@tern.test");
        Run kept = sendmail("Subject: dot\n\nbefore\n.\nafter the dot\n", "-oi", "d-kept@tern.test");

        assertThat(ended.exitCode()).as(ended.out()).isZero();
        assertThat(kept.exitCode()).as(kept.out()).isZero();
        assertThat(awaitOne("d-ended")).contains("before").doesNotContain("after the dot");
        assertThat(awaitOne("d-kept")).contains("before\r\n.\r\nafter the dot\r\n");
    }

    @Test
    void dashBsSpeaksSmtpOnStdinAndStdoutWithPlainNewlines() throws Exception {
        Run run = sendmail("""
                EHLO app.local
                MAIL FROM:<bs@tern.test>
                RCPT TO:<bs-box@tern.test>
                DATA
                Subject: over -bs

                sent with -bs
                ..leading dot
                .
                QUIT
                """, "-bs");

        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.out()).startsWith("220 ").contains("\r\n250 2.0.0 Ok: queued as ").contains("\r\n221 ");
        assertThat(awaitOne("bs-box")).contains("sent with -bs\r\n.leading dot\r\n");
    }

    @Test
    void wrongUseAndNoRecipientsGiveSendmailsExitCodes() throws Exception {
        assertThat(sendmail("Subject: x\n\nx\n").exitCode()).isEqualTo(64);
        assertThat(sendmail("Subject: x\n\nx\n", "-t").exitCode()).isEqualTo(65);
        assertThat(sendmail("Subject: x\n\nx\n", "-bp").exitCode()).isEqualTo(64);
        assertThat(sendmail("Subject: x\n\nx\n", "not an address").exitCode()).isEqualTo(64);
    }

    @Test
    void noServerListeningIsATemporaryFailure() throws Exception {
        Path down = dir.resolve("down.yaml");
        try (var refusing = tern.testing.LoopbackPorts.refusingPort()) {
            Files.writeString(down, """
                    server:
                      listen: ["127.0.0.1:%d"]
                      dataDir: %s
                    """.formatted(refusing.getLocalPort(), dir.resolve("unused")));

            Run run = sendmailWith(down, "Subject: x\n\nx\n", "someone@tern.test");

            assertThat(run.exitCode()).isEqualTo(75);
            assertThat(run.out()).contains("no mail server answers on 127.0.0.1:");
        }
    }

    private static String awaitOne(String localPart) {
        Eventually.await("a message in " + localPart, Duration.ofSeconds(20),
                () -> !MaildirFolder.messages(maildir(localPart)).isEmpty());
        List<String> messages = MaildirFolder.messages(maildir(localPart));
        assertThat(messages).hasSize(1);
        return messages.getFirst();
    }

    private static Path maildir(String localPart) {
        return data.resolve("drop").resolve("tern.test").resolve(localPart);
    }

    private static Run sendmail(String stdin, String... args) throws IOException, InterruptedException {
        return sendmailWith(config, stdin, args);
    }

    private static Run sendmailWith(Path configFile, String stdin, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(TernProcess.mainCommand("-Xmx256m", "-XX:TieredStopAtLevel=1"));
        command.add("sendmail");
        command.addAll(List.of("--config", configFile.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("tern sendmail did not finish:\n" + out);
        }
        return new Run(p.exitValue(), out);
    }
}
