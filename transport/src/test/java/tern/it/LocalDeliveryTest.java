package tern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
}
