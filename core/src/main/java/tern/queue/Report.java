package tern.queue;

import java.util.ArrayList;
import java.util.List;
import tern.dsn.RecipientStatus;
import tern.envelope.Envelope;

/**
 * What one round of attempts on a message has to tell its sender and the operator: the
 * recipients for an NDR, a delay DSN or a success DSN, and why it goes to Badmail.
 */
public final class Report {
    public final Envelope envelope;
    public final List<RecipientStatus> failed = new ArrayList<>();
    public final List<RecipientStatus> delayed = new ArrayList<>();
    public final List<RecipientStatus> succeeded = new ArrayList<>();
    public final List<String> badmailReasons = new ArrayList<>();

    public Report(Envelope envelope) {
        this.envelope = envelope;
    }

    public boolean isEmpty() {
        return failed.isEmpty() && delayed.isEmpty() && succeeded.isEmpty() && badmailReasons.isEmpty();
    }
}
