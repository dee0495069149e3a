package tern.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.config.TernConfig.Sync;
import tern.jfr.JournalCommit;
import tern.queue.QueueId;

/**
 * The journal that replaces the Queue directory: an append-only Chronicle Queue of
 * {@link JournalEvent}s under {@code <dataDir>/journal}, one cycle file per hour.
 *
 * <p><b>Group commit.</b> Chronicle appenders belong to one thread, and an msync per
 * message costs a disk flush per 250 reply (about 7k/s here, against 180k/s batched).
 * So one platform thread, {@code tern-journal-writer}, owns the appender: callers on
 * event loops and virtual threads only enqueue a request and get a future. The writer
 * takes whatever has queued up while the previous flush ran, appends it, flushes once
 * ({@link Sync#BATCH}: {@code msync(MS_SYNC)}), and only then completes the futures. A
 * busy server gets big batches, an idle one a flush per message: latency adapts to load
 * without a timer. With {@link Sync#NONE} the futures complete after the append and the
 * OS writes the pages back when it likes (a crash of the machine, not of the process,
 * can then lose acknowledged mail).
 *
 * <p><b>New cycle files.</b> msync makes a file's bytes and size durable, not the
 * directory entry that names it. When an append lands in a cycle the writer has not
 * flushed the directory for, it fsyncs the journal directory before completing that
 * batch, so a power cut right after an hourly roll cannot lose the new file.
 *
 * <p><b>Faults.</b> If Chronicle throws while appending one event (disk full, I/O
 * error), that event's future fails with the exception (the server answers 452 4.3.1),
 * its partial record is rolled back, and the appender is rebuilt; the others of the
 * batch go on. If the flush throws, every future of the batch fails: none of them is
 * known to be durable. The writer thread stays alive either way, and nothing already
 * committed is rewritten: the journal only ever appends. A full disk under Chronicle's
 * memory map is a page fault (SIGBUS) on the first write to a page the file system cannot
 * back; the JVM turns it into an {@link InternalError} ("a fault occurred in an unsafe
 * memory access operation"), not a crash, and {@code JournalDiskFullTest} provokes exactly
 * that on a 2 MB tmpfs. Because the JVM may raise it a little after the faulting write,
 * the writer also catches anything around a whole batch.
 *
 * <p><b>The last queue id.</b> {@link #replay} returns the highest queue id it saw;
 * start-up feeds it to {@code QueueIdGenerator.continueAfter}, so ids never repeat even
 * if the clock went back while the server was down.
 */
public final class Journal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    /** One file per hour: small enough that retention frees space soon, few enough files to list. */
    public static final RollCycle ROLL_CYCLE = RollCycles.FAST_HOURLY;

    /**
     * Chronicle maps the cycle file in blocks and refuses a record larger than a quarter of a
     * block. 256 MiB allows records of 64 MiB, room for a 35 MB message (server.maxMessageSize)
     * with its envelope. The file is sparse: an hour of small messages still takes little disk.
     */
    static final long BLOCK_SIZE = 256L << 20;

    /** Most requests in one batch, so one huge burst does not hold every ack behind one flush. */
    private static final int MAX_BATCH = 4096;

    private final Path dir;
    private final Sync sync;
    private final InstantSource clock;
    private final SingleChronicleQueue queue;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    /** Told of every group commit; metrics live in transport, so storage only offers the hook. */
    @FunctionalInterface
    public interface CommitObserver {
        /** {@code events} became durable, {@code nanos} after the first of them was appended. */
        void committed(int events, long nanos);
    }

    private volatile CommitObserver commitObserver = (events, nanos) -> { };

    // Owned by the writer thread.
    private ExcerptAppender appender;
    private final MappedWindow window = new MappedWindow();
    private long firstAppendNanos;
    private int directorySyncedForCycle = Integer.MIN_VALUE;

    private sealed interface Request {
    }

    /** {@code index} is null for a plain append; for a located one the writer fills in where the event went. */
    private record Append(JournalEvent event, CompletableFuture<Void> done, long[] index) implements Request {
    }

    /** What {@link #replayLocated} hands over: each event with its index, for {@link #read}. */
    @FunctionalInterface
    public interface Visitor {
        void event(long index, JournalEvent event);

        /**
         * An Accepted from {@link #replayWithoutMessages}: its message is empty, {@code size}
         * says how many bytes it has in the journal. By default, the event as it is.
         */
        default void accepted(long index, JournalEvent.Accepted accepted, int size) {
            event(index, accepted);
        }
    }

    /** Work that must run on the writer thread, after everything queued before it is committed. */
    private record Task(Runnable action, CompletableFuture<Void> done) implements Request {
    }

    private record Stop() implements Request {
    }

    /** What {@link #replay} saw: how many events and the highest queue id (null if none). */
    public record Replayed(long events, QueueId highestId) {
    }

    private Journal(Path dir, Sync sync, InstantSource clock, RollCycle rollCycle) {
        this.dir = dir;
        this.sync = Objects.requireNonNull(sync, "sync");
        this.clock = clock;
        boolean created = !Files.isDirectory(dir);
        try {
            Files.createDirectories(dir);
            if (created && dir.toAbsolutePath().getParent() != null) {
                fsyncDirectory(dir.toAbsolutePath().getParent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the journal directory " + dir, e);
        }
        this.queue = SingleChronicleQueueBuilder.binary(dir)
                .rollCycle(rollCycle)
                .blockSize(BLOCK_SIZE)
                .timeProvider(clock::millis)
                .syncMode(sync == Sync.BATCH ? SyncMode.SYNC : SyncMode.NONE)
                .build();
        // A daemon so that a JVM that exits without close() is not held up by an idle writer;
        // close() is what completes the commits in flight.
        this.writer = Thread.ofPlatform().name("tern-journal-writer").daemon(true).unstarted(this::run);
        writer.start();
    }

    /** Opens (creating if needed) the journal in {@code dir}, normally {@code <dataDir>/journal}. */
    public static Journal open(Path dir, Sync sync, InstantSource clock) {
        return new Journal(dir, sync, clock, ROLL_CYCLE);
    }

    /** Tests and benchmarks may pick another roll cycle; the clock decides which cycle is current. */
    static Journal open(Path dir, Sync sync, InstantSource clock, RollCycle rollCycle) {
        return new Journal(dir, sync, clock, rollCycle);
    }

    /** Replaces the observer told of each group commit (e.g. the commit metrics). */
    public void onCommit(CommitObserver observer) {
        this.commitObserver = Objects.requireNonNull(observer, "observer");
    }

    public Path directory() {
        return dir;
    }

    InstantSource clock() {
        return clock;
    }

    SingleChronicleQueue queue() {
        return queue;
    }

    /**
     * Appends {@code event}. The future completes once the event is durable (per {@link Sync}),
     * or exceptionally when it could not be written. Safe from any thread; never blocks.
     */
    public CompletableFuture<Void> append(JournalEvent event) {
        Objects.requireNonNull(event, "event");
        var done = new CompletableFuture<Void>();
        if (closed) {
            done.completeExceptionally(new IllegalStateException("journal closed"));
            return done;
        }
        requests.add(new Append(event, done, null));
        return done;
    }

    /**
     * Like {@link #append}, and the future gives the event's index, with which {@link #read}
     * finds it again (the queue manager reads a deferred message's bytes back that way).
     */
    public CompletableFuture<Long> appendLocated(JournalEvent event) {
        Objects.requireNonNull(event, "event");
        var done = new CompletableFuture<Void>();
        long[] index = {-1};
        if (closed) {
            done.completeExceptionally(new IllegalStateException("journal closed"));
        } else {
            requests.add(new Append(event, done, index));
        }
        return done.thenApply(v -> index[0]);
    }

    /**
     * The event at {@code index} (from {@link #appendLocated} or {@link #replayLocated}), read on
     * the calling thread with a tailer of its own; safe from any thread, virtual ones included.
     *
     * @throws java.util.NoSuchElementException when nothing is there any more (retention deleted it)
     */
    public JournalEvent read(long index) {
        return JournalReading.read(queue, index);
    }

    /**
     * Every retained event, oldest first, on the calling thread. Meant for start-up, before
     * the first append; the result carries the highest queue id for {@code continueAfter}.
     */
    public Replayed replay(Consumer<? super JournalEvent> sink) {
        return replayLocated((index, event) -> sink.accept(event));
    }

    /** {@link #replay(Consumer)} with each event's index, for {@link #read}. */
    public Replayed replayLocated(Visitor visitor) {
        return JournalReading.replay(queue, visitor, true);
    }

    /**
     * {@link #replayLocated} for a start-up fold: an Accepted comes to
     * {@link Visitor#accepted} with an empty message and the size of its bytes, which stay in
     * the journal ({@link #read} gets them when an attempt needs them).
     */
    public Replayed replayWithoutMessages(Visitor visitor) {
        return JournalReading.replay(queue, visitor, false);
    }

    /**
     * Deletes rolled cycle files older than {@code retain}, carrying still-pending messages
     * forward first. See {@link Retention} for when and why. Call it from the thread that
     * owns the queue state, so no outcome event for a carried message slips in between
     * {@code carryForward} reading that state and its copy being appended.
     */
    public Retention.Report retain(Duration retain, Predicate<QueueId> isPending,
                                   Function<QueueId, List<JournalEvent>> carryForward) {
        return new Retention(this).run(retain, isPending, carryForward);
    }

    /** Runs {@code action} on the writer thread once everything appended before it is committed. */
    CompletableFuture<Void> onWriterThread(Runnable action) {
        var done = new CompletableFuture<Void>();
        if (closed) {
            done.completeExceptionally(new IllegalStateException("journal closed"));
            return done;
        }
        requests.add(new Task(action, done));
        return done;
    }

    /** Drops the writer's appender so no cycle file stays mapped by it; the next append makes a new one. */
    void releaseAppender() {
        window.close();
        if (appender != null) {
            appender.close();
            appender = null;
        }
    }

    /** Completes the appends already queued, then stops the writer and closes the files. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        requests.add(new Stop());
        boolean interrupted = false;
        while (true) {
            try {
                writer.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        queue.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The JFR event of the group commit under way: begun at its first append, committed after its sync. */
    private JournalCommit commitEvent;

    private void run() {
        List<Request> batch = new ArrayList<>(MAX_BATCH);
        List<Append> appended = new ArrayList<>(MAX_BATCH);
        boolean stop = false;
        try {
            while (!stop) {
                batch.add(requests.take());
                requests.drainTo(batch, MAX_BATCH - 1);
                try {
                    for (Request request : batch) {
                        switch (request) {
                            case Append a -> {
                                if (appended.isEmpty()) {
                                    firstAppendNanos = System.nanoTime();
                                }
                                if (appendOne(a, appended)) {
                                    appended.add(a);
                                }
                            }
                            case Task t -> {
                                commit(appended);
                                try {
                                    t.action().run();
                                    t.done().complete(null);
                                } catch (Throwable e) {
                                    t.done().completeExceptionally(e);
                                }
                            }
                            case Stop s -> stop = true;
                        }
                    }
                    commit(appended);
                } catch (Throwable e) {
                    // A page fault on a full disk surfaces as an InternalError that the JVM may raise a
                    // little after the faulting write, outside the try around it. Whatever it hit, fail
                    // what this batch has not completed and keep the writer alive for the next one.
                    LOG.error("journal writer: {}; failing the rest of this batch", e.toString());
                    for (Request request : batch) {
                        switch (request) {
                            case Append a -> a.done().completeExceptionally(e);
                            case Task t -> t.done().completeExceptionally(e);
                            case Stop s -> stop = true;
                        }
                    }
                    appended.clear();
                    dropBrokenAppender();
                } finally {
                    batch.clear();
                }
            }
        } catch (InterruptedException e) {
            LOG.error("journal writer interrupted; failing what is queued");
        } finally {
            dropBrokenAppender();
            // Appends that raced with close(): nobody will write them.
            for (Request left; (left = requests.poll()) != null; ) {
                switch (left) {
                    case Append a -> a.done().completeExceptionally(new IllegalStateException("journal closed"));
                    case Task t -> t.done().completeExceptionally(new IllegalStateException("journal closed"));
                    case Stop s -> { }
                }
            }
        }
    }

    /** Closes the appender after a failure; a fresh one re-reads the end of the file. */
    private void dropBrokenAppender() {
        try {
            releaseAppender();
        } catch (Throwable ignored) {
            appender = null;
        }
    }

    private boolean appendOne(Append a, List<Append> appended) {
        try {
            if (appender == null) {
                appender = queue.createAppender();
            }
            if (commitEvent == null) {
                commitEvent = new JournalCommit();
                commitEvent.begin();
            }
            try (DocumentContext dc = appender.writingDocument()) {
                try {
                    JournalCodec.write(a.event(), dc.wire().bytes());
                } catch (Throwable e) {
                    dc.rollbackOnClose();
                    throw e;
                }
            }
            if (a.index() != null) {
                a.index()[0] = appender.lastIndexAppended();
            }
            return true;
        } catch (Throwable e) {
            LOG.error("{} journal append failed: {}", a.event().id(), e.toString());
            a.done().completeExceptionally(e);
            // The events before this one are fine: flush them with the appender that wrote them.
            commit(appended);
            // A failed write can leave the appender mid-record; a fresh one re-reads the file's end.
            dropBrokenAppender();
            return false;
        }
    }

    /** Makes {@code appended} durable per the sync mode, then completes (or fails) them all. */
    private void commit(List<Append> appended) {
        if (appended.isEmpty()) {
            commitEvent = null; // begun for an append that failed: nothing was committed
            return;
        }
        try {
            if (sync == Sync.BATCH) {
                appender.sync();
            }
            window.written(appender);
            int cycle = appender.cycle();
            if (cycle != directorySyncedForCycle) {
                fsyncDirectory(dir);
                directorySyncedForCycle = cycle;
            }
        } catch (Throwable e) {
            commitEvent = null;
            LOG.error("journal flush failed for {} events: {}", appended.size(), e.toString());
            for (Append a : appended) {
                a.done().completeExceptionally(e);
            }
            appended.clear();
            dropBrokenAppender();
            return;
        }
        // Before the acks: whoever saw a 250 also sees the commit counted.
        try {
            commitObserver.committed(appended.size(), System.nanoTime() - firstAppendNanos);
        } catch (RuntimeException e) {
            LOG.warn("journal commit observer failed: {}", e.toString()); // the events are durable all the same
        }
        JournalCommit event = commitEvent;
        commitEvent = null;
        if (event != null && event.shouldCommit()) {
            event.batchSize = appended.size();
            event.synced = sync == Sync.BATCH;
            event.commit();
        }
        for (Append a : appended) {
            a.done().complete(null);
        }
        appended.clear();
    }

    static void fsyncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
