package tern.header;

/**
 * Counts the Received fields of a message's header section: RFC 5321 6.3 loop detection.
 * The count is of the fields the message arrived with (our own is not included); a message
 * is refused when that count exceeds the configured maximum.
 */
public final class HopCount {
    private HopCount() {
    }

    private static final FieldName RECEIVED = new FieldName("Received");

    /**
     * Received fields in the header section of {@code message[offset, offset+length)}: lines
     * starting with "Received" (any case), optional blanks, then ":". Continuation lines
     * are skipped; the header section ends at the first empty line.
     */
    public static int count(byte[] message, int offset, int length) {
        int end = offset + length;
        int count = 0;
        int i = offset;
        while (i < end) {
            byte first = message[i];
            if (first == '\r' || first == '\n') {
                break; // the empty line: body follows
            }
            if (first != ' ' && first != '\t' && RECEIVED.startsLine(message, i, end)) {
                count++;
            }
            while (i < end && message[i] != '\n') {
                i++;
            }
            i++;
        }
        return count;
    }

    /** Whether a message with {@code count} Received fields is refused under {@code maxHopCount}. */
    public static boolean exceeds(int count, int maxHopCount) {
        return count > maxHopCount;
    }
}
