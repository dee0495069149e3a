package tern.bench.sink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What the sink has taken in. Sessions add without locks; the reporter reads the sums. */
public final class SinkCounters {
    final LongAdder messages = new LongAdder();
    final LongAdder recipients = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder rejectedMessages = new LongAdder();
    final LongAdder rejectedRecipients = new LongAdder();
    final LongAdder connections = new LongAdder();
    final AtomicInteger openConnections = new AtomicInteger();
    /** Transactions seen (MAIL commands), numbering them for {@code attempt} rules. */
    final AtomicLong transactions = new AtomicLong();

    /** Messages accepted with 250 after their final dot. */
    public long messages() {
        return messages.sum();
    }

    /** Recipients of the accepted messages. */
    public long recipients() {
        return recipients.sum();
    }

    public long bytes() {
        return bytes.sum();
    }

    /** Messages refused after their final dot. */
    public long rejectedMessages() {
        return rejectedMessages.sum();
    }

    public long rejectedRecipients() {
        return rejectedRecipients.sum();
    }

    public long connections() {
        return connections.sum();
    }

    public long transactions() {
        return transactions.get();
    }

    /**
     * One line, the message count first, so a script can {@code read n _ < FILE}:
     * {@code 20000 messages 20000 recipients 21340000 bytes 0 rejected 0 rejected-recipients 40 connections}.
     */
    public String countLine() {
        return messages() + " messages " + recipients() + " recipients " + bytes() + " bytes "
                + rejectedMessages() + " rejected " + rejectedRecipients() + " rejected-recipients "
                + connections() + " connections\n";
    }

    /** Replaces the count file atomically, so a reader never sees half a line. */
    void writeTo(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, countLine(), StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
