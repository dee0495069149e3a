package tern.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.badmail.Badmail;
import tern.config.TernConfig;
import tern.delivery.EventLog;
import tern.delivery.LocalDelivery;
import tern.delivery.MessageBodies;
import tern.delivery.QueueManager;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Notify;
import tern.envelope.Recipient;
import tern.journal.JournalEvent;
import tern.maildir.Maildir;
import tern.metrics.TernMetrics;
import tern.queue.DeliveryPolicy;
import tern.queue.QueueId;
import tern.queue.QueueIdGenerator;
import tern.queue.QueueState;
import tern.route.Router;

/**
 * The queue manager's hand-off of due work: {@link QueueManager} from a recipient becoming due
 * in its scheduler to a delivery worker (a virtual thread) starting on it.
 *
 * <p><b>One op</b> = one message of one recipient, from {@code QueueManager.arrived()} (which
 * posts the Accepted to the owner thread; folding it makes the recipient due now) through the
 * owner's poll of the scheduler, the grouping by destination and the start of a worker thread,
 * until that worker asks for the message's bytes ({@link MessageBodies#read}), the first thing
 * an attempt does once it holds its connection permits. That call is the finish line.
 *
 * <p>What comes after the finish line still runs, as in production, and competes for the
 * same two cores: the attempt itself is made as cheap as possible (the local part
 * {@code no/folder} names no Maildir folder, so local delivery answers 550 without touching
 * the disk), and NOTIFY=NEVER makes the outcome a silent failure, so the owner thread
 * settles it with one Failed event (an in-memory journal that completes at once) and the
 * message leaves the queue: the state does not grow during the run.
 *
 * <ul>
 *   <li>{@code oneAtATime} (microseconds per op): one message in the queue at a time; the
 *       latency of a hand-off on an idle runner, including waking its parked owner thread.</li>
 *   <li>{@code burstOf1000} (ops per second): 1000 messages posted at once, measured until
 *       the last worker has started: the throughput of the owner thread's drain-and-dispatch
 *       loop under load.</li>
 * </ul>
 * Logging is at WARN in the fork: the per-recipient INFO line is not what is measured here.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dtern.log.level=WARN", "-Xmx1g"})
public class QueueHandOffBenchmark {

    private static final int BURST = 1000;
    private static final byte[] MESSAGE = "Subject: hand-off\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);

    private Path data;
    private QueueManager runner;
    private TernMetrics metrics;
    private QueueIdGenerator ids;
    private final Bodies bodies = new Bodies();
    private final List<Recipient> recipients = List.of(new Recipient(new Mailbox("no/folder", "local.test"),
            Set.of(Notify.NEVER), null));

    /** Holds every message's bytes in memory and counts the workers that have started. */
    static final class Bodies implements MessageBodies {
        final ConcurrentHashMap<QueueId, byte[]> held = new ConcurrentHashMap<>();
        final AtomicLong started = new AtomicLong();

        @Override
        public void keep(QueueId id, byte[] message) {
            held.put(id, message);
        }

        @Override
        public byte[] read(QueueId id) throws IOException {
            started.incrementAndGet();
            byte[] message = held.get(id);
            if (message == null) {
                throw new IOException(id + " is not held");
            }
            return message;
        }

        @Override
        public void forget(QueueId id) {
            held.remove(id);
        }

        @Override
        public void located(QueueId id, long index) {
            // nothing to read back: every message stays held
        }

        @Override
        public void spill(QueueId id) {
            // held until forgotten
        }
    }

    @Setup(Level.Trial)
    public void start() throws IOException {
        data = Files.createTempDirectory("tern-hand-off");
        InstantSource clock = InstantSource.system();
        var defaults = TernConfig.defaults("mx.tern.test");
        var config = new TernConfig(defaults.server(), new TernConfig.Domains(List.of("local.test")),
                defaults.relay(), defaults.delivery(), List.of(), defaults.dns(), defaults.journal(), defaults.admin());
        EventLog journal = event -> CompletableFuture.completedFuture(null);
        metrics = new TernMetrics(clock);
        ids = new QueueIdGenerator(clock);
        runner = new QueueManager(new QueueState(), clock, journal, bodies,
                new LocalDelivery(new Maildir(data, "mx.tern.test")), new Badmail(data), ids, metrics,
                new QueueManager.Settings(new Router(config), new DeliveryPolicy(config.delivery(), clock), null,
                        QueueManager.Settings.perDestination(100), 1000, "mx.tern.test", null, 100));
        runner.start();
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        runner.shutdown(Duration.ofSeconds(2));
        metrics.close();
        try (Stream<Path> files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private void submit() {
        var envelope = new Envelope(ids.next(), ReversePath.of(new Mailbox("sender", "bench.test")), recipients,
                Body.SEVEN_BIT, false, null, null, -1, "127.0.0.1", "client.bench.test", Instant.now());
        bodies.keep(envelope.id(), MESSAGE);
        runner.arrived(new JournalEvent.Accepted(envelope, MESSAGE));
    }

    private void awaitStarted(long target) {
        while (bodies.started.get() < target) {
            Thread.onSpinWait();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long oneAtATime() {
        long target = bodies.started.get() + 1;
        submit();
        awaitStarted(target);
        return target;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BURST)
    public long burstOf1000() {
        long target = bodies.started.get() + BURST;
        for (int i = 0; i < BURST; i++) {
            submit();
        }
        awaitStarted(target);
        return target;
    }
}
