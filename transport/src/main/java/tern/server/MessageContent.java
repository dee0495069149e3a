package tern.server;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.queue.QueueId;

/**
 * The content of the message a session is receiving, kept in memory while it is small and
 * written to a spool file once it is not.
 *
 * <p>In memory, the bytes go into a list of chunks (8 KiB, then each as large as all before,
 * up to 64 KiB): growing never copies what is already there and never asks for more than one
 * chunk at a time. Each chunk is reserved from the server's {@link MessageMemory} before it is
 * allocated. The first chunk is kept from one message to the next, so that the usual small
 * message allocates nothing.
 *
 * <p>A message goes to its spool file (see {@link SpoolDirectory}) when it grows past
 * {@link #IN_MEMORY_LIMIT}, or earlier when the memory budget has no chunk to spare: what is
 * in memory is written first, the chunks are given back, and every later byte is written
 * straight from Netty's buffer into the file. These writes are plain writes into the page
 * cache on the event loop (no fsync: the journal append is what makes a message durable);
 * reading the file back, at the end of the message, happens off the loop.
 *
 * <p>A spool file that cannot be written (a full disk) does not end the session: the rest of
 * the message is read and dropped, and {@link #failed} makes the session answer 452 4.3.1.
 *
 * <p>Owned by one session and used on its event loop only, except {@link #toArray} for a
 * spilled message, which the session calls from one other thread while it reads nothing.
 */
final class MessageContent {

    private static final Logger log = LoggerFactory.getLogger(MessageContent.class);

    /** Most bytes of one message held in memory; beyond it, the message is in its spool file. */
    static final int IN_MEMORY_LIMIT = 1024 * 1024;
    private static final int FIRST_CHUNK = 8 * 1024;
    private static final int LARGEST_CHUNK = 64 * 1024;

    private final MessageMemory memory;
    private final SpoolDirectory spool;

    private final List<byte[]> chunks = new ArrayList<>();
    /** Bytes used in the last chunk. */
    private int lastFill;
    /** Bytes of chunks reserved from {@link #memory}. */
    private long reserved;
    private long length;

    private QueueId id;
    private SpoolDirectory.SpoolFile file;
    private boolean failed;

    MessageContent(MessageMemory memory, SpoolDirectory spool) {
        this.memory = memory;
        this.spool = spool;
    }

    /** Starts the content of message {@code id}, dropping whatever was there. */
    void begin(QueueId id) {
        clear();
        this.id = id;
    }

    long length() {
        return length;
    }

    boolean spilled() {
        return file != null;
    }

    /** The spool file could not be written: the message is incomplete and must be refused. */
    boolean failed() {
        return failed;
    }

    void append(ByteBuf src, int index, int count) {
        if (failed || count == 0) {
            return;
        }
        if (file == null && length + count > IN_MEMORY_LIMIT) {
            spill();
        }
        while (file == null && !failed && count > 0) {
            if (chunks.isEmpty() || lastFill == chunks.getLast().length) {
                if (!grow()) {
                    spill(); // the memory budget is spent: this message goes to disk from here
                    break;
                }
            }
            byte[] last = chunks.getLast();
            int n = Math.min(count, last.length - lastFill);
            src.getBytes(index, last, lastFill, n);
            lastFill += n;
            index += n;
            count -= n;
            length += n;
        }
        if (file != null && count > 0) {
            write(src, index, count);
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final ByteBuf CRLF_BUF = io.netty.buffer.Unpooled.unreleasableBuffer(
            io.netty.buffer.Unpooled.wrappedBuffer(CRLF)).asReadOnly();

    void appendCrlf() {
        append(CRLF_BUF, 0, 2);
    }

    /** One more chunk, reserved from the budget first; false when the budget has none to spare. */
    private boolean grow() {
        int size = (int) Math.min(LARGEST_CHUNK, Math.max(FIRST_CHUNK, reserved));
        if (!memory.tryReserve(size)) {
            return false;
        }
        chunks.add(new byte[size]);
        reserved += size;
        lastFill = 0;
        return true;
    }

    private void spill() {
        try {
            file = spool.create(id);
            long position = 0;
            for (int i = 0; i < chunks.size(); i++) {
                int n = i == chunks.size() - 1 ? lastFill : chunks.get(i).length;
                ByteBuffer buf = ByteBuffer.wrap(chunks.get(i), 0, n);
                while (buf.hasRemaining()) {
                    position += file.channel().write(buf, position);
                }
            }
        } catch (IOException e) {
            fail(e);
        }
        dropChunks(false);
    }

    private void write(ByteBuf src, int index, int count) {
        try {
            int done = 0;
            while (done < count) {
                done += src.getBytes(index + done, file.channel(), length + done, count - done);
            }
            length += count;
        } catch (IOException e) {
            fail(e);
        }
    }

    private void fail(IOException e) {
        log.warn("{}: spool file could not be written, the message will be refused: {}", id, e.toString());
        failed = true;
        closeFile();
    }

    /**
     * {@code prefix} followed by the whole content, in one new array: what the journal stores.
     * Reads the spool file if the message is there (blocking: call it off the event loop then).
     */
    byte[] toArray(byte[] prefix) throws IOException {
        if (length > Integer.MAX_VALUE - 16 - prefix.length) {
            throw new IOException("message too large for one array: " + length);
        }
        byte[] out = new byte[prefix.length + (int) length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        if (file != null) {
            ByteBuffer buf = ByteBuffer.wrap(out, prefix.length, (int) length);
            long position = 0;
            while (buf.hasRemaining()) {
                int n = file.channel().read(buf, position);
                if (n < 0) {
                    throw new IOException("spool file shorter than the message");
                }
                position += n;
            }
            return out;
        }
        int at = prefix.length;
        for (int i = 0; i < chunks.size(); i++) {
            int n = i == chunks.size() - 1 ? lastFill : chunks.get(i).length;
            System.arraycopy(chunks.get(i), 0, out, at, n);
            at += n;
        }
        return out;
    }

    /** Drops the content (and its spool file), keeping the first chunk for the next message. */
    void clear() {
        closeFile();
        dropChunks(true);
        length = 0;
        failed = false;
        id = null;
    }

    /** The session is over: gives back every reserved byte. */
    void close() {
        closeFile();
        dropChunks(false);
        length = 0;
    }

    private void dropChunks(boolean keepFirst) {
        if (keepFirst && !chunks.isEmpty() && chunks.getFirst().length == FIRST_CHUNK && file == null) {
            byte[] first = chunks.getFirst();
            chunks.clear();
            chunks.add(first);
            memory.release(reserved - first.length);
            reserved = first.length;
        } else {
            chunks.clear();
            memory.release(reserved);
            reserved = 0;
        }
        lastFill = 0;
    }

    private void closeFile() {
        if (file != null) {
            try {
                file.close(); // and deleted
            } catch (IOException e) {
                log.warn("{}: spool file could not be closed: {}", id, e.toString());
            }
            file = null;
        }
    }
}
