package tern.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tern.envelope.Envelope;
import tern.journal.JournalEvent;
import tern.journal.JournalEvent.DelayNotified;
import tern.journal.JournalEvent.Deferred;
import tern.journal.JournalEvent.Delivered;
import tern.journal.JournalEvent.Failed;
import tern.outcome.Outcome;
import tern.queue.QueueState.QueuedMessage;
import tern.queue.QueueState.RecipientStatus;
import tern.queue.QueueState.State;

/** What the queue state's compact form reads back as: views for the queue tools, events for retention. */
final class MessageViews {

    private final SharedWords words;
    private final SharedOutcomes outcomes;

    MessageViews(SharedWords words, SharedOutcomes outcomes) {
        this.words = words;
        this.outcomes = outcomes;
    }

    Envelope envelope(HeldMessage m) {
        return m.envelope(words);
    }

    QueuedMessage view(HeldMessage m) {
        Envelope envelope = m.envelope(words);
        List<RecipientStatus> recipients = new ArrayList<>(m.recipients());
        for (int i = 0; i < m.recipients(); i++) {
            recipients.add(view(m, envelope, i));
        }
        return new QueuedMessage(envelope, m.size, List.copyOf(recipients));
    }

    RecipientStatus view(HeldMessage m, Envelope envelope, int i) {
        State state = switch (m.state(i)) {
            case HeldMessage.DELIVERED -> State.DELIVERED;
            case HeldMessage.FAILED -> State.FAILED;
            default -> State.PENDING;
        };
        Outcome outcome = m.outcome(i, outcomes);
        return new RecipientStatus(envelope.recipients().get(i), m.name(i), state, m.attempts(i),
                state == State.PENDING ? Instant.ofEpochMilli(m.nextDue(i)) : null, instant(m.lastAttempt(i)),
                outcome == null ? null : outcome.relay(), outcome == null ? null : outcome.text(),
                m.delayNotifiedAt(i) != HeldMessage.NEVER, outcome);
    }

    List<JournalEvent> carryForward(HeldMessage m) {
        QueueId id = m.id;
        List<JournalEvent> events = new ArrayList<>(m.recipients());
        for (int i = 0; i < m.recipients(); i++) {
            String name = m.name(i);
            Instant last = instant(m.lastAttempt(i));
            Outcome outcome = m.outcome(i, outcomes);
            if (m.attempts(i) > 0) {
                // Delivered and Failed carry no attempt count: a Deferred first brings it along.
                events.add(new Deferred(id, last, name, outcome, m.attempts(i), Instant.ofEpochMilli(m.nextDue(i))));
            }
            switch (m.state(i)) {
                case HeldMessage.DELIVERED -> events.add(new Delivered(id, last, name, outcome));
                case HeldMessage.FAILED -> events.add(new Failed(id, last, name, outcome));
                default -> { }
            }
            if (m.delayNotifiedAt(i) != HeldMessage.NEVER) {
                events.add(new DelayNotified(id, Instant.ofEpochMilli(m.delayNotifiedAt(i)), name));
            }
        }
        return events;
    }

    private static Instant instant(long millis) {
        return millis == HeldMessage.NEVER ? null : Instant.ofEpochMilli(millis);
    }
}
