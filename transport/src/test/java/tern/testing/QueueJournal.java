package tern.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.config.TernConfig;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.journal.Journal;
import tern.journal.JournalEvent;
import tern.queue.QueueId;

/**
 * Writes a queue straight into a journal through the journal API, as a server would have left
 * it, many thousands of messages a second: for tests of the queue tools at sizes SMTP would
 * take minutes to fill. Appends are not synced one by one; the journal is closed (and so
 * flushed) at the end.
 */
public final class QueueJournal implements AutoCloseable {
    private static final byte[] BODY = "Subject: queued\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Journal journal;
    private final List<CompletableFuture<Void>> unwritten = new ArrayList<>();
    private long serial;

    private QueueJournal(Path journalDir) {
        this.journal = Journal.open(journalDir, TernConfig.Sync.NONE, InstantSource.system());
    }

    /** Opens (or creates) the journal in {@code journalDir}, e.g. {@code <dataDir>/journal}. */
    public static QueueJournal open(Path journalDir) {
        return new QueueJournal(journalDir);
    }

    /**
     * A message from {@code sender} to {@code recipients} (addresses), accepted at {@code arrival};
     * its id is made of {@code prefix} and a serial number, so ids sort in the order written.
     */
    public QueueId accept(String prefix, Instant arrival, String sender, List<String> recipients) {
        QueueId id = new QueueId(prefix + String.format("%09d", serial++));
        List<Recipient> rcpts = recipients.stream().map(a -> Recipient.of(mailbox(a))).toList();
        Envelope envelope = new Envelope(id, ReversePath.of(mailbox(sender)), rcpts, Body.SEVEN_BIT, false, null, null,
                -1, "127.0.0.1", "client.test", arrival);
        append(new JournalEvent.Accepted(envelope, BODY));
        return id;
    }

    /** An attempt at {@code recipient} failed at {@code at}; the next is due at {@code next}. */
    public void defer(QueueId id, String recipient, Instant at, int attempts, Instant next, String reply) {
        append(new JournalEvent.Deferred(id, at, recipient, "mx.test[127.0.0.1]:25", reply, attempts, next));
    }

    public void deliver(QueueId id, String recipient, Instant at) {
        append(new JournalEvent.Delivered(id, at, recipient, "mx.test[127.0.0.1]:25", "250 2.0.0 Ok"));
    }

    public void append(JournalEvent event) {
        unwritten.add(journal.append(event));
        if (unwritten.size() >= 10_000) {
            flush();
        }
    }

    /** Waits until everything appended so far is in the journal, e.g. before reading it back. */
    public void flush() {
        CompletableFuture.allOf(unwritten.toArray(CompletableFuture[]::new)).join();
        unwritten.clear();
    }

    private static Mailbox mailbox(String address) {
        int at = address.lastIndexOf('@');
        return new Mailbox(address.substring(0, at), address.substring(at + 1));
    }

    @Override
    public void close() {
        flush();
        journal.close();
    }
}
