package tern.queue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The queue state's compact form of what it must keep as text (an envelope's parameters, a
 * last reply): variable-length integers and UTF-8 strings in one byte array, a single object
 * instead of a graph of records and strings. Written once, read rarely (when a delivery or a
 * report needs the value back).
 */
final class PackedBytes {

    private PackedBytes() {
    }

    /** Appends to a growing array. */
    static final class Writer {
        private byte[] buf = new byte[96];
        private int n;

        Writer varint(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[n++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[n++] = (byte) v;
            return this;
        }

        /** A string or null: its UTF-8 length plus one (0 for null), then the bytes. */
        Writer string(String s) {
            if (s == null) {
                return varint(0);
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varint(b.length + 1L);
            return bytes(b);
        }

        /**
         * A string or null, as its number when {@code words} shares it: an odd varint is
         * a number, an even one a length (as {@link #string}'s, doubled), zero null.
         */
        Writer word(String s, SharedWords words) {
            if (s == null) {
                return varint(0);
            }
            int number = words.numberOf(s);
            if (number >= 0) {
                return varint((long) number << 1 | 1);
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varint((b.length + 1L) << 1);
            return bytes(b);
        }

        private Writer bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, n, b.length);
            n += b.length;
            return this;
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, n);
        }

        private void ensure(int more) {
            if (n + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
            }
        }
    }

    /** Reads what a {@link Writer} wrote, in the same order. */
    static final class Reader {
        private final byte[] buf;
        private int p;

        Reader(byte[] buf) {
            this.buf = buf;
        }

        long varlong() {
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = buf[p++];
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
            }
        }

        int varint() {
            return (int) varlong();
        }

        String word(SharedWords words) {
            int n = varint();
            return (n & 1) != 0 ? words.word(n >>> 1) : string((n >>> 1) - 1);
        }

        String string() {
            return string(varint() - 1);
        }

        private String string(int length) {
            if (length < 0) {
                return null;
            }
            String s = new String(buf, p, length, StandardCharsets.UTF_8);
            p += length;
            return s;
        }
    }
}
