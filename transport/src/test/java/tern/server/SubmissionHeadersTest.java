package tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.auth.PasswordHash;
import tern.auth.UserFile;
import tern.testing.SmtpTestClient;

/**
 * Message-ID and Date are added to our own users' mail (trusted network or AUTH) when missing,
 * over real SMTP; relayed mail from elsewhere keeps its header as it came.
 */
class SubmissionHeadersTest {

    @TempDir
    Path dir;

    private static final String BARE = "From: a@b.example\r\nSubject: bare\r\n\r\nhello\r\n.\r\n";

    private static String send(ServerFixture fixture, String auth, String message) {
        try (SmtpTestClient c = fixture.connect()) {
            c.expect("EHLO client.example", 250);
            if (auth != null) {
                c.expect("AUTH PLAIN " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8)), 235);
            }
            c.expect("MAIL FROM:<a@b.example>", 250);
            c.expect("RCPT TO:<x@tern.test>", 250);
            c.expect("DATA", 354);
            c.send(message).expect(250);
        }
        return null;
    }

    private static String stored(RecordingSpool spool) {
        return spool.messages().getLast().text();
    }

    @Test
    void aClientOfTheTrustedNetworkGetsMessageIdAndDate() {
        var spool = new RecordingSpool();
        try (var fixture = ServerFixture.start(ServerFixture.config(), spool)) {
            send(fixture, null, BARE);
            String id = spool.messages().getLast().envelope().id().value();
            String m = stored(spool);
            assertThat(m).contains("Subject: bare\r\nMessage-ID: <20250603110530." + id + "@" + ServerFixture.FQDN
                    + ">\r\nDate: Tue, 3 Jun 2025 11:05:30 +0000\r\n\r\nhello\r\n");
            assertThat(m).startsWith("Received: ");
        }
    }

    @Test
    void fieldsTheClientWroteAreKeptAndNotAddedTwice() {
        var spool = new RecordingSpool();
        try (var fixture = ServerFixture.start(ServerFixture.config(), spool)) {
            send(fixture, null, "message-id: <own@b.example>\r\nDATE: Mon, 2 Jun 2025 10:00:00 +0200\r\n\r\nx\r\n.\r\n");
            String m = stored(spool);
            assertThat(m).contains("message-id: <own@b.example>").contains("DATE: Mon, 2 Jun 2025 10:00:00 +0200");
            assertThat(m.toLowerCase()).containsOnlyOnce("message-id:").containsOnlyOnce("\ndate:");
        }
    }

    @Test
    void anAuthenticatedClientOutsideTheTrustedNetworkGetsThemToo() {
        Path users = dir.resolve("users");
        UserFile.load(users, new PasswordHash(1000)).add("u@x", "pw".toCharArray());
        PolicyConfig config = new PolicyConfig();
        config.relayFrom = List.of("10.0.0.0/8");
        config.users = users;
        var spool = new RecordingSpool();
        try (var fixture = ServerFixture.start(config.build(), spool)) {
            send(fixture, "\0u@x\0pw", BARE);
            assertThat(stored(spool)).contains("\r\nMessage-ID: <").contains("\r\nDate: ");
        }
    }

    @Test
    void mailFromElsewhereIsLeftAsItCame() {
        PolicyConfig config = new PolicyConfig();
        config.relayFrom = List.of("10.0.0.0/8"); // loopback is not trusted here: an MTA on the Internet
        var spool = new RecordingSpool();
        try (var fixture = ServerFixture.start(config.build(), spool)) {
            send(fixture, null, BARE);
            String m = stored(spool);
            assertThat(m).doesNotContainIgnoringCase("message-id:").doesNotContain("\r\nDate: ");
            assertThat(m).endsWith("From: a@b.example\r\nSubject: bare\r\n\r\nhello\r\n");
        }
    }
}
