package tern.journal;

import java.util.NoSuchElementException;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import tern.queue.QueueId;

/**
 * The journal's read side, apart from its writer: one event by index (a retry's message
 * bytes), and the whole journal back at start-up, oldest first, on the calling thread, every
 * event with its index and the highest queue id seen. Nothing read is kept here; each event
 * goes to the caller and is garbage after it. Each call has a tailer of its own, so it is
 * safe from any thread.
 */
final class JournalReading {

    private JournalReading() {
    }

    static JournalEvent read(SingleChronicleQueue queue, long index) {
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (!tailer.moveToIndex(index)) {
                throw new NoSuchElementException("no journal event at index " + Long.toHexString(index));
            }
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    throw new NoSuchElementException("no journal event at index " + Long.toHexString(index));
                }
                return JournalCodec.read(dc.wire().bytes());
            }
        }
    }

    /** Every event with its index; an Accepted with its message bytes unless {@code withMessages} is false. */
    static Journal.Replayed replay(SingleChronicleQueue queue, Journal.Visitor visitor, boolean withMessages) {
        long events = 0;
        QueueId highest = null;
        JournalCodec.SkippedMessage skipped = withMessages ? null : new JournalCodec.SkippedMessage();
        ReadWindow window = new ReadWindow(); // the replayed pages need not stay resident
        try (ExcerptTailer tailer = queue.createTailer()) {
            tailer.toStart();
            while (true) {
                JournalEvent event;
                long index;
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    index = dc.index();
                    event = JournalCodec.read(dc.wire().bytes(), skipped);
                    window.read(dc.wire().bytes());
                }
                events++;
                if (highest == null || event.id().compareTo(highest) > 0) {
                    highest = event.id();
                }
                if (skipped != null && event instanceof JournalEvent.Accepted a) {
                    visitor.accepted(index, a, skipped.size);
                } else {
                    visitor.event(index, event);
                }
            }
        } finally {
            window.close();
        }
        return new Journal.Replayed(events, highest);
    }
}
