package tern.interop;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.auth.PasswordHash;
import tern.auth.UserFile;
import tern.testing.Eventually;

/**
 * Angus Mail (the Jakarta Mail implementation most Java applications send with) submitting
 * through a whole Tern: a MIME message with an attachment arrives in the Maildir as sent, and
 * an authenticated submission is marked as such in the Received field.
 */
class AngusMailInteropTest {

    @TempDir
    Path dir;

    private TernUnderTest tern;

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    private static Properties smtp(int port) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(port));
        p.put("mail.smtp.localhost", "angus.client.test");
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "10000");
        p.put("mail.smtp.writetimeout", "10000");
        return p;
    }

    private static MimeMessage message(Session session, String from, String to) throws Exception {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(from));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        m.setSubject("Quarterly report", "UTF-8");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("See the attachment.\n", "UTF-8");
        MimeBodyPart attachment = new MimeBodyPart();
        attachment.setContent(new byte[] {0, 1, 2, (byte) 0xff, '\r', '\n', '.', '\r', '\n'}, "application/octet-stream");
        attachment.setFileName("report.bin");
        m.setContent(new MimeMultipart(text, attachment));
        m.saveChanges();
        return m;
    }

    @Test
    void aMimeMessageWithAnAttachmentArrivesAsSent() throws Exception {
        tern = TernUnderTest.start(dir, """
                server:
                  fqdn: tern.interop.test
                  listen: ["127.0.0.1:0"]
                  dataDir: %DIR%/data
                domains:
                  local: [tern.test]
                admin:
                  listen: ""
                """);
        Session session = Session.getInstance(smtp(tern.smtpPort()));
        MimeMessage sent = message(session, "app@sender.test", "reports@tern.test");
        Transport.send(sent);

        Eventually.await("the message in reports' Maildir", () -> !tern.maildir("tern.test", "reports").isEmpty());
        String stored = tern.maildir("tern.test", "reports").getFirst();
        assertThat(stored).startsWith("Return-Path: <app@sender.test>\r\nDelivered-To: reports@tern.test\r\n")
                .containsPattern("Received: from angus\\.client\\.test \\(\\[127\\.0\\.0\\.1\\]\\)\\s+by tern\\.interop\\.test"
                        + " with ESMTP id \\S+\\s+for <reports@tern\\.test>;");
        // Parse what arrived: the MIME structure and the attachment's bytes survived the trip.
        MimeMessage received = new MimeMessage(session,
                new java.io.ByteArrayInputStream(stored.getBytes(StandardCharsets.UTF_8)));
        assertThat(received.getMessageID()).isEqualTo(sent.getMessageID());
        assertThat(received.getSubject()).isEqualTo("Quarterly report");
        var parts = (MimeMultipart) received.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(((String) parts.getBodyPart(0).getContent()).replace("\r\n", "\n")).isEqualTo("See the attachment.\n");
        assertThat(parts.getBodyPart(1).getFileName()).isEqualTo("report.bin");
        assertThat(parts.getBodyPart(1).getInputStream().readAllBytes())
                .isEqualTo(new byte[] {0, 1, 2, (byte) 0xff, '\r', '\n', '.', '\r', '\n'});
    }

    @Test
    void anAuthenticatedSubmissionOverStartTlsIsMarkedEsmtpsaInReceived() throws Exception {
        ExternalProgram.require("openssl", "version");
        Path key = dir.resolve("k.pem");
        Path cert = dir.resolve("c.pem");
        ExternalProgram.check(Duration.ofSeconds(20), List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-subj", "/CN=localhost", "-days", "1"));
        // The users file `tern user add` writes, created before the server reads it.
        Path data = Files.createDirectories(dir.resolve("data"));
        UserFile.load(data.resolve("users"), new PasswordHash(1_000)).add("app@tern.test", "s3cret!".toCharArray());
        tern = TernUnderTest.start(dir, """
                server:
                  fqdn: tern.interop.test
                  listen: ["127.0.0.1:0"]
                  dataDir: %%DIR%%/data
                  tls: {certificate: %s, privateKey: %s}
                domains:
                  local: [tern.test]
                admin:
                  listen: ""
                """.formatted(cert, key));
        Properties p = smtp(tern.smtpPort());
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.trust", "*");
        p.put("mail.smtp.ssl.checkserveridentity", "false");
        Session session = Session.getInstance(p);
        MimeMessage sent = message(session, "app@tern.test", "reports@tern.test");
        Transport.send(sent, "app@tern.test", "s3cret!");

        Eventually.await("the message in reports' Maildir", () -> !tern.maildir("tern.test", "reports").isEmpty());
        assertThat(tern.maildir("tern.test", "reports").getFirst())
                .startsWith("Return-Path: <app@tern.test>\r\n")
                .containsPattern("Received: from angus\\.client\\.test \\(\\[127\\.0\\.0\\.1\\]\\)\\s+by tern\\.interop\\.test"
                        + " with ESMTPSA id ");
        assertThat(tern.maildir("tern.test", "reports").getFirst()).as("the credentials never reach the stored message")
                .doesNotContain("s3cret!")
                .doesNotContain(Base64.getEncoder().encodeToString("s3cret!".getBytes(StandardCharsets.UTF_8)));
    }
}
