package tern.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import tern.dsn.Action;
import tern.dsn.RecipientStatus;
import tern.envelope.Envelope;
import tern.logging.MailLogLine;
import tern.outcome.LocalDecision;
import tern.outcome.Outcome;
import tern.queue.DeliveryPolicy;
import tern.queue.DeliveryPolicy.Transport;
import tern.queue.QueueId;
import tern.queue.QueueState;
import tern.queue.Report;
import tern.route.Route;
import tern.smtp.Reply;

/**
 * Delay notices that fall between two attempts: without them the notice would wait for the
 * next retry (with the default schedule, 13h45m instead of 12h). Each is an entry in the
 * queue's one scheduler, next to the retries; a restart rebuilds them from the state. Runs
 * on the queue manager's thread.
 */
final class DelayNotices {

    private static final Outcome NOT_YET = LocalDecision.of(LocalDecision.Reason.UNKNOWN,
            new Reply(451, "4.4.7", "not delivered yet"));

    private final QueueManager manager;
    /** Delay notices queued but not yet folded into the state: never a second one meanwhile. */
    private final Set<String> underWay = new HashSet<>();

    DelayNotices(QueueManager manager) {
        this.manager = manager;
    }

    /** After a start: a timer for every deferred recipient whose notice falls before its next attempt. */
    void load() {
        // One message at a time: a list of a million views would cost more than the queue itself.
        manager.state.forEachMessage(m -> {
            for (QueueState.RecipientStatus r : m.recipients()) {
                if (r.state() == QueueState.State.PENDING && r.attempts() > 0 && r.nextAttempt() != null) {
                    watch(m.envelope(), r, transport(r), r.nextAttempt());
                }
            }
        });
    }

    /** A recipient was deferred to {@code nextAttempt}: a timer for its notice if that falls due before. */
    void watch(Envelope envelope, String name, Transport transport, Instant nextAttempt) {
        watch(envelope, manager.state.recipient(envelope.id(), name).orElse(null), transport, nextAttempt);
    }

    private void watch(Envelope envelope, QueueState.RecipientStatus status, Transport transport, Instant nextAttempt) {
        DeliveryPolicy policy = manager.settings.policy();
        Instant at = policy.delayNoticeAt(envelope, transport);
        if (status != null && !status.delayNotified() && !envelope.reversePath().isNull()
                && status.recipient().wantsDelayNotice() && at.isBefore(nextAttempt)) {
            Instant now = manager.clock.instant();
            manager.state.scheduleNotice(envelope.id(), status.name(), at.isAfter(now) ? at : now); // overdue: at once
        }
    }

    boolean underWay(QueueId id, String name) {
        return underWay.contains(id + " " + name);
    }

    /** A notice's time came: send it, unless the recipient was delivered, failed or notified meanwhile. */
    void fire(Envelope envelope, String name, Instant now) {
        QueueState.RecipientStatus status = manager.state.recipient(envelope.id(), name).orElse(null);
        DeliveryPolicy policy = manager.settings.policy();
        if (status == null) {
            return;
        }
        Transport transport = transport(status);
        String key = envelope.id() + " " + name;
        if (!policy.delayNoticeDue(envelope, status, transport) || !underWay.add(key)) {
            return;
        }
        var notice = policy.delayNotice(envelope.id(), name);
        var report = new Report(envelope);
        Instant until = policy.expiresAt(envelope, transport);
        Outcome last = status.lastOutcome() != null ? status.lastOutcome() : NOT_YET;
        report.delayed.add(RecipientStatus.of(status.recipient(), Action.DELAYED, last,
                status.lastAttempt() == null ? now : status.lastAttempt(),
                status.nextAttempt() != null && status.nextAttempt().isAfter(until) ? status.nextAttempt() : until));
        MailLogLine.about(envelope.id()).address("to", name).delay(Duration.between(envelope.arrival(), now))
                .status("delayed", "undelivered for " + Duration.between(envelope.arrival(), now))
                .address("noticeTo", envelope.reversePath()).info(QueueManager.log);
        manager.journal.append(notice).whenComplete((v, error) -> manager.post(() -> {
            underWay.remove(key);
            if (error == null) {
                manager.state.apply(notice);
                manager.rounds.send(report, false);
            }
        }));
    }

    private Transport transport(QueueState.RecipientStatus r) {
        try {
            return manager.settings.router().route(r.recipient().address()) instanceof Route.Local
                    ? Transport.LOCAL : Transport.REMOTE;
        } catch (IllegalArgumentException unroutable) {
            return Transport.REMOTE;
        }
    }
}
