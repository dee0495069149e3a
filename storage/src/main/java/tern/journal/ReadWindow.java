package tern.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.core.io.ReferenceOwner;

/**
 * Keeps the pages a reader has gone past out of its resident memory: a reader of the whole
 * journal ({@code tern queue list} over a million messages) would otherwise keep every page of
 * every block it read resident while Chronicle keeps the block mapped, a gigabyte of RSS for a
 * listing that needs a few megabytes. The reader's reading position only moves forward, so
 * what lies behind it in the current block is released ({@code madvise(MADV_DONTNEED)}, see
 * {@link MappedWindow}) in steps, and the rest of a block once the reader is in the next.
 *
 * <p>Owned by the reader's thread, like its tailer.
 */
final class ReadWindow {

    private final ReferenceOwner owner = ReferenceOwner.temporary("journal-read-window");
    private MappedBytesStore block;
    private long releasedUpTo;

    /** Called with the bytes of the document just read, before it is closed. */
    void read(Bytes<?> bytes) {
        if (!MappedWindow.available() || !(bytes.bytesStore() instanceof MappedBytesStore store)) {
            return;
        }
        if (store != block) {
            close();
            if (!store.tryReserve(owner)) {
                return;
            }
            block = store;
            releasedUpTo = store.start();
        }
        // the page holding the reading position may hold the next document's header too
        long end = Math.min(bytes.readPosition(), store.capacity()) & -MappedWindow.PAGE;
        if (end - releasedUpTo >= MappedWindow.STEP) {
            MappedWindow.dontNeed(store, releasedUpTo, end);
            releasedUpTo = end;
        }
    }

    /** Releases the block in hand (the reader moved on to another, or is closing). */
    void close() {
        if (block != null) {
            MappedWindow.dontNeed(block, releasedUpTo, block.capacity() & -MappedWindow.PAGE);
            block.release(owner);
            block = null;
        }
    }
}
