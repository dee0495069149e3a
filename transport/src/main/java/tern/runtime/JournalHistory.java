package tern.runtime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tern.admin.console.MessageHistory;
import tern.envelope.Envelope;
import tern.journal.Journal;
import tern.journal.JournalEvent;
import tern.queue.QueueId;

/**
 * A message's history read back from the journal: its Accepted event (envelope and bytes), every
 * later event about it, and the reports queued about it, found by the {@code X-Tern-Queue-ID}
 * field every DSN Tern builds carries in its delivery-status part.
 *
 * <p>It reads every retained event with a tailer of its own on the calling thread, so it costs
 * one pass over the journal per page view: fine for an operator looking at a message, and the
 * writer and the queue runner never wait for it.
 */
final class JournalHistory implements MessageHistory {
    /** Only the start of a report is searched: the delivery-status part comes before the returned message. */
    private static final int REPORT_SEARCH = 16 * 1024;

    private final Journal journal;

    JournalHistory(Journal journal) {
        this.journal = journal;
    }

    @Override
    public Optional<Story> story(QueueId id) {
        Envelope[] envelope = {null};
        byte[][] content = {null};
        List<JournalEvent> events = new ArrayList<>();
        List<Report> reports = new ArrayList<>();
        byte[] marker = ("X-Tern-Queue-ID: " + id.value()).getBytes(StandardCharsets.US_ASCII);
        journal.replay(event -> {
            if (event instanceof JournalEvent.Accepted a) {
                if (a.id().equals(id)) {
                    if (envelope[0] == null) {
                        envelope[0] = a.envelope();
                        content[0] = a.message();
                    } else {
                        events.add(new JournalEvent.Accepted(a.envelope(), new byte[0])); // carried forward
                    }
                } else if (a.envelope().reversePath().isNull() && contains(a.message(), marker)) {
                    reports.add(new Report(a.id(), a.at(), subject(a.message())));
                }
            } else if (event.id().equals(id)) {
                events.add(event);
            }
        });
        if (envelope[0] == null && events.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Story(envelope[0], content[0], List.copyOf(events), List.copyOf(reports)));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        int end = Math.min(haystack.length, REPORT_SEARCH) - needle.length;
        outer:
        for (int i = 0; i <= end; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            // The whole id, not the start of a longer one.
            int after = i + needle.length;
            if (after >= haystack.length || haystack[after] == '\r' || haystack[after] == '\n') {
                return true;
            }
        }
        return false;
    }

    private static String subject(byte[] message) {
        String head = new String(message, 0, Math.min(message.length, 4096), StandardCharsets.UTF_8);
        for (String line : head.split("\r?\n")) {
            if (line.isEmpty()) {
                break;
            }
            if (line.regionMatches(true, 0, "Subject:", 0, 8)) {
                return line.substring(8).strip();
            }
        }
        return "(no subject)";
    }
}
