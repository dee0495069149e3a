package tern.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SequencedSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.queue.QueueId;

/**
 * Keeps the journal's disk use following the live queue: deletes rolled cycle files
 * whose messages are all finished once they are older than {@code journal.retain}.
 *
 * <p><b>When a cycle may go.</b> A cycle file is a candidate once it is rolled (the clock
 * is past its hour, so nothing is appended to it any more) and its hour ended more than
 * {@code retain} ago. Until then it stays, finished or not: it is what
 * {@code ./tern journal tail} shows an operator asking what happened to last week's mail.
 *
 * <p><b>Why pending messages are copied forward at deletion time, not at every roll.</b>
 * A message still pending must never pin an old file, or one stuck message would keep a
 * week of other mail's bodies on disk. Copying it into the current cycle frees the old
 * file. We copy only when the old file is about to be deleted, because copying on every
 * hourly roll would rewrite every pending body (up to 35 MB each) once an hour, although
 * almost all messages finish within minutes and the expiration timeout (2d by default) is
 * shorter than {@code retain} (7d): with the defaults, copy-forward is the rare path for
 * a message whose retries outlast a week, and each such message is copied once per
 * {@code retain}, not 168 times.
 *
 * <p><b>What is copied.</b> For every pending message whose Accepted event lies in a
 * candidate file: its Accepted event again, then the latest outcome event of each
 * recipient, as the caller (the owner of the queue state) supplies them. An Accepted for
 * a known id starts that message's state afresh (see {@link JournalEvent}), so replaying
 * the old and the new cycles, or the new one alone, folds to the same state.
 *
 * <p><b>Crash safety.</b> The copies go through the normal group commit and are durable
 * before any file is deleted. A crash between the two leaves both copies, which folds to
 * the same state; the next run deletes the old file. A message carried twice that way is
 * only carried again if it is still pending a retention period later.
 *
 * <p><b>Deleting.</b> The files are deleted on the journal's writer thread after it has
 * released its appender (so it holds no mapping of an old cycle), and Chronicle's
 * directory listing in {@code metadata.cq4t} is refreshed, so the first cycle that
 * tailers, replay and {@code journal tail} start from is the oldest file left.
 */
public final class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    /** What one run did: the files it deleted and the messages it carried forward. */
    public record Report(List<Path> deleted, List<QueueId> carriedForward) {
    }

    private final Journal journal;

    Retention(Journal journal) {
        this.journal = journal;
    }

    Report run(Duration retain, Predicate<QueueId> isPending, Function<QueueId, List<JournalEvent>> carryForward) {
        SingleChronicleQueue queue = journal.queue();
        RollCycle rollCycle = queue.rollCycle();
        Instant now = journal.clock().instant();
        int current = queue.cycle();
        long cycleMillis = rollCycle.lengthInMillis();
        long deadline = now.minus(retain).toEpochMilli();

        queue.refreshDirectoryListing();
        List<Integer> candidates = new ArrayList<>();
        int first = queue.firstCycle();
        int last = queue.lastCycle();
        if (first == Integer.MAX_VALUE || last < first) {
            return new Report(List.of(), List.of());
        }
        for (long cycle : queue.listCyclesBetween(first, last)) {
            long end = (cycle + 1) * cycleMillis + epochMillis(queue);
            if (cycle < current && end <= deadline) {
                candidates.add((int) cycle);
            }
        }
        if (candidates.isEmpty()) {
            return new Report(List.of(), List.of());
        }

        SequencedSet<QueueId> carried = new LinkedHashSet<>();
        for (int cycle : candidates) {
            carried.addAll(pendingAcceptedIn(queue, cycle, isPending));
        }
        List<CompletableFuture<Void>> copies = new ArrayList<>();
        for (QueueId id : carried) {
            List<JournalEvent> events = carryForward.apply(id);
            if (events.isEmpty() || !(events.getFirst() instanceof JournalEvent.Accepted)) {
                throw new IllegalArgumentException(id + ": carryForward must start with the Accepted event");
            }
            for (JournalEvent event : events) {
                copies.add(journal.append(event));
            }
        }
        // Durable copies before any deletion: join throws if one failed, and nothing is deleted.
        CompletableFuture.allOf(copies.toArray(CompletableFuture[]::new)).join();

        List<Path> deleted = new ArrayList<>();
        journal.onWriterThread(() -> {
            journal.releaseAppender();
            for (int cycle : candidates) {
                Path file = fileOf(queue, cycle);
                try {
                    if (Files.deleteIfExists(file)) {
                        deleted.add(file);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete journal cycle " + file, e);
                }
            }
            queue.refreshDirectoryListing();
            try {
                Journal.fsyncDirectory(journal.directory());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).join();
        for (QueueId id : carried) {
            LOG.info("{} carried forward in the journal: still pending after {}", id, retain);
        }
        for (Path file : deleted) {
            LOG.info("journal cycle {} deleted: older than {} and nothing in it pending", file.getFileName(), retain);
        }
        return new Report(List.copyOf(deleted), List.copyOf(carried));
    }

    private static List<QueueId> pendingAcceptedIn(SingleChronicleQueue queue, int cycle, Predicate<QueueId> isPending) {
        List<QueueId> pending = new ArrayList<>();
        RollCycle rollCycle = queue.rollCycle();
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (!tailer.moveToCycle(cycle)) {
                return pending;
            }
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent() || rollCycle.toCycle(dc.index()) != cycle) {
                        break;
                    }
                    QueueId id = JournalCodec.acceptedId(dc.wire().bytes());
                    if (id != null && isPending.test(id)) {
                        pending.add(id);
                    }
                }
            }
        }
        return pending;
    }

    private static long epochMillis(SingleChronicleQueue queue) {
        return queue.epoch();
    }

    /** The file Chronicle names for {@code cycle}: the roll cycle's date pattern in UTC, ".cq4". */
    static Path fileOf(SingleChronicleQueue queue, int cycle) {
        RollCycle rollCycle = queue.rollCycle();
        Instant start = Instant.ofEpochMilli((long) cycle * rollCycle.lengthInMillis() + queue.epoch());
        String name = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC).format(start);
        return queue.file().toPath().resolve(name + ".cq4");
    }
}
