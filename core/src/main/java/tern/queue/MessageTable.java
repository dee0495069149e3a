package tern.queue;

import java.util.function.Consumer;

/**
 * The queued messages by id: open addressing with linear probing over the messages
 * themselves (each knows its id), kept at most half full. A {@code HashMap} would add a
 * 32-byte node per message; this costs about 8 bytes.
 */
final class MessageTable {

    private HeldMessage[] table;
    private int size;

    MessageTable(int expected) {
        table = new HeldMessage[tableSizeFor(expected)];
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    HeldMessage get(QueueId id) {
        HeldMessage[] t = table;
        int mask = t.length - 1;
        for (int i = home(id, mask); ; i = (i + 1) & mask) {
            HeldMessage m = t[i];
            if (m == null || m.id.equals(id)) {
                return m;
            }
        }
    }

    /** Adds a message whose id is not in the table. */
    void add(HeldMessage message) {
        if ((size + 1) * 2 > table.length) {
            rehash(table.length * 2);
        }
        insert(table, message);
        size++;
    }

    HeldMessage remove(QueueId id) {
        HeldMessage[] t = table;
        int mask = t.length - 1;
        int i = home(id, mask);
        while (true) {
            HeldMessage m = t[i];
            if (m == null) {
                return null;
            }
            if (m.id.equals(id)) {
                break;
            }
            i = (i + 1) & mask;
        }
        HeldMessage removed = t[i];
        // Backward-shift delete: no tombstones, so lookups never slow down with churn.
        int hole = i;
        while (true) {
            i = (i + 1) & mask;
            HeldMessage m = t[i];
            if (m == null) {
                break;
            }
            int home = home(m.id, mask);
            boolean homeBetween = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
            if (!homeBetween) {
                t[hole] = m;
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

    private static void insert(HeldMessage[] t, HeldMessage message) {
        int mask = t.length - 1;
        int i = home(message.id, mask);
        while (t[i] != null) {
            i = (i + 1) & mask;
        }
        t[i] = message;
    }

    private void rehash(int length) {
        HeldMessage[] t = new HeldMessage[length];
        for (HeldMessage m : table) {
            if (m != null) {
                insert(t, m);
            }
        }
        table = t;
    }

    private static int home(QueueId id, int mask) {
        int h = id.value().hashCode() * 0x9E3779B9; // spread consecutive ids over the table
        return (h ^ (h >>> 16)) & mask;
    }

    private static int tableSizeFor(int entries) {
        int n = Integer.highestOneBit(Math.max(2, entries) * 2 - 1) << 1;
        return Math.max(n, 16);
    }
}
