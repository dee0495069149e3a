package tern.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.config.TernConfig.Sync;
import tern.queue.QueueId;

class RetentionTest {

    private static final Duration RETAIN = Duration.ofDays(7);

    @TempDir
    Path data;

    private final TestClock clock = new TestClock(Events.T0);

    private Path dir() {
        return data.resolve("journal");
    }

    private List<String> cycleFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")).sorted().toList();
        }
    }

    private static List<JournalEvent> replayAll(Journal journal) {
        List<JournalEvent> events = new ArrayList<>();
        journal.replay(events::add);
        return events;
    }

    @Test
    void anOldFinishedCycleIsDeletedAndItsPendingMessageIsCarriedForwardOnce() throws Exception {
        var done = new QueueId("0DONE000001");
        var failed = new QueueId("0FAIL000001");
        var pending = new QueueId("0PEND000001");
        var accepted = Events.accepted(pending.value(), clock.instant());
        var deferred = new JournalEvent.Deferred(pending, clock.instant(), "b@y.test", "mx.y.test",
                "451 4.4.1 try later", 1, clock.instant().plusSeconds(900));
        var delivered = new JournalEvent.Delivered(pending, clock.instant(), "c@y.test", "mx.y.test", "250 ok");
        try (Journal journal = Journal.open(dir(), Sync.BATCH, clock)) {
            journal.append(Events.accepted(done.value(), clock.instant())).join();
            journal.append(Events.accepted(failed.value(), clock.instant())).join();
            journal.append(accepted).join();
            journal.append(new JournalEvent.Delivered(done, clock.instant(), "b@y.test", "local", "250 ok")).join();
            journal.append(new JournalEvent.Delivered(done, clock.instant(), "c@y.test", "local", "250 ok")).join();
            journal.append(new JournalEvent.Failed(failed, clock.instant(), "b@y.test", "mx", "550 no")).join();
            journal.append(new JournalEvent.Failed(failed, clock.instant(), "c@y.test", "mx", "550 no")).join();
            journal.append(deferred).join();
            journal.append(delivered).join();
            List<String> firstCycle = cycleFiles();
            assertThat(firstCycle).hasSize(1);

            // Rolled but younger than retain: kept, nothing copied.
            clock.advance(Duration.ofHours(2));
            var early = journal.retain(RETAIN, pending::equals, id -> List.of(accepted, deferred, delivered));
            assertThat(early.deleted()).isEmpty();
            assertThat(early.carriedForward()).isEmpty();

            clock.advance(RETAIN);
            var report = journal.retain(RETAIN, pending::equals, id -> {
                assertThat(id).isEqualTo(pending);
                return List.of(accepted, deferred, delivered);
            });
            assertThat(report.carriedForward()).containsExactly(pending);
            assertThat(report.deleted()).extracting(p -> p.getFileName().toString()).isEqualTo(firstCycle);
            assertThat(cycleFiles()).hasSize(1).doesNotContainAnyElementsOf(firstCycle);

            // The live journal still replays, and appends go on.
            assertThat(replayAll(journal)).extracting(JournalEvent::id).containsExactly(pending, pending, pending);
            journal.append(new JournalEvent.RetryRequested(pending, clock.instant())).join();
        }
        try (Journal journal = Journal.open(dir(), Sync.BATCH, clock)) {
            List<JournalEvent> events = replayAll(journal);
            assertThat(events).extracting(e -> e.getClass().getSimpleName())
                    .containsExactly("Accepted", "Deferred", "Delivered", "RetryRequested");
            assertThat(events.getFirst()).usingRecursiveComparison().isEqualTo(accepted);
            assertThat(events).extracting(JournalEvent::id).doesNotContain(done, failed);
        }
        try (JournalReader reader = JournalReader.open(dir())) {
            List<JournalEvent> seen = new ArrayList<>();
            reader.readAvailable(seen::add);
            assertThat(seen).hasSize(4);
        }
    }

    @Test
    void onlyCyclesOlderThanRetainGoAndTheCurrentCycleStays() throws Exception {
        try (Journal journal = Journal.open(dir(), Sync.NONE, clock)) {
            for (int hour = 0; hour < 5; hour++) {
                journal.append(Events.accepted("H" + hour, clock.instant())).join();
                clock.advance(Duration.ofHours(1));
            }
            // now: 5h after the first event; cycles 0..4 exist, the clock is in cycle 5.
            var report = journal.retain(Duration.ofMinutes(150), id -> false, id -> List.of());
            assertThat(report.deleted()).hasSize(2); // hours 0 and 1 ended more than 2.5h ago
            assertThat(cycleFiles()).hasSize(3);
            assertThat(replayAll(journal)).extracting(e -> e.id().value()).containsExactly("H2", "H3", "H4");
            var all = journal.retain(Duration.ZERO, id -> false, id -> List.of());
            assertThat(all.deleted()).hasSize(3);
            assertThat(replayAll(journal)).isEmpty();
            journal.append(Events.accepted("H5", clock.instant())).join();
            assertThat(replayAll(journal)).extracting(e -> e.id().value()).containsExactly("H5");
        }
        assertThat(Map.of("files", cycleFiles().size())).isEqualTo(Map.of("files", 1));
        assertThat(Set.of()).isEmpty();
    }
}
