package tern.bench;

import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.journal.JournalEvent;
import tern.queue.QueueId;
import tern.queue.QueueState;
import tern.queue.Scheduler;
import tern.queue.Scheduler.DueWork;

/**
 * The queue manager's inner loop with a million pending recipients: take the earliest due
 * recipient and defer it again (poll one + schedule one), and the heap each pending
 * recipient costs in {@link QueueState} plus its {@link Scheduler} entry.
 *
 * <p>Targets: at least 2 M schedule+poll operations a second; at most 512 bytes per pending
 * recipient. Run: {@code java -jar bench/target/tern-bench.jar SchedulerBenchmark -f 1 -wi 3 -i 5 -w 2s -r 3s}
 * (add {@code -p retryHours=24} for a sparser queue).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// Pre-touched heap: else the first iterations pay a page fault per fresh 4 KiB of eden (the
// first young collection comes after ~2 GB of allocation), which a long-running queue manager
// has long since paid and which says nothing about the scheduler.
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class SchedulerBenchmark {

    /** Pending recipients preloaded (one per message, the worst case for heap per recipient). */
    @Param("1000000")
    int pending;
    /**
     * Deferred recipients come due again within this many hours (uniformly): 4 is the default
     * "subsequent" retry interval (DESIGN.md), 24 a sparser queue.
     */
    @Param("4")
    int retryHours;
    static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    QueueState state;
    Scheduler scheduler;
    long[] delays;
    int next;
    double heapBytesPerRecipient; // measured once per trial

    /**
     * Reported next to the throughput: heap per pending recipient, state and scheduler together.
     * JMH sums EVENTS counters over the measurement iterations, so divide by their count; the
     * line printed at set-up is the figure itself.
     */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Heap {
        public double bytesPerPendingRecipient;
    }

    @Setup(Level.Trial)
    public void load() {
        long before = usedHeapAfterGc();
        state = new QueueState(new Scheduler(pending), pending);
        byte[] body = new byte[0]; // the state keeps only the size: bytes stay in the journal
        var random = new Random(1);
        int retryMillis = retryHours * 3_600_000;
        for (int i = 0; i < pending; i++) {
            // Distinct strings per message, as the journal reader would produce them.
            var id = new QueueId(String.format("%011d", i));
            var sender = ReversePath.of(new Mailbox("sender" + i, "example" + (i % 1000) + ".test"));
            var rcpt = new Recipient(new Mailbox("user" + i, "remote" + (i % 5000) + ".example"), Set.of(), null);
            Instant arrival = T0.minusSeconds(random.nextInt(86_400));
            var envelope = new Envelope(id, sender, List.of(rcpt), Body.EIGHT_BIT_MIME, false, null, null, -1,
                    "192.0.2." + (i % 250), "client" + i + ".example.net", arrival);
            state.apply(new JournalEvent.Accepted(envelope, body));
            // Most queued mail has been tried and deferred: keep a reply and relay per recipient.
            state.apply(new JournalEvent.Deferred(id, arrival, rcpt.address().toString(), "mx" + (i % 5000)
                    + ".remote.example", "451 4.7.1 Greylisted, please try again in 300 seconds (" + i + ")", 1,
                    T0.plusMillis(random.nextInt(retryMillis))));
        }
        long after = usedHeapAfterGc();
        heapBytesPerRecipient = (double) (after - before) / pending;
        scheduler = state.scheduler();
        System.out.printf("%nheap per pending recipient (QueueState + Scheduler, 1 recipient per message): %.0f bytes"
                + " (%d MB for %,d)%n", heapBytesPerRecipient, (after - before) >> 20, pending);

        delays = new long[1 << 16];
        for (int i = 0; i < delays.length; i++) {
            delays[i] = random.nextInt(retryMillis);
        }
    }

    /**
     * One op: the clock moves to the earliest due time, that recipient comes out and is deferred
     * again to a random time within {@link #retryHours}, so the population stays at
     * {@link #pending} and every poll finds exactly one due recipient.
     */
    @Benchmark
    public List<DueWork> pollOneAndScheduleOne(Heap heap) {
        Instant now = scheduler.nextDue().orElseThrow();
        List<DueWork> due = scheduler.pollDue(now, 1);
        DueWork work = due.getFirst();
        scheduler.schedule(work.id(), work.recipients().getFirst(),
                now.plusMillis(delays[next++ & (delays.length - 1)]));
        heap.bytesPerPendingRecipient = heapBytesPerRecipient; // a gauge: JMH reads it after the iteration
        return due;
    }

    static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
