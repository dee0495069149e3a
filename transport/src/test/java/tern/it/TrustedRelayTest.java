package tern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.testing.ScriptedSmtpServer;
import tern.testing.TestCertificateAuthority;
import tern.testing.TestDnsServer;
import tern.testing.TernInstance;

/**
 * The trust settings as an operator writes them in YAML: a smart host named by a host name,
 * verified against {@code delivery.trustAnchors}, gets its credentials over TLS; a route with
 * {@code auth} gets its own; the submitted message arrives with Message-ID, Date and a
 * DKIM-Signature made with the {@code dkim:} key.
 */
class TrustedRelayTest {

    @TempDir
    Path dir;

    @Test
    void credentialsGoToTheirOwnVerifiedNextHopAndSubmissionsArriveSigned() throws Exception {
        TestCertificateAuthority ca = TestCertificateAuthority.create("Tern YAML CA");
        var ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path key = dir.resolve("dkim.pem");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(ed.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        try (TestDnsServer dns = TestDnsServer.start();
             var smart = ScriptedSmtpServer.builder().bind("127.0.0.2").auth("relayuser", "relay-s3cret")
                     .startTls(ca.issue("smarthost.test").serverContext()).start();
             var partner = ScriptedSmtpServer.builder().bind("127.0.0.3").auth("partneruser", "partner-s3cret")
                     .startTls(ca.issue("partner-mx.test").serverContext()).start()) {
            dns.a("smarthost.test", "127.0.0.2").a("partner-mx.test", "127.0.0.3");
            try (TernInstance tern = TernInstance.start(dir, "relay.tern.test", """
                    domains:
                      local: [tern.test]
                    delivery:
                      smartHost: "[smarthost.test]:%d"
                      smartHostAuth: {username: relayuser, password: relay-s3cret}
                      trustAnchors: %s
                      tls: verify
                      connections: {timeout: 5s}
                    routes:
                      - domain: partner.test
                        nextHop: "[partner-mx.test]:%d"
                        auth: {username: partneruser, password: partner-s3cret}
                    dkim:
                      - {domain: example.test, selector: ed2026, privateKey: %s}
                    dns:
                      servers: ["%s"]
                    """.formatted(smart.port(), ca.pem(), partner.port(), key, dns.server()))) {
                tern.send("<alice@example.test>", List.of("<bob@far.test>"),
                        "From: Alice <alice@example.test>\r\nSubject: via the smart host\r\n\r\nHello.\r\n");
                tern.send("<alice@example.test>", List.of("<carol@partner.test>"),
                        "From: Alice <alice@example.test>\r\nSubject: to the partner\r\n\r\nHi.\r\n");

                var viaSmartHost = smart.awaitMessages(1, Duration.ofSeconds(20)).getFirst();
                assertThat(viaSmartHost.tls()).isTrue();
                assertThat(viaSmartHost.authUser()).isEqualTo("relayuser");
                assertThat(viaSmartHost.dataText()).startsWith("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;"
                        + " d=example.test; s=ed2026;").contains("\r\nMessage-ID: <").contains("\r\nDate: ");

                var toPartner = partner.awaitMessages(1, Duration.ofSeconds(20)).getFirst();
                assertThat(toPartner.tls()).isTrue();
                assertThat(toPartner.authUser()).isEqualTo("partneruser");
                String secret = Base64.getEncoder().encodeToString("\0relayuser\0relay-s3cret".getBytes(StandardCharsets.UTF_8));
                assertThat(partner.commands()).noneMatch(c -> c.line().contains(secret) || c.line().contains("relay-s3cret"));
            }
        }
    }
}
