package tern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.testing.SmtpTestClient;
import tern.testing.TernInstance;

/** Mail for a local domain, through SMTP on loopback into the Maildir drop, read back as a file. */
class LocalDeliveryTest {

    private static final Duration ARRIVAL = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TernInstance tern;

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    @Test
    void aForgedReturnPathIsReplacedByTheEnvelopeSenderAlone() throws Exception {
        tern = TernInstance.start(dir, "local.tern.test", """
                domains:
                  local: [tern.test]
                """);
        tern.send("<alice@sender.test>", List.of("<bob@tern.test>"), "Return-Path: <forged@evil.example>\r\n"
                + "Subject: forged\r\nreturn-path:\r\n <folded@evil.example>\r\nFrom: alice@sender.test\r\n\r\n"
                + "Return-Path: <in the body, left alone>\r\n");

        String stored = tern.awaitMaildir("bob", "tern.test", 1, ARRIVAL).getFirst();
        String header = stored.substring(0, stored.indexOf("\r\n\r\n") + 2);
        assertThat(Pattern.compile("(?im)^return-path\\s*:").matcher(header).results().count()).isEqualTo(1);
        assertThat(header).startsWith("Return-Path: <alice@sender.test>\r\n")
                .doesNotContain("evil.example").contains("Subject: forged\r\nFrom: alice@sender.test\r\n");
        assertThat(stored).endsWith("\r\n\r\nReturn-Path: <in the body, left alone>\r\n");
    }
    /** A server for tern.test whose valid recipients are the file {@code recipients}. */
    private Path startWithRecipients(String file) throws Exception {
        Path recipients = dir.resolve("recipients");
        java.nio.file.Files.writeString(recipients, file);
        tern = TernInstance.start(dir, "local.tern.test", """
                domains:
                  local: [tern.test, lists.tern.test]
                  recipients: %s
                """.formatted(recipients));
        return recipients;
    }

    /** The reply to RCPT TO:{@code rcpt} in a fresh transaction. */
    private SmtpTestClient.Reply rcpt(String rcpt) {
        try (SmtpTestClient c = SmtpTestClient.connect(tern.smtp())) {
            c.expect(220);
            c.expect("EHLO client.tern.test", 250);
            c.expect("MAIL FROM:<alice@sender.test>", 250);
            return c.command("RCPT TO:" + rcpt).read();
        }
    }

    @Test
    void anUnknownLocalUserIsRefusedAtRcptWith550And511() throws Exception {
        startWithRecipients("bob@tern.test\n@lists.tern.test\n");

        SmtpTestClient.Reply unknown = rcpt("<mallory@tern.test>");
        assertThat(unknown.code()).isEqualTo(550);
        assertThat(unknown.status()).isEqualTo("5.1.1");
        assertThat(rcpt("<bob@tern.test>").code()).isEqualTo(250);
        assertThat(rcpt("<anyone@lists.tern.test>").code()).isEqualTo(250);
        assertThat(rcpt("<postmaster@tern.test>").code()).isEqualTo(250);
        assertThat(rcpt("<someone@remote.test>").code()).as("relaying from loopback is unchanged").isEqualTo(250);
    }

    @Test
    void knownUsersAndAliasesAreDeliveredToTheRightMaildir() throws Exception {
        startWithRecipients("""
                # the people
                bob@tern.test
                carol@tern.test
                alice@tern.test
                info@tern.test: bob@tern.test
                team@tern.test: info@tern.test, carol@tern.test
                """);
        tern.send("<alice@sender.test>", List.of("<Bob@tern.test>"), "Subject: to bob\r\n\r\nx\r\n");
        tern.send("<alice@sender.test>", List.of("<info@tern.test>"), "Subject: to info\r\n\r\nx\r\n");
        tern.send("<alice@sender.test>", List.of("<team@tern.test>", "<bob@tern.test>"), "Subject: to the team\r\n\r\nx\r\n");

        List<String> bob = tern.awaitMaildir("bob", "tern.test", 3, ARRIVAL);
        assertThat(bob).hasSize(3).anyMatch(m -> m.contains("Subject: to bob")).anyMatch(m -> m.contains("Subject: to info"))
                .anyMatch(m -> m.contains("Subject: to the team"));
        assertThat(bob).allMatch(m -> m.contains("Delivered-To: bob@tern.test"));
        assertThat(tern.awaitMaildir("carol", "tern.test", 1, ARRIVAL).getFirst()).contains("Subject: to the team");
        assertThat(tern.maildir("info", "tern.test")).isEmpty();
        assertThat(tern.maildir("team", "tern.test")).isEmpty();
        assertThat(tern.maildir("Bob", "tern.test")).isEmpty();
    }

    @Test
    void anAliasKeepsTheAddressTheSenderUsedAsOriginalRecipientInTheDsn() throws Exception {
        startWithRecipients("alice@tern.test\nbob@tern.test\ninfo@tern.test: bob@tern.test\n");
        tern.send("<alice@tern.test>", List.of("<info@tern.test> NOTIFY=SUCCESS"), "Subject: tell me\r\n\r\nx\r\n");

        tern.awaitMaildir("bob", "tern.test", 1, ARRIVAL);
        String dsn = tern.awaitMaildir("alice", "tern.test", 1, ARRIVAL).getFirst();
        assertThat(dsn).contains("Original-Recipient: rfc822; info@tern.test")
                .contains("Final-Recipient: rfc822; bob@tern.test").contains("Action: delivered");
    }

    @Test
    void anEditOfTheRecipientsFileIsPickedUpWithoutARestart() throws Exception {
        Path recipients = startWithRecipients("bob@tern.test\n");
        assertThat(rcpt("<newcomer@tern.test>").code()).isEqualTo(550);

        java.nio.file.Files.writeString(recipients, "bob@tern.test\nnewcomer@tern.test\n");
        assertThat(rcpt("<newcomer@tern.test>").code()).isEqualTo(250);

        java.nio.file.Files.writeString(recipients, "bob@tern.test\nnot an address\n"); // broken: the last table stays
        assertThat(rcpt("<newcomer@tern.test>").code()).isEqualTo(250);
        assertThat(rcpt("<mallory@tern.test>").code()).isEqualTo(550);

        java.nio.file.Files.writeString(recipients, "bob@tern.test\n");
        assertThat(rcpt("<newcomer@tern.test>").code()).isEqualTo(550);
    }

    @Test
    void withoutARecipientsFileEveryLocalPartIsAccepted() throws Exception {
        tern = TernInstance.start(dir, "local.tern.test", """
                domains:
                  local: [tern.test]
                """);
        assertThat(rcpt("<whoever@tern.test>").code()).isEqualTo(250);
    }
}
