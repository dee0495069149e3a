package tern.delivery;

import java.util.ArrayList;
import java.util.List;
import tern.dsn.RecipientStatus;
import tern.envelope.Envelope;

/**
 * What one round of attempts on a message has to tell its sender and the operator: the
 * recipients for an NDR, a delay DSN or a success DSN, and why it goes to Badmail.
 */
final class Report {
    final Envelope envelope;
    final List<RecipientStatus> failed = new ArrayList<>();
    final List<RecipientStatus> delayed = new ArrayList<>();
    final List<RecipientStatus> succeeded = new ArrayList<>();
    final List<String> badmailReasons = new ArrayList<>();

    Report(Envelope envelope) {
        this.envelope = envelope;
    }

    boolean isEmpty() {
        return failed.isEmpty() && delayed.isEmpty() && succeeded.isEmpty() && badmailReasons.isEmpty();
    }
}
