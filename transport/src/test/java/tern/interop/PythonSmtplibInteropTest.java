package tern.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.testing.Eventually;
import tern.testing.RequiredTool;

/**
 * Python's smtplib, the client half the world's scripts use, against a whole Tern: an
 * internationalized envelope (RFC 6531 SMTPUTF8) arrives in the Maildir byte for byte, and a
 * session upgraded with STARTTLS (RFC 3207) is marked in the Received field.
 */
class PythonSmtplibInteropTest {

    @TempDir
    Path dir;

    private TernUnderTest tern;

    @AfterEach
    void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    private TernUnderTest start(String serverExtra) throws Exception {
        return TernUnderTest.start(dir, """
                server:
                  fqdn: tern.interop.test
                  listen: ["127.0.0.1:0"]
                  dataDir: %%DIR%%/data
                %s
                domains:
                  local: [tern.test]
                admin:
                  listen: ""
                """.formatted(serverExtra));
    }

    @Test
    void smtputf8AddressesAndHeadersArriveIntactWithUtf8smtpInReceived() throws Exception {
        RequiredTool.python3("smtplib");
        tern = start("");
        String script = """
                import smtplib, sys
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='py.client.test', timeout=10)
                s.ehlo()
                assert s.has_extn('smtputf8'), s.esmtp_features
                msg = 'Subject: Grüße aus Köln\\r\\nFrom: Jörg <jörg@absender.test>\\r\\n\\r\\nÜmlaute im Text.\\r\\n'
                refused = s.sendmail('jörg@absender.test', ['zoë@tern.test'], msg.encode('utf-8'),
                                     mail_options=['SMTPUTF8', 'BODY=8BITMIME'])
                assert not refused, refused
                s.quit()
                """;
        ExternalProgram.check(Duration.ofSeconds(20), List.of("python3", "-c", script, String.valueOf(tern.smtpPort())));

        Eventually.await("the message in zoë's Maildir", () -> !tern.maildir("tern.test", "zoë").isEmpty());
        String message = tern.maildir("tern.test", "zoë").getFirst();
        assertThat(message).startsWith("Return-Path: <jörg@absender.test>\r\nDelivered-To: zoë@tern.test\r\n")
                .containsPattern("Received: from py\\.client\\.test \\(\\[127\\.0\\.0\\.1\\]\\)\\s+by tern\\.interop\\.test"
                        + " with UTF8SMTP id \\S+\\s+for <zoë@tern\\.test>;")
                .contains("\r\nSubject: Grüße aus Köln\r\nFrom: Jörg <jörg@absender.test>\r\nMessage-ID: <") // added:
                .contains("\r\n\r\nÜmlaute im Text.\r\n"); // a loopback client is trusted
    }

    @Test
    void startTlsUpgradesTheSessionAndReceivedSaysEsmtps() throws Exception {
        RequiredTool.python3("smtplib", "ssl");
        ExternalProgram.require("openssl", "version");
        Path key = dir.resolve("k.pem");
        Path cert = dir.resolve("c.pem");
        ExternalProgram.check(Duration.ofSeconds(20), List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-subj", "/CN=localhost", "-days", "1"));
        tern = start("  tls: {certificate: %s, privateKey: %s}".formatted(cert, key));
        String script = """
                import smtplib, ssl, sys
                ctx = ssl.create_default_context(cafile=sys.argv[2])
                ctx.check_hostname = False   # the certificate names localhost; we connect to 127.0.0.1
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='py.client.test', timeout=10)
                s.ehlo()
                assert s.has_extn('starttls'), s.esmtp_features
                code, _ = s.starttls(context=ctx)
                assert code == 220, code
                s.ehlo()
                assert not s.has_extn('starttls'), 'STARTTLS offered again inside TLS'
                print('cipher', s.sock.cipher())
                refused = s.sendmail('tls@sender.test', ['secure@tern.test'],
                                     b'Subject: over TLS\\r\\n\\r\\nencrypted on the wire\\r\\n')
                assert not refused, refused
                s.quit()
                """;
        ExternalProgram.check(Duration.ofSeconds(20),
                List.of("python3", "-c", script, String.valueOf(tern.smtpPort()), cert.toString()));

        Eventually.await("the message in secure's Maildir", () -> !tern.maildir("tern.test", "secure").isEmpty());
        assertThat(tern.maildir("tern.test", "secure").getFirst())
                .startsWith("Return-Path: <tls@sender.test>\r\nDelivered-To: secure@tern.test\r\n")
                .containsPattern("Received: from py\\.client\\.test \\(\\[127\\.0\\.0\\.1\\]\\)\\s+by tern\\.interop\\.test"
                        + " with ESMTPS id ")
                .contains("encrypted on the wire");
    }
}
