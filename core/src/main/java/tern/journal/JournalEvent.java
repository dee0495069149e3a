package tern.journal;

import java.time.Instant;
import java.util.List;
import tern.envelope.Envelope;
import tern.outcome.Outcome;
import tern.outcome.RemoteReply;
import tern.queue.QueueId;

/**
 * What the journal records. The queue state is the fold of these events in order,
 * so every decision that changes a message's fate is one of them.
 *
 * <p>Recipients are named by their forward-path as text ({@code Mailbox.toString()}),
 * which is unique within a message: the SMTP session drops duplicate RCPTs.
 *
 * <p>An {@link Accepted} for an id that is already known starts that message's state
 * afresh. Journal retention relies on it: to free an old cycle file it copies a pending
 * message forward as its Accepted event followed by the latest outcome event of each
 * recipient, and replaying old and new cycles, or the new one alone, gives the same state.
 *
 * <p>Outcome events carry an {@link Outcome}: who decided (a remote server or Tern) and
 * what. {@code relay()} and {@code reply()} are its text forms, as logs and older journals
 * have them.
 */
public sealed interface JournalEvent {

    QueueId id();

    Instant at();

    /** A message answered with 250: its envelope and its bytes (our Received header included). */
    record Accepted(Envelope envelope, byte[] message) implements JournalEvent {
        @Override
        public QueueId id() {
            return envelope.id();
        }

        @Override
        public Instant at() {
            return envelope.arrival();
        }
    }

    /** One recipient delivered: to a Maildir (a local decision) or to a remote server (its reply). */
    record Delivered(QueueId id, Instant at, String recipient, Outcome outcome) implements JournalEvent {
        /** From the text forms an older journal kept. */
        public Delivered(QueueId id, Instant at, String recipient, String relay, String reply) {
            this(id, at, recipient, Outcome.legacy(relay, reply));
        }

        public String relay() {
            return outcome.relay();
        }

        public String reply() {
            return outcome.text();
        }
    }

    /** One recipient failed for now; it is due again at {@code nextAttempt}. */
    record Deferred(QueueId id, Instant at, String recipient, Outcome outcome, int attempts, Instant nextAttempt)
            implements JournalEvent {
        /** From the text forms an older journal kept. */
        public Deferred(QueueId id, Instant at, String recipient, String relay, String reply, int attempts,
                        Instant nextAttempt) {
            this(id, at, recipient, Outcome.legacy(relay, reply), attempts, nextAttempt);
        }

        public String relay() {
            return outcome.relay();
        }

        public String reply() {
            return outcome.text();
        }
    }

    /** One recipient failed for good (5xx, expiration, retry limit); {@code outcome} says why and who said so. */
    record Failed(QueueId id, Instant at, String recipient, Outcome outcome) implements JournalEvent {
        /** From the text forms an older journal kept. */
        public Failed(QueueId id, Instant at, String recipient, String relay, String reply) {
            this(id, at, recipient, Outcome.legacy(relay, reply));
        }

        public String relay() {
            return outcome.relay();
        }

        public String reply() {
            return outcome.text();
        }
    }

    /** A delay DSN was queued for this recipient, so it is never sent twice. */
    record DelayNotified(QueueId id, Instant at, String recipient) implements JournalEvent {
    }

    /** The message went to the Badmail directory; nothing remains pending for it. */
    record Badmailed(QueueId id, Instant at, String reason) implements JournalEvent {
    }

    /** An operator asked for every pending recipient to be due now. */
    record RetryRequested(QueueId id, Instant at) implements JournalEvent {
    }

    /**
     * {@code recipients} of the message were handed to another MTA ({@code tern queue evacuate})
     * and it answered {@code reply} with 250 for the message: they are finished here, like a
     * delivery, but no DSN is due for them; the MTA that took them over owes those now.
     */
    record HandedOver(QueueId id, Instant at, List<String> recipients, RemoteReply reply) implements JournalEvent {
        public HandedOver {
            recipients = List.copyOf(recipients);
            if (recipients.isEmpty()) {
                throw new IllegalArgumentException("a hand-over names at least one recipient");
            }
            java.util.Objects.requireNonNull(reply, "reply");
        }

        /** The MTA that took them, {@code host[address]:port}. */
        public String peer() {
            return reply.relay();
        }
    }
}
