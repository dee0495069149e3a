package tern.queue;

import java.util.function.Consumer;

/**
 * The queued messages by id: open addressing with linear probing over the messages
 * themselves (each knows its id), kept at most half full, with each one's hash in a parallel
 * array so that a probe touches a message only when its hash matches: at a million messages
 * every message touched is a cache miss (and its id and the id's string two more). A
 * {@code HashMap} would add a 32-byte node per message; this costs about 16 bytes.
 */
final class MessageTable {

    private HeldMessage[] table;
    private int[] hashes;
    private int size;

    MessageTable(int expected) {
        table = new HeldMessage[tableSizeFor(expected)];
        hashes = new int[table.length];
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    HeldMessage get(QueueId id) {
        int i = indexOf(id);
        return i < 0 ? null : table[i];
    }

    private int indexOf(QueueId id) {
        HeldMessage[] t = table;
        int[] h = hashes;
        int mask = t.length - 1;
        int hash = hash(id);
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            HeldMessage m = t[i];
            if (m == null) {
                return -1;
            }
            if (h[i] == hash && (m.id == id || m.id.equals(id))) {
                return i;
            }
        }
    }

    /** Adds a message whose id is not in the table. */
    void add(HeldMessage message) {
        if ((size + 1) * 2 > table.length) {
            rehash(table.length * 2);
        }
        insert(table, hashes, message, hash(message.id));
        size++;
    }

    HeldMessage remove(QueueId id) {
        int i = indexOf(id);
        if (i < 0) {
            return null;
        }
        HeldMessage[] t = table;
        int[] h = hashes;
        int mask = t.length - 1;
        HeldMessage removed = t[i];
        // Backward-shift delete: no tombstones, so lookups never slow down with churn.
        int hole = i;
        while (true) {
            i = (i + 1) & mask;
            HeldMessage m = t[i];
            if (m == null) {
                break;
            }
            int home = h[i] & mask;
            boolean homeBetween = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
            if (!homeBetween) {
                t[hole] = m;
                h[hole] = h[i];
                hole = i;
            }
        }
        t[hole] = null;
        size--;
        return removed;
    }

    void forEach(Consumer<HeldMessage> action) {
        for (HeldMessage m : table) {
            if (m != null) {
                action.accept(m);
            }
        }
    }

    private static void insert(HeldMessage[] t, int[] h, HeldMessage message, int hash) {
        int mask = t.length - 1;
        int i = hash & mask;
        while (t[i] != null) {
            i = (i + 1) & mask;
        }
        t[i] = message;
        h[i] = hash;
    }

    private void rehash(int length) {
        HeldMessage[] t = new HeldMessage[length];
        int[] h = new int[length];
        for (int i = 0; i < table.length; i++) {
            if (table[i] != null) {
                insert(t, h, table[i], hashes[i]);
            }
        }
        table = t;
        hashes = h;
    }

    private static int hash(QueueId id) {
        int h = id.value().hashCode() * 0x9E3779B9; // spread consecutive ids over the table
        return h ^ (h >>> 16);
    }

    private static int tableSizeFor(int entries) {
        int n = Integer.highestOneBit(Math.max(2, entries) * 2 - 1) << 1;
        return Math.max(n, 16);
    }
}
