package tern.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.config.TernConfig.Sync;

/**
 * A writer in another JVM, killed with SIGKILL mid-stream: everything it was told is
 * durable must replay intact, and a reader in this JVM follows it while it writes.
 */
class JournalCrashTest {

    @TempDir
    Path data;

    private Process child;

    @AfterEach
    void killChild() {
        if (child != null) {
            child.destroyForcibly();
        }
    }

    private Process startWriter(Path dir) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The same JVM flags as this test JVM (surefire's argLine: Chronicle's --add-opens and friends).
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib:jdwp") && !a.startsWith("-javaagent")).toList());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                JournalWriterProcess.class.getName(), dir.toString()));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    @Test
    void everyAcknowledgedAppendSurvivesKillDashNineAndATailerInAnotherProcessSeesThem() throws Exception {
        Path dir = data.resolve("journal");
        child = startWriter(dir);
        List<String> acknowledged = new ArrayList<>();
        try (var lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            // Follow the journal from this JVM while the child writes it.
            Set<String> tailed = ConcurrentHashMap.newKeySet();
            Thread follower = Thread.ofPlatform().start(() -> {
                while (!Files.exists(dir.resolve("metadata.cq4t")) && !Thread.currentThread().isInterrupted()) {
                    Thread.onSpinWait();
                }
                try (JournalReader reader = JournalReader.open(dir)) {
                    reader.follow(e -> tailed.add(e.id().value()));
                }
            });
            String line;
            while ((line = lines.readLine()) != null) {
                acknowledged.add(line.substring("ACK ".length()));
                if (acknowledged.size() >= 5000 && tailed.size() >= 1000) {
                    break;
                }
            }
            // SIGKILL. Through the ProcessHandle, because Process.destroyForcibly also closes the pipe,
            // and acks printed before the kill may still sit in it: they count too.
            assertThat(child.toHandle().destroyForcibly()).isTrue();
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acknowledged.add(line.substring("ACK ".length()));
                }
            }
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isEqualTo(137); // 128 + SIGKILL
            follower.interrupt();
            follower.join(10_000);
            assertThat(follower.isAlive()).isFalse();
            assertThat(tailed).hasSizeGreaterThanOrEqualTo(1000);
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(5000);

        Map<String, JournalEvent.Accepted> replayed = new HashMap<>();
        try (Journal journal = Journal.open(dir, Sync.BATCH, java.time.InstantSource.system())) {
            journal.replay(e -> replayed.put(e.id().value(), (JournalEvent.Accepted) e));
            // The journal still takes appends after the crash.
            journal.append(Events.accepted("AFTER", java.time.Instant.now())).join();
        }
        for (String id : acknowledged) {
            assertThat(replayed).containsKey(id);
            assertThat(replayed.get(id).message()).isEqualTo(Events.body(id, 1024));
        }
    }
}
