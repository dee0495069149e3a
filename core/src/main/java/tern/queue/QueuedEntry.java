package tern.queue;

import tern.envelope.Envelope;
import tern.outcome.Outcome;

/**
 * The queue state's own records of a message and its recipients. Kept small: a million of
 * them must fit in a modest heap. Only {@link QueueState} reads and writes them.
 */
final class QueuedEntry {

    static final byte PENDING = 0;
    static final byte DELIVERED = 1;
    static final byte FAILED = 2;
    static final long NEVER = Long.MIN_VALUE;

    private QueuedEntry() {
    }

    /** A queued message. Kept small: a million of them must fit in a modest heap. */
    static final class Message {
        final Envelope envelope;
        final long size;
        final Rcpt[] recipients;
        int pending;

        Message(Envelope envelope, long size, Rcpt[] recipients) {
            this.envelope = envelope;
            this.size = size;
            this.recipients = recipients;
            this.pending = recipients.length;
        }

        Rcpt find(String name) {
            for (Rcpt r : recipients) {
                if (r.name.equals(name)) {
                    return r;
                }
            }
            return null;
        }
    }

    /** One recipient's state; times in epoch milliseconds, {@link #NEVER} when unset. */
    static final class Rcpt {
        final String name;
        byte state = PENDING;
        int attempts;
        long nextDue;
        long lastAttempt = NEVER;
        long delayNotifiedAt = NEVER;
        boolean noticeScheduled;
        Outcome outcome;

        Rcpt(String name, long nextDue) {
            this.name = name;
            this.nextDue = nextDue;
        }
    }
}
