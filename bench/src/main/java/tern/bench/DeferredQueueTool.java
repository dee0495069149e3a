package tern.bench;

import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.config.TernConfig.Sync;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.journal.Journal;
import tern.journal.JournalEvent;
import tern.outcome.LocalDecision;
import tern.outcome.Outcome;
import tern.queue.QueueId;
import tern.queue.QueueIdGenerator;
import tern.smtp.Reply;

/**
 * Writes a data directory's journal as a server whose next hop is down would have it after a
 * long outage: N messages of one recipient each, every one Accepted and Deferred (no
 * connection) with its next attempt within the coming hours. Far faster than SMTP, for
 * restart and memory measurements at a million: {@code ./tern bench deferred --messages
 * 1000000 --data-dir /tmp/million}, then {@code ./tern serve} on that data directory.
 */
final class DeferredQueueTool {

    private static final String USAGE = """
            usage: ./tern bench deferred --messages N --data-dir DIR [--size BYTES] [--retry-hours H]
              writes DIR/journal: N messages (BYTES each, default 1024), each Accepted then Deferred,
              due again within H hours (default 4); DIR must not hold a journal yet
            """;

    private DeferredQueueTool() {
    }

    static int run(String[] args) {
        int messages = -1;
        Path dataDir = null;
        int size = 1024;
        int retryHours = 4;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--messages" -> messages = Integer.parseInt(args[i + 1]);
                case "--data-dir" -> dataDir = Path.of(args[i + 1]);
                case "--size" -> size = Integer.parseInt(args[i + 1]);
                case "--retry-hours" -> retryHours = Integer.parseInt(args[i + 1]);
                default -> {
                    System.err.print(USAGE);
                    return 2;
                }
            }
        }
        if (messages < 0 || dataDir == null || args.length % 2 != 0) {
            System.err.print(USAGE);
            return 2;
        }
        long started = System.nanoTime();
        write(dataDir.resolve("journal"), messages, size, retryHours, InstantSource.system());
        System.out.printf("%,d messages (%,d events) written to %s in %.1f s%n", messages, 2L * messages,
                dataDir.resolve("journal"), (System.nanoTime() - started) / 1e9);
        return 0;
    }

    /** Appends the messages to the journal in {@code dir}; returns when every event is written. */
    static void write(Path dir, int messages, int size, int retryHours, InstantSource clock) {
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = (byte) (i % 78 == 77 ? '\n' : 'a' + i % 26);
        }
        Outcome down = LocalDecision.of(LocalDecision.Reason.CONNECTION_FAILED,
                new Reply(451, "4.4.1", "no connection to the next hop"));
        var sender = ReversePath.of(new Mailbox("loadtest", "sender.example"));
        var ids = new QueueIdGenerator(clock);
        var random = new Random(1);
        try (Journal journal = Journal.open(dir, Sync.NONE, clock)) {
            Instant now = clock.instant();
            CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
            for (int i = 0; i < messages; i++) {
                QueueId id = ids.next();
                var rcpt = Recipient.of(new Mailbox("user" + i, "remote" + (i % 5000) + ".example"));
                var envelope = new Envelope(id, sender, List.of(rcpt), Body.EIGHT_BIT_MIME, false, null, null, size,
                        "127.0.0.1", "load.example", now);
                journal.append(new JournalEvent.Accepted(envelope, body));
                last = journal.append(new JournalEvent.Deferred(id, now, rcpt.address().toString(), down, 1,
                        now.plusMillis(60_000 + random.nextInt(retryHours * 3_600_000))));
                if (i % 10_000 == 0) {
                    last.join(); // keep the journal's request queue short
                }
            }
            last.join();
        }
    }
}
