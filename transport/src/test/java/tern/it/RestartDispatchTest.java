package tern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.config.TernConfig;
import tern.configfile.ConfigLoader;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.journal.Journal;
import tern.journal.JournalEvent;
import tern.queue.QueueId;
import tern.runtime.MailServer;
import tern.testing.Eventually;
import tern.testing.MaildirFolder;

/**
 * After a restart, recipients that were never attempted go out at once (the destination
 * windows bound the burst), not spread over a minute: proven with a clock that stands still.
 */
class RestartDispatchTest {

    @TempDir
    Path dir;

    @Test
    void neverAttemptedRecipientsAreDispatchedAtOnceAfterARestart() throws Exception {
        Path data = dir.resolve("data");
        Instant crashed = Instant.parse("2026-11-29T10:00:00Z");
        Instant restarted = crashed.plus(Duration.ofMinutes(5));
        int messages = 40;
        // What a server that died before its first attempts leaves behind: Accepted events only.
        try (Journal journal = Journal.open(data.resolve("journal"), TernConfig.Sync.BATCH, InstantSource.fixed(crashed))) {
            for (int i = 0; i < messages; i++) {
                var envelope = new Envelope(new QueueId("0RESTART" + (1000 + i)), ReversePath.of(new Mailbox("a", "x.test")),
                        List.of(Recipient.of(new Mailbox("bob", "tern.test"))), Body.SEVEN_BIT, false, null, null, -1,
                        "127.0.0.1", "client.test", crashed.plusMillis(i));
                journal.append(new JournalEvent.Accepted(envelope,
                        ("Subject: " + i + "\r\n\r\nx\r\n").getBytes(StandardCharsets.US_ASCII))).get();
            }
        }
        TernConfig config = new ConfigLoader(dir, "host.tern.test").parse("""
                server:
                  fqdn: restart.tern.test
                  listen: ["127.0.0.1:0"]
                  dataDir: %s
                domains:
                  local: [tern.test]
                admin:
                  listen: ""
                """.formatted(data), "test");

        try (MailServer server = MailServer.start(config, InstantSource.fixed(restarted))) {
            Eventually.await("every message delivered with the clock standing still", Duration.ofSeconds(60),
                    () -> maildir(data).size() == messages);
        }
    }

    private static List<String> maildir(Path data) {
        return MaildirFolder.messages(data.resolve("drop").resolve("tern.test").resolve("bob"));
    }
}
