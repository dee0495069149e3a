package tern.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.config.TernConfig.Sync;

/**
 * What the journal keeps in the server's memory: its cycle files are memory-mapped, and what
 * {@code /proc/self/smaps} counts as resident for them is the process's RSS. Linux only, like
 * the server's deployment.
 */
class JournalMemoryTest {

    private static final int MESSAGE = 50_000;

    @TempDir
    Path data;

    private final TestClock clock = new TestClock(Events.T0);

    @Test
    void writtenMessagesDoNotStayResident() throws IOException {
        Path dir = data.resolve("journal");
        try (Journal journal = Journal.open(dir, Sync.BATCH, clock)) {
            appendInBatches(journal, "A", 2_000); // 100 MB, all in the cycle's first mapped block
            long resident = residentKb(dir);
            long written = 2_000L * MESSAGE / 1024;
            // Without releasing, every page written so far is resident: about 100 MB.
            assertThat(resident).as("resident kB of %d kB written", written).isLessThan(16 * 1024);
            // Every message is still there, byte for byte.
            List<JournalEvent> replayed = new ArrayList<>();
            journal.replay(replayed::add);
            assertThat(replayed).hasSize(2_000);
            assertThat(((JournalEvent.Accepted) replayed.get(1_234)).message())
                    .isEqualTo(Events.body(replayed.get(1_234).id().value(), MESSAGE));
        }
    }

    @Test
    void aReaderOfTheWholeJournalKeepsLittleOfItResident() throws IOException {
        Path dir = data.resolve("journal");
        try (Journal journal = Journal.open(dir, Sync.BATCH, clock)) {
            appendInBatches(journal, "R", 2_000); // 100 MB
        }
        BackgroundResourceReleaser.releasePendingResources();
        try (JournalReader reader = JournalReader.open(dir)) {
            long[] sizes = {0};
            long events = reader.readWithoutBodies((event, size) -> sizes[0] += size);
            assertThat(events).isEqualTo(2_000);
            assertThat(sizes[0]).isEqualTo(2_000L * MESSAGE);
            // Without releasing, every page the reader went past stays resident: about 100 MB.
            assertThat(residentKb(dir)).as("resident kB after reading 100 MB").isLessThan(16 * 1024);
        }
    }

    @Test
    void aRolledCycleIsUnmappedOnceTheWriterMovesOn() throws IOException {
        Path dir = data.resolve("journal");
        try (Journal journal = Journal.open(dir, Sync.BATCH, clock)) {
            appendInBatches(journal, "B", 20);
            String first = cycleFile(dir);
            assertThat(mappedFiles(dir)).contains(first);
            clock.advance(Duration.ofHours(2));
            appendInBatches(journal, "C", 20);
            // Chronicle unmaps on its background releaser thread: let it finish what is queued.
            BackgroundResourceReleaser.releasePendingResources();
            assertThat(mappedFiles(dir)).doesNotContain(first).isNotEmpty();
        }
        BackgroundResourceReleaser.releasePendingResources();
        assertThat(mappedFiles(dir)).as("closed: nothing mapped").isEmpty();
    }

    /** Appends {@code count} 50 KB messages, 50 at a time (group commits, as under load). */
    private void appendInBatches(Journal journal, String prefix, int count) {
        List<CompletableFuture<Void>> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = prefix + String.format("%08d", i);
            batch.add(journal.append(Events.accepted(id, clock.instant(), Events.body(id, MESSAGE))));
            if (batch.size() == 50 || i == count - 1) {
                CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
                batch.clear();
            }
        }
    }

    private static String cycleFile(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")).sorted()
                    .reduce((a, b) -> b).orElseThrow();
        }
    }

    /** The journal's cycle files mapped into this process, by file name. */
    private static List<String> mappedFiles(Path dir) throws IOException {
        String prefix = dir.toRealPath() + "/";
        return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .map(line -> line.substring(line.lastIndexOf(' ') + 1))
                .filter(path -> path.startsWith(prefix) && path.endsWith(".cq4"))
                .map(path -> path.substring(prefix.length()))
                .distinct().toList();
    }

    /** Resident kB of the mappings of the journal's cycle files, from /proc/self/smaps. */
    private static long residentKb(Path dir) throws IOException {
        String prefix = dir.toRealPath() + "/";
        long total = 0;
        boolean journalMapping = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length > 0 && fields[0].contains("-") && !fields[0].endsWith(":")) {
                String path = fields[fields.length - 1];
                journalMapping = path.startsWith(prefix) && path.endsWith(".cq4");
            } else if (journalMapping && fields[0].equals("Rss:")) {
                total += Long.parseLong(fields[1]);
            }
        }
        return total;
    }
}
