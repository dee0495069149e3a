package tern.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
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
import tern.queue.QueueIdGenerator;

/**
 * Writes a large deferred queue straight into a journal, as a relay whose next hop has been
 * down for a while would leave it: N messages of 1 KB, one recipient each at
 * {@code down.example}, each Accepted and then Deferred once with its next attempt an hour on.
 * For measuring the queue tools and a restart at a million messages without an hour of SMTP:
 * <pre>
 * java $(./tern --print-jvm-flags) -cp bench/target/tern-bench.jar tern.bench.DeferredQueueJournal DATADIR [N]
 * </pre>
 */
public final class DeferredQueueJournal {

    private DeferredQueueJournal() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: DeferredQueueJournal DATADIR [MESSAGES (default 1000000)]");
            System.exit(64);
        }
        Path journalDir = Path.of(args[0]).resolve("journal");
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        byte[] body = new byte[1024];
        Arrays.fill(body, (byte) 'x');
        byte[] header = "Subject: deferred\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(header, 0, body, 0, header.length);
        body[1022] = '\r';
        body[1023] = '\n';
        QueueIdGenerator ids = new QueueIdGenerator(InstantSource.system());
        long started = System.nanoTime();
        Instant arrival = Instant.now().minus(Duration.ofHours(2));
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        try (Journal journal = Journal.open(journalDir, TernConfig.Sync.NONE, InstantSource.system())) {
            for (int i = 0; i < messages; i++) {
                var id = ids.next();
                Instant at = arrival.plusMillis(i * 5L);
                String rcpt = "user" + i + "@down.example";
                var envelope = new Envelope(id, ReversePath.of(new Mailbox("sender", "load.example")),
                        List.of(Recipient.of(new Mailbox("user" + i, "down.example"))), Body.SEVEN_BIT, false, null,
                        null, -1, "127.0.0.1", "load.example", at);
                pending.add(journal.append(new JournalEvent.Accepted(envelope, body)));
                pending.add(journal.append(new JournalEvent.Deferred(id, at.plusSeconds(1), rcpt,
                        "mx.down.example[192.0.2.1]:25", "421 4.4.2 mx.down.example: connection timed out", 1,
                        Instant.now().plus(Duration.ofHours(1)))));
                if (pending.size() >= 20_000) {
                    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
                    pending.clear();
                }
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        }
        System.out.printf("%d messages (%d events) in %.1f s into %s%n", messages, 2L * messages,
                (System.nanoTime() - started) / 1e9, journalDir);
    }
}
