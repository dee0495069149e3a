package tern.journal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads the journal from another process while the server writes it, for
 * {@code ./tern journal tail [--follow]}. Chronicle's files are shared memory maps, so a
 * second process sees each record as soon as the writer finishes it (before the flush).
 *
 * <p>The reader opens the queue read-only: it must never take the writer's lock or
 * touch a record. Use it from one thread (a Chronicle tailer is bound to its thread).
 */
public final class JournalReader implements AutoCloseable {

    private static final long MIN_PARK = TimeUnit.MICROSECONDS.toNanos(100);
    private static final long MAX_PARK = TimeUnit.MILLISECONDS.toNanos(50);

    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final ReadWindow window = new ReadWindow();

    private JournalReader(Path dir) {
        this.queue = SingleChronicleQueueBuilder.binary(dir)
                .blockSize(Journal.BLOCK_SIZE)
                .rollCycle(Journal.ROLL_CYCLE) // the writer's, so Chronicle has nothing to override
                .readOnly(true)
                .build();
        this.tailer = queue.createTailer();
        tailer.toStart();
    }

    /** Opens the journal in {@code dir} for reading; it must exist (the server creates it). */
    public static JournalReader open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no journal in " + dir);
        }
        return new JournalReader(dir);
    }

    /** Hands every event not yet read to {@code sink}, oldest first; returns how many. */
    public long readAvailable(Consumer<? super JournalEvent> sink) {
        long count = 0;
        while (true) {
            JournalEvent event;
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return count;
                }
                event = JournalCodec.read(dc.wire().bytes());
                window.read(dc.wire().bytes());
            }
            count++;
            sink.accept(event);
        }
    }

    /** What {@link #readWithoutBodies} hands over: an event, and for an Accepted the size of its (unread) bytes. */
    @FunctionalInterface
    public interface SizedSink {
        void accept(JournalEvent event, long messageSize);
    }

    /**
     * As {@link #readAvailable}, but an Accepted comes with an empty message and its size beside
     * it: the bytes are skipped, not copied.
     */
    public long readWithoutBodies(SizedSink sink) {
        long count = 0;
        long[] size = new long[1];
        while (true) {
            JournalEvent event;
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return count;
                }
                event = JournalCodec.readWithoutBody(dc.wire().bytes(), size);
                window.read(dc.wire().bytes());
            }
            count++;
            sink.accept(event, size[0]);
        }
    }

    /**
     * Reads as {@link #readAvailable}, then keeps waiting for new events until the thread is
     * interrupted. An idle journal is polled with a park that grows from 100 µs to 50 ms, so
     * following costs no CPU to speak of and a burst is still seen promptly.
     */
    public void follow(Consumer<? super JournalEvent> sink) {
        long park = MIN_PARK;
        while (!Thread.currentThread().isInterrupted()) {
            if (readAvailable(sink) > 0) {
                park = MIN_PARK;
                continue;
            }
            if (queue.lastCycle() > tailer.cycle()) {
                // A new cycle file appeared; the tailer moves to it on its next read.
                queue.refreshDirectoryListing();
            }
            LockSupport.parkNanos(park);
            park = Math.min(park * 2, MAX_PARK);
        }
    }

    @Override
    public void close() {
        window.close();
        tailer.close();
        queue.close();
    }
}
