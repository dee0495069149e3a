package tern.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import tern.config.TernConfig.Sync;
import tern.journal.Journal;
import tern.journal.JournalEvent;
import tern.queue.QueueId;
import tern.runtime.QueueReplay;

/**
 * Start-up replay. {@link #replayMillionEvents}: 1,000,000 events, 250,000 messages, each an
 * Accepted with a 1 KB body, a Deferred and two Delivered, the shape of a busy day, decoded
 * only; reported in events per second. {@link #restartWithMillionDeferred}: the restart of a
 * server whose next hop has been down, 1,000,000 deferred messages (2,000,000 events) folded
 * into the queue state with the start-up's own {@link QueueReplay}, in the launcher's 1 GB G1
 * heap; reported in seconds per restart (target: well under 10 s).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
// The JVM flags Chronicle Queue needs come from JmhMain (the parent pom's tern.jvm.flags).
@Fork(1)
public class JournalReplayBenchmark {

    private static final int EVENTS = 1_000_000;

    private Path dir;
    private Journal journal;

    @Setup(Level.Trial)
    public void writeOnce() throws IOException {
        dir = Files.createTempDirectory("tern-journal-replay");
        journal = Journal.open(dir.resolve("journal"), Sync.NONE, InstantSource.system());
        Instant at = Instant.now();
        java.util.concurrent.CompletableFuture<Void> last = null;
        for (int m = 0; m < EVENTS / 4; m++) {
            var id = new QueueId("R" + m);
            journal.append(JournalAppendBenchmark.accepted(id, 1024));
            journal.append(new JournalEvent.Deferred(id, at, "rcpt@example.test", "mx.example.test[192.0.2.1]:25",
                    "451 4.7.1 Greylisted, try again later", 1, at.plusSeconds(900)));
            journal.append(new JournalEvent.Delivered(id, at, "rcpt@example.test", "mx.example.test[192.0.2.1]:25",
                    "250 2.0.0 Ok: queued as 4Xyz"));
            last = journal.append(new JournalEvent.Delivered(id, at, "other@example.test", "local",
                    "250 2.0.0 Ok"));
            if (m % 10_000 == 0) {
                last.join(); // keep the request queue short
            }
        }
        last.join();
        long written = journal.replay(e -> { }).events();
        if (written != EVENTS) {
            throw new IllegalStateException("wrote " + written + " events, not " + EVENTS);
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        journal.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long replayMillionEvents(Blackhole sink) {
        return journal.replay(sink::consume).events();
    }

    /** A journal of a million deferred messages, written once per trial (about 20 s). */
    @State(Scope.Benchmark)
    public static class DeferredQueue {
        static final int MESSAGES = 1_000_000;
        Path dir;
        Journal journal;

        @Setup(Level.Trial)
        public void write() throws IOException {
            dir = Files.createTempDirectory("tern-deferred-replay");
            DeferredQueueTool.write(dir.resolve("journal"), MESSAGES, 1024, 4, InstantSource.system());
            journal = Journal.open(dir.resolve("journal"), Sync.NONE, InstantSource.system());
        }

        @TearDown(Level.Trial)
        public void delete() throws IOException {
            journal.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 3)
    @Fork(value = 1, jvmArgsAppend = {"-Xms64m", "-Xmx1g", "-XX:+UseG1GC"})
    public QueueReplay restartWithMillionDeferred(DeferredQueue queue) {
        QueueReplay replay = QueueReplay.of(queue.journal);
        if (replay.state().pendingRecipientCount() != DeferredQueue.MESSAGES) {
            throw new IllegalStateException("replayed " + replay.state().pendingRecipientCount() + " recipients");
        }
        return replay;
    }
}
