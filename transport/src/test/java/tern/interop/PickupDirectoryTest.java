package tern.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.testing.Eventually;

/**
 * The Pickup directory of a running server: files renamed into {@code <dataDir>/pickup/} are
 * queued, delivered, and removed; a file that gives no envelope goes to Badmail with its reason.
 */
class PickupDirectoryTest {

    @TempDir
    Path dir;

    private TernUnderTest tern;
    private Path pickup;

    @BeforeEach
    void start() throws Exception {
        tern = TernUnderTest.start(dir, """
                server:
                  fqdn: pickup.tern.test
                  listen: ["127.0.0.1:0"]
                  dataDir: %DIR%/data
                domains:
                  local: [tern.test]
                admin:
                  listen: ""
                """);
        pickup = dir.resolve("data").resolve("pickup");
        assertThat(pickup).isDirectory();
    }

    @AfterEach
    void stop() {
        tern.close();
    }

    @Test
    void xSenderAndXReceiverLinesDecideTheEnvelopeNotTheToField() throws Exception {
        Path file = drop("iis.eml", """
                x-sender: app@tern.test
                x-receiver: real@tern.test
                From: App <app@tern.test>
                To: header@tern.test
                Subject: from pickup

                picked up
                """);

        String delivered = awaitOne("real");
        assertThat(delivered).contains("Subject: from pickup").contains("To: header@tern.test").contains("picked up")
                .contains("Received: from pickup (the pickup directory)\r\n\tby pickup.tern.test id ")
                .contains("Return-Path: <app@tern.test>")
                .doesNotContainIgnoringCase("x-sender").doesNotContainIgnoringCase("x-receiver");
        Eventually.await("the file removed", () -> !Files.exists(file));
        assertThat(tern.maildir("tern.test", "header")).isEmpty();
    }

    @Test
    void aFileWithOnlyHeaderFieldsGoesToItsToCcAndBccWithoutTheBccField() throws Exception {
        drop("headers.eml", """
                From: Ann <ann@tern.test>
                To: h-to@tern.test
                Cc: h-cc@tern.test
                Bcc: h-bcc@tern.test
                Subject: headers only

                body
                """);

        for (String box : List.of("h-to", "h-cc")) {
            assertThat(awaitOne(box)).contains("Subject: headers only").doesNotContain("Bcc").doesNotContain("h-bcc@");
        }
        assertThat(awaitOne("h-bcc")).contains("Subject: headers only").doesNotContain("Bcc:");
    }

    @Test
    void aFileWithoutRecipientsGoesToBadmailWithTheReason() throws Exception {
        Path file = drop("broken.eml", "Subject: to nobody\n\nbody\n");
        Path badmail = dir.resolve("data").resolve("badmail");

        // The .bad file is written last: once it is there, its reason is beside it.
        Eventually.await("the file in Badmail", Duration.ofSeconds(20), () -> inBadmail(badmail, ".bad") != null);
        Path bad = inBadmail(badmail, ".bad");
        assertThat(Files.readString(bad)).isEqualTo("Subject: to nobody\n\nbody\n");
        String reason = Files.readString(Path.of(bad.toString().replaceAll("\\.bad$", ".bdr")));
        assertThat(reason).contains("Reason: pickup file broken.eml: no recipients: no x-receiver line");
        // removed from pickup/ only after its Badmail copy is complete
        Eventually.await("the file gone from pickup/", Duration.ofSeconds(20), () -> !Files.exists(file));
    }

    @Test
    void aDotFileIsNotTakenUntilItIsRenamed() throws Exception {
        Path hidden = pickup.resolve(".slow.eml.tmp");
        Files.writeString(hidden, "x-sender: a@tern.test\nx-receiver: dotted@tern.test\n\nhalf");
        // A file renamed in after the dot file was written: once it is delivered, the scanner has
        // seen the dot file too, and left it.
        drop("later.eml", "x-sender: a@tern.test\nx-receiver: later@tern.test\n\nlater\n");
        awaitOne("later");
        assertThat(hidden).exists();
        assertThat(tern.maildir("tern.test", "dotted")).isEmpty();

        Files.writeString(hidden, "x-sender: a@tern.test\nx-receiver: dotted@tern.test\n\nwhole\n",
                java.nio.file.StandardOpenOption.APPEND);
        Files.move(hidden, pickup.resolve("slow.eml"), StandardCopyOption.ATOMIC_MOVE);
        assertThat(awaitOne("dotted")).contains("half").contains("whole");
    }

    /** Writes {@code text} outside the directory and renames it in, as the README says to. */
    private Path drop(String name, String text) throws Exception {
        Path outside = dir.resolve(name + ".writing");
        Files.writeString(outside, text, StandardCharsets.UTF_8);
        Path target = pickup.resolve(name);
        Files.move(outside, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    private String awaitOne(String localPart) {
        Eventually.await("a message for " + localPart, Duration.ofSeconds(20),
                () -> !tern.maildir("tern.test", localPart).isEmpty());
        List<String> messages = tern.maildir("tern.test", localPart);
        assertThat(messages).hasSize(1);
        return messages.getFirst();
    }

    private static Path inBadmail(Path badmail, String suffix) {
        if (!Files.isDirectory(badmail)) {
            return null;
        }
        try (var files = Files.list(badmail)) {
            return files.filter(f -> f.toString().endsWith(suffix)).findFirst().orElse(null);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
