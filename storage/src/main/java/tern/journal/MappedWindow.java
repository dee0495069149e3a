package tern.journal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.core.io.ReferenceOwner;
import net.openhft.chronicle.queue.ExcerptAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the journal's written pages out of the server's resident memory.
 *
 * <p>Chronicle maps a cycle file in blocks of {@link Journal#BLOCK_SIZE} (plus a quarter of
 * one that overlaps the next) and unmaps a block only when nothing uses it. Every page written
 * through a mapping counts in the process's RSS while the block stays mapped, and the first
 * block stays mapped for the whole cycle (it holds the file's header and index): measured at
 * 50 KB messages, 300-700 MB of pages the server will not touch again (delivery works from the
 * bytes it already holds). So after each group commit the writer tells the kernel it no longer
 * needs the pages it has written behind itself ({@code madvise(MADV_DONTNEED)}). The mapping is
 * shared, so nothing is lost: the bytes are in the file (and in the page cache, which the kernel
 * may keep or drop as it likes), and a later read, such as a retry reading a deferred message
 * back, simply faults them in again.
 *
 * <p>Owned by the journal's writer thread. Off where {@code madvise} is not available (not
 * Linux): the journal works the same, with more resident memory.
 */
final class MappedWindow {

    private static final Logger LOG = LoggerFactory.getLogger(MappedWindow.class);

    /** Linux's MADV_DONTNEED. */
    private static final int MADV_DONTNEED = 4;

    /** Fewer system calls: release in steps of at least this much (small messages: every ~1,000). */
    static final long STEP = 1L << 20;

    static final long PAGE = 4096;

    private static final MethodHandle MADVISE = madvise();

    private final ReferenceOwner owner = ReferenceOwner.temporary("journal-window");

    private int cycle = Integer.MIN_VALUE;
    private MappedBytesStore block;
    private long releasedUpTo;
    /** The block the writer left, kept mapped until nothing reads through it any more. */
    private MappedBytesStore previous;
    private long previousReleasedUpTo;
    private long releasedBytes;

    /** Whether pages are released at all on this platform. */
    static boolean available() {
        return MADVISE != null;
    }

    /** Bytes released so far (for tests and the log). */
    long releasedBytes() {
        return releasedBytes;
    }

    /**
     * Releases what {@code appender} has written (and the writer has flushed) since the last call,
     * up to the page holding its write position, which the next append still writes.
     */
    void written(ExcerptAppender appender) {
        if (MADVISE == null || appender.wire() == null) {
            return;
        }
        Bytes<?> bytes = appender.wire().bytes();
        if (!(bytes.bytesStore() instanceof MappedBytesStore store)) {
            return;
        }
        long position = bytes.writePosition();
        if (appender.cycle() != cycle || store != block) {
            // The writer moved on to the next block (or a new cycle file). Chronicle reads the
            // newest records' headers (to index them) through the block that holds the file's
            // header, and each such read maps the pages around it back in (fault-around); so the
            // block left behind is released behind the writer too until the writer is past all it
            // maps, then in full (at once when the cycle changed).
            dropPrevious();
            if (block != null) {
                previous = block;
                previousReleasedUpTo = previous.start();
                if (appender.cycle() != cycle) {
                    dropPrevious();
                }
            }
            if (store.tryReserve(owner)) {
                block = store;
                cycle = appender.cycle();
                releasedUpTo = store.start(); // Chronicle may have touched it before the writer got there
            } else {
                block = null;
                return;
            }
        }
        if (previous != null && position >= previous.capacity() + STEP) {
            dropPrevious();
        } else if (previous != null) {
            long previousEnd = Math.min(position, previous.capacity()) & -PAGE;
            if (previousEnd - previousReleasedUpTo >= STEP) {
                release(previous, previousReleasedUpTo, previousEnd);
                previousReleasedUpTo = previousEnd;
            }
        }
        // capacity(): where this mapping ends, the overlap with the next block included
        long end = Math.min(position, store.capacity()) & -PAGE;
        if (end - releasedUpTo >= STEP) {
            release(store, releasedUpTo, end);
            releasedUpTo = end;
        }
    }

    /** Stops tracking: releases the blocks this window holds (the writer's appender is closing). */
    void close() {
        dropPrevious();
        if (block != null) {
            block.release(owner);
            block = null;
        }
        cycle = Integer.MIN_VALUE;
    }

    private void dropPrevious() {
        if (previous != null) {
            release(previous, previous.start(), previous.capacity() & -PAGE);
            previous.release(owner);
            previous = null;
        }
    }

    private void release(BytesStore<?, ?> store, long from, long end) {
        releasedBytes += dontNeed(store, from, end);
    }

    /**
     * Tells the kernel the pages of {@code store} from {@code from} to {@code end} (page
     * aligned) are not needed: the bytes released, 0 when they were not. The caller holds a
     * reservation on the store, so the range is still this mapping's.
     */
    static long dontNeed(BytesStore<?, ?> store, long from, long end) {
        if (MADVISE == null || end <= from) {
            return 0;
        }
        long address = store.addressForRead(from);
        try {
            int rc = (int) MADVISE.invokeExact(MemorySegment.ofAddress(address), end - from, MADV_DONTNEED);
            return rc == 0 ? end - from : 0;
        } catch (Throwable e) {
            LOG.debug("madvise failed: {}", e.toString()); // only memory: the journal is unaffected
            return 0;
        }
    }

    private static MethodHandle madvise() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("madvise")
                    .map(symbol -> linker.downcallHandle(symbol, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT)))
                    .orElse(null);
        } catch (RuntimeException | LinkageError e) {
            LOG.info("journal pages stay resident after writing: no madvise ({})", e.toString());
            return null;
        }
    }
}
