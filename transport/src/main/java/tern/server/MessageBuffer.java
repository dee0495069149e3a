package tern.server;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * The bytes of the message being received (our Received header is put in front at the end). One per session,
 * reused across transactions so that a busy session does not reallocate per message;
 * {@link #release} gives a big one back after an unusually large message.
 */
final class MessageBuffer {

    private static final int INITIAL = 8 * 1024;
    private static final int KEEP_AT_MOST = 1024 * 1024;

    private byte[] bytes = new byte[INITIAL];
    private int length;

    void clear() {
        length = 0;
    }

    int length() {
        return length;
    }

    byte[] array() {
        return bytes;
    }

    void append(byte[] src) {
        ensure(src.length);
        System.arraycopy(src, 0, bytes, length, src.length);
        length += src.length;
    }

    void append(ByteBuf src, int index, int count) {
        ensure(count);
        src.getBytes(index, bytes, length, count);
        length += count;
    }

    void appendCrlf() {
        ensure(2);
        bytes[length++] = '\r';
        bytes[length++] = '\n';
    }

    /** The exact bytes, for the spool (which keeps them, so this must be a copy). */
    byte[] copy() {
        return Arrays.copyOf(bytes, length);
    }

    /** {@code prefix} then the message, in one new array (the spool keeps it). */
    byte[] copyAfter(byte[] prefix) {
        byte[] out = new byte[prefix.length + length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(bytes, 0, out, prefix.length, length);
        return out;
    }

    void release() {
        length = 0;
        if (bytes.length > KEEP_AT_MOST) {
            bytes = new byte[INITIAL];
        }
    }

    private void ensure(int more) {
        int need = length + more;
        if (need > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(need, bytes.length * 2));
        }
    }
}
