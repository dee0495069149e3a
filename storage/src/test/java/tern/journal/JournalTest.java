package tern.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.config.TernConfig.Sync;
import tern.queue.QueueId;

class JournalTest {

    @TempDir
    Path data;

    private final TestClock clock = new TestClock(Events.T0);

    private Journal open(Sync sync) {
        return Journal.open(data.resolve("journal"), sync, clock);
    }

    private static List<JournalEvent> replayAll(Journal journal) {
        List<JournalEvent> events = new ArrayList<>();
        journal.replay(events::add);
        return events;
    }

    @Test
    void everyEventTypeReplaysAsAppendedAfterReopen() {
        try (Journal journal = open(Sync.BATCH)) {
            for (JournalEvent event : Events.everyType()) {
                journal.append(event).join();
            }
        }
        try (Journal journal = open(Sync.BATCH)) {
            assertThat(replayAll(journal)).usingRecursiveFieldByFieldElementComparator()
                    .containsExactlyElementsOf(Events.everyType());
        }
    }

    @Test
    void twoHundredConcurrentAppendersAreAllAcknowledgedAndAllReplay() throws Exception {
        int sessions = 200;
        int perSession = 50;
        Set<String> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (Journal journal = open(Sync.BATCH);
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                int session = s;
                all.add(CompletableFuture.runAsync(() -> {
                    for (int m = 0; m < perSession; m++) {
                        String id = "S" + session + "M" + m;
                        journal.append(Events.accepted(id, Events.T0)).join();
                        acknowledged.add(id);
                    }
                }, threads));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
        }
        assertThat(acknowledged).hasSize(sessions * perSession);
        try (Journal journal = open(Sync.BATCH)) {
            List<JournalEvent> events = replayAll(journal);
            Set<String> replayed = new HashSet<>();
            for (JournalEvent e : events) {
                replayed.add(e.id().value());
                assertThat(((JournalEvent.Accepted) e).message()).isEqualTo(Events.body(e.id().value(), 1024));
            }
            assertThat(events).hasSize(sessions * perSession);
            assertThat(replayed).isEqualTo(acknowledged);
        }
    }

    @Test
    void anEventIsFoundAgainByTheIndexItsAppendReturnedAndReplayReports() throws Exception {
        long first;
        long second;
        try (Journal journal = open(Sync.BATCH)) {
            first = journal.appendLocated(Events.accepted("0PZK3M1A2C1", Events.T0)).join();
            second = journal.appendLocated(Events.accepted("0PZK3M1A2C2", Events.T0)).join();
            // from a virtual thread, as a delivery worker reads a deferred message back
            try (var worker = Executors.newVirtualThreadPerTaskExecutor()) {
                var read = worker.submit(() -> journal.read(second)).get();
                assertThat(read.id()).isEqualTo(new QueueId("0PZK3M1A2C2"));
                assertThat(((JournalEvent.Accepted) read).message())
                        .isEqualTo(((JournalEvent.Accepted) Events.accepted("0PZK3M1A2C2", Events.T0)).message());
            }
        }
        try (Journal journal = open(Sync.BATCH)) {
            java.util.Map<Long, QueueId> seen = new java.util.HashMap<>();
            journal.replayLocated((index, event) -> seen.put(index, event.id()));
            assertThat(seen).containsEntry(first, new QueueId("0PZK3M1A2C1")).containsEntry(second, new QueueId("0PZK3M1A2C2"));
            assertThat(journal.read(first).id()).isEqualTo(new QueueId("0PZK3M1A2C1"));
            assertThatThrownBy(() -> journal.read(second + 1)).isInstanceOf(java.util.NoSuchElementException.class);
        }
    }

    @Test
    void replayReportsTheHighestQueueIdForTheIdGenerator() {
        try (Journal journal = open(Sync.NONE)) {
            journal.append(Events.accepted("0PZK3M1A2B7", Events.T0));
            journal.append(Events.accepted("0PZK3M1A2B9", Events.T0));
            journal.append(new JournalEvent.RetryRequested(new QueueId("0PZK3M1A2B8"), Events.T0)).join();
        }
        try (Journal journal = open(Sync.NONE)) {
            Journal.Replayed replayed = journal.replay(e -> { });
            assertThat(replayed.events()).isEqualTo(3);
            assertThat(replayed.highestId()).hasToString("0PZK3M1A2B9");
        }
    }

    @Test
    void aThirtyFiveMegabyteMessageRoundTrips() {
        byte[] big = Events.body("0PZK3M1A2BB", 35 * 1000 * 1000);
        try (Journal journal = open(Sync.BATCH)) {
            journal.append(Events.accepted("0PZK3M1A2BA", Events.T0)).join();
            journal.append(Events.accepted("0PZK3M1A2BB", Events.T0, big)).join();
            journal.append(Events.accepted("0PZK3M1A2BC", Events.T0)).join();
        }
        try (Journal journal = open(Sync.BATCH)) {
            List<JournalEvent> events = replayAll(journal);
            assertThat(events).extracting(e -> e.id().value()).containsExactly("0PZK3M1A2BA", "0PZK3M1A2BB", "0PZK3M1A2BC");
            assertThat(((JournalEvent.Accepted) events.get(1)).message()).isEqualTo(big);
        }
    }

    @Test
    void closeCompletesTheAppendsInFlight() {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        try (Journal journal = open(Sync.BATCH)) {
            for (int i = 0; i < 2000; i++) {
                futures.add(journal.append(Events.accepted("C" + i, Events.T0)));
            }
        }
        assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        try (Journal journal = open(Sync.BATCH)) {
            assertThat(replayAll(journal)).hasSize(2000);
        }
    }

    @Test
    void anAppendAfterCloseFails() {
        Journal journal = open(Sync.BATCH);
        journal.close();
        assertThatThrownBy(() -> journal.append(Events.accepted("X1", Events.T0)).join())
                .hasRootCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void appendsContinueIntoTheNextHourlyCycleAndReplayInOrder() {
        try (Journal journal = open(Sync.BATCH)) {
            journal.append(Events.accepted("H1", Events.T0)).join();
            clock.advance(Duration.ofHours(1));
            journal.append(Events.accepted("H2", Events.T0)).join();
            clock.advance(Duration.ofHours(3));
            journal.append(Events.accepted("H3", Events.T0)).join();
        }
        assertThat(data.resolve("journal").toFile().list((d, n) -> n.endsWith(".cq4"))).hasSize(3);
        try (Journal journal = open(Sync.BATCH)) {
            assertThat(replayAll(journal)).extracting(e -> e.id().value()).containsExactly("H1", "H2", "H3");
        }
    }
}
