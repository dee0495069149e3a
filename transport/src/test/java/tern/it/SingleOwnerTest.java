package tern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.queue.QueueId;
import tern.testing.ScriptedSmtpServer;
import tern.testing.TernCommand;
import tern.testing.TernInstance;

/**
 * One owner per data directory: a second {@code tern serve} on it exits non-zero naming the
 * lock and the holder's process id, and the command line does not write the journal behind a
 * running server whose admin listener is off.
 */
class SingleOwnerTest {

    @TempDir
    Path dir;

    @Test
    void aSecondServerOnTheSameDataDirectoryRefusesToStartAndTheCliDoesNotWriteBehindTheFirst() throws Exception {
        String pid = String.valueOf(ProcessHandle.current().pid());
        try (var deferring = ScriptedSmtpServer.builder().reply(ScriptedSmtpServer.Verb.RCPT, "451 4.3.0 later").start();
             TernInstance first = TernInstance.start(dir, "owner.tern.test", """
                     delivery:
                       retry: {first: 1h}
                     routes:
                       - {domain: later.test, nextHop: "[127.0.0.1]:%d"}
                     """.formatted(deferring.port()))) {
            QueueId id = first.send("<a@x.test>", List.of("<b@later.test>"), "Subject: x\r\n\r\nx\r\n");

            Path config = dir.resolve("second.yaml");
            Files.writeString(config, """
                    server:
                      listen: ["127.0.0.1:0"]
                      dataDir: %s
                    admin:
                      listen: ""
                    """.formatted(first.dataDir()));
            var second = TernCommand.run("serve", "--config", config.toString());
            assertThat(second.exitCode()).as(second.out()).isNotZero();
            assertThat(second.out()).contains(first.dataDir().toRealPath().resolve("lock").toString())
                    .contains("process " + pid);

            var delete = TernCommand.run("queue", "delete", id.value(), "--config", config.toString());
            assertThat(delete.exitCode()).as(delete.out()).isEqualTo(1);
            assertThat(delete.out()).contains("is held by process " + pid).contains("nothing was changed");
            assertThat(first.recipient(id, "b@later.test")).as("still queued in the running server").isPresent();
            assertThat(Files.exists(first.dataDir().resolve("badmail").resolve(id.value() + ".bad"))).isFalse();
        }
    }
}
