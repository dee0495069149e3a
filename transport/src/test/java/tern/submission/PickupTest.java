package tern.submission;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.badmail.Badmail;
import tern.envelope.Envelope;
import tern.queue.QueueIdGenerator;
import tern.queue.Spool;
import tern.testing.MovableClock;

/** The scanner alone, with a spool in memory and the clock in the test's hand. */
class PickupTest {

    @TempDir
    Path dataDir;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-07T10:00:00Z"));
    private final List<Envelope> stored = new CopyOnWriteArrayList<>();
    private volatile boolean journalFull;

    private final Spool spool = (envelope, message) -> {
        if (journalFull) {
            return CompletableFuture.failedFuture(new java.io.IOException("No space left on device"));
        }
        stored.add(envelope);
        return CompletableFuture.completedFuture(null);
    };

    private Pickup pickup() throws Exception {
        return new Pickup(dataDir.resolve("pickup"), spool, new QueueIdGenerator(clock), new Badmail(dataDir),
                () -> new Pickup.Settings("pickup.tern.test", 1 << 20, 100), clock);
    }

    private Path settled(Path pickupDir, String name, String text) throws Exception {
        Path file = pickupDir.resolve(name);
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(5)));
        return file;
    }

    @Test
    void aFileStaysWhileTheJournalRefusesItAndGoesOnceItIsJournaled() throws Exception {
        try (Pickup pickup = pickup()) {
            Path file = settled(pickup.directory(), "m.eml", "x-sender: a@x.test\nx-receiver: b@x.test\n\nbody\n");
            journalFull = true;

            assertThat(pickup.scan()).isZero();
            assertThat(file).exists();
            assertThat(stored).isEmpty();

            journalFull = false;
            assertThat(pickup.scan()).as("paused after the refusal").isZero();
            clock.advance(Pickup.PAUSE_AFTER_REFUSAL);
            assertThat(pickup.scan()).isEqualTo(1);
            assertThat(file).doesNotExist();
            assertThat(stored).singleElement().satisfies(e -> {
                assertThat(e.recipients()).extracting(r -> r.address().toString()).containsExactly("b@x.test");
                assertThat(e.heloName()).isEqualTo("pickup");
            });
        }
    }

    @Test
    void aFileStillBeingWrittenWaitsForItsSettlingSecond() throws Exception {
        try (Pickup pickup = pickup()) {
            Path fresh = pickup.directory().resolve("fresh.eml");
            Files.writeString(fresh, "x-sender: a@x.test\nx-receiver: b@x.test\n\nbo");

            assertThat(pickup.scan()).isZero();
            assertThat(fresh).exists();

            Files.setLastModifiedTime(fresh, FileTime.from(Instant.now().minus(Duration.ofSeconds(2))));
            assertThat(pickup.scan()).isEqualTo(1);
        }
    }

    @Test
    void directoriesAndDotFilesAreNotTaken() throws Exception {
        try (Pickup pickup = pickup()) {
            settled(pickup.directory(), ".hidden.eml", "x-sender: a@x.test\nx-receiver: b@x.test\n\nbody\n");
            Files.createDirectory(pickup.directory().resolve("sub"));

            assertThat(pickup.scan()).isZero();
            assertThat(stored).isEmpty();
        }
    }
}
