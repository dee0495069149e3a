package tern.cli;

import java.util.Arrays;
import java.util.HashMap;

/**
 * Queue id to message ordinal, for {@link QueueFacts}: a million entries without a million
 * strings. Tern's own ids are up to 12 characters of Crockford base32, which pack into one
 * {@code long} with their length, so they live in an open-addressing table of two primitive
 * arrays (about 24 bytes per id at most). Any other id (a journal written by someone else, a
 * test's readable ids) goes to an ordinary map beside it.
 */
final class IdTable {

    private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final byte[] DIGIT = new byte[128];

    static {
        Arrays.fill(DIGIT, (byte) -1);
        for (int i = 0; i < ALPHABET.length(); i++) {
            DIGIT[ALPHABET.charAt(i)] = (byte) i;
        }
    }

    private long[] keys = new long[1 << 12]; // 0 = empty: a packed id has its length in the top bits
    private int[] values = new int[1 << 12];
    private int size;
    private final HashMap<String, Integer> others = new HashMap<>();

    /** The ordinal put for {@code id}, or -1. */
    int get(String id) {
        long key = pack(id);
        if (key == 0) {
            return others.getOrDefault(id, -1);
        }
        int mask = keys.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return values[i];
            }
            if (keys[i] == 0) {
                return -1;
            }
        }
    }

    void put(String id, int ordinal) {
        long key = pack(id);
        if (key == 0) {
            others.put(id, ordinal);
            return;
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        insert(key, ordinal);
    }

    private void insert(long key, int ordinal) {
        int mask = keys.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            if (keys[i] == key) {
                values[i] = ordinal;
                return;
            }
            if (keys[i] == 0) {
                keys[i] = key;
                values[i] = ordinal;
                size++;
                return;
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                insert(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & mask;
    }

    /** The id as length (4 bits) and base32 digits (60 bits); 0 when it is not one of that shape. */
    static long pack(String id) {
        int n = id.length();
        if (n == 0 || n > 12) {
            return 0;
        }
        long value = 0;
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            int digit = c < 128 ? DIGIT[c] : -1;
            if (digit < 0) {
                return 0;
            }
            value = (value << 5) | digit;
        }
        return ((long) n << 60) | value;
    }
}
