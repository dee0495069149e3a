package tern.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.config.TernConfig.Sync;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.journal.Journal;
import tern.journal.JournalEvent;
import tern.queue.QueueId;

/**
 * Acknowledged appends of 1 KB Accepted events: one op = one append whose future completed
 * (after the msync with BATCH). {@code twentySessions}: 20 threads each waiting for its
 * own ack, like 20 SMTP sessions; {@code burstOf1000}: 1000 appends in flight at once, the
 * ceiling group commit reaches when many sessions finish DATA together.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
// The JVM flags Chronicle Queue needs come from JmhMain (the parent pom's tern.jvm.flags).
@Fork(1)
public class JournalAppendBenchmark {

    private static final int BURST = 1000;

    @Param({"BATCH", "NONE"})
    public Sync sync;

    private Path dir;
    private Journal journal;
    private JournalEvent.Accepted event;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("tern-journal-bench");
        journal = Journal.open(dir.resolve("journal"), sync, InstantSource.system());
        event = accepted(new QueueId("0PZK3M1A2B4"), 1024);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        journal.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    @Threads(20)
    public void twentySessions() {
        journal.append(event).join();
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BURST)
    public void burstOf1000() {
        @SuppressWarnings("unchecked")
        CompletableFuture<Void>[] acks = new CompletableFuture[BURST];
        for (int i = 0; i < BURST; i++) {
            acks[i] = journal.append(event);
        }
        CompletableFuture.allOf(acks).join();
    }

    static JournalEvent.Accepted accepted(QueueId id, int size) {
        var envelope = new Envelope(id, ReversePath.of(new Mailbox("sender", "client.test")),
                List.of(Recipient.of(new Mailbox("rcpt", "example.test"))), Body.EIGHT_BIT_MIME, false, null,
                null, size, "127.0.0.1", "client.test", Instant.now());
        byte[] message = new byte[size];
        for (int i = 0; i < size; i++) {
            message[i] = (byte) ('a' + i % 26);
        }
        return new JournalEvent.Accepted(envelope, message);
    }
}
