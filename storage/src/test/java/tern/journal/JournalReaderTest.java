package tern.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.config.TernConfig.Sync;

class JournalReaderTest {

    @TempDir
    Path data;

    private final TestClock clock = new TestClock(Events.T0);

    @Test
    void followSeesNewEventsAcrossAnHourlyRollUntilInterrupted() throws Exception {
        Path dir = data.resolve("journal");
        try (Journal journal = Journal.open(dir, Sync.BATCH, clock)) {
            journal.append(Events.accepted("F1", clock.instant())).join();
            List<String> seen = new CopyOnWriteArrayList<>();
            Thread follower = Thread.ofPlatform().start(() -> {
                try (JournalReader reader = JournalReader.open(dir)) {
                    reader.follow(e -> seen.add(e.id().value()));
                }
            });
            awaitSize(seen, 1);
            journal.append(Events.accepted("F2", clock.instant())).join();
            awaitSize(seen, 2);
            clock.advance(Duration.ofHours(1));
            journal.append(Events.accepted("F3", clock.instant())).join();
            awaitSize(seen, 3);
            follower.interrupt();
            follower.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(follower.isAlive()).isFalse();
            assertThat(seen).containsExactly("F1", "F2", "F3");
        }
    }

    @Test
    void readAvailableReturnsEveryEventOldestFirstAndThenNothing() {
        Path dir = data.resolve("journal");
        try (Journal journal = Journal.open(dir, Sync.NONE, clock)) {
            for (JournalEvent event : Events.everyType()) {
                journal.append(event).join();
            }
            try (JournalReader reader = JournalReader.open(dir)) {
                List<JournalEvent> seen = new CopyOnWriteArrayList<>();
                assertThat(reader.readAvailable(seen::add)).isEqualTo(Events.everyType().size());
                assertThat(seen).usingRecursiveFieldByFieldElementComparator()
                        .containsExactlyElementsOf(Events.everyType());
                assertThat(reader.readAvailable(seen::add)).isZero();
            }
        }
    }

    /** Waits for the follower (which parks at most 50 ms between polls), up to 10 s. */
    private static void awaitSize(List<String> seen, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(seen).hasSizeGreaterThanOrEqualTo(size);
    }
}
