package tern.admin.console;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import tern.envelope.Envelope;
import tern.journal.JournalEvent;
import tern.queue.QueueId;

/** A message's story as the journal keeps it, supplied by the running server. */
public interface MessageHistory {

    /** A delivery status notification queued about the message. */
    record Report(QueueId id, Instant at, String subject) {
    }

    /**
     * @param envelope the envelope; null when the journal no longer holds the Accepted event
     * @param content  the message as queued (our Received header included); null likewise
     * @param events   every retained event of the message but its Accepted, oldest first
     * @param reports  the reports (NDR, delay, success) queued about it
     */
    record Story(Envelope envelope, byte[] content, List<JournalEvent> events, List<Report> reports) {
    }

    /** Empty when the journal holds nothing about {@code id}. */
    Optional<Story> story(QueueId id);
}
