package tern.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import tern.envelope.Envelope;
import tern.journal.JournalEvent;
import tern.journal.JournalEvent.Accepted;
import tern.logging.MailLogLine;
import tern.outcome.RecipientOutcome;
import tern.queue.DeliveryPolicy.Transport;
import tern.queue.QueueId;
import tern.queue.QueueState;
import tern.queue.Report;
import tern.queue.Settlement;

/**
 * A message's round of deliveries: the outcomes of each are settled and journaled as they
 * come, and when the last delivery of the round has reported, its report (NDR, delay or
 * success DSN, Badmail) goes out, so that recipients that failed together share one NDR.
 * Runs on the queue manager's thread; the {@link Notifier} builds reports on a worker, and
 * what it built is journaled back here.
 */
final class Rounds {

    private final QueueManager m;
    private final Map<QueueId, Round> rounds = new HashMap<>();

    Rounds(QueueManager manager) {
        this.m = manager;
    }

    /** One more delivery of this message under way in its round. */
    void begin(Envelope envelope) {
        rounds.computeIfAbsent(envelope.id(), id -> new Round(envelope)).deliveries++;
    }

    /** A delivery of this message is under way, or its outcomes are not journaled yet. */
    boolean busy(QueueId id) {
        return rounds.containsKey(id);
    }

    /** A message's deliveries under way in this round, and what they have reported so far. */
    private static final class Round {
        int deliveries;
        final Report report;

        Round(Envelope envelope) {
            this.report = new Report(envelope);
        }
    }

    /** On the owner thread: outcomes become journal events, decided by the delivery policy. */
    void settle(Envelope envelope, Transport transport, List<RecipientOutcome> outcomes) {
        QueueId id = envelope.id();
        Round round = rounds.get(id);
        Instant now = m.clock.instant();
        QueueManager.Settings s = m.settings;
        var result = Settlement.settle(envelope, transport, outcomes, m.state, s.policy(), now,
                round == null ? null : round.report, name -> m.notices.underWay(id, name));
        for (Settlement.LogLine l : result.log()) {
            MailLogLine line = MailLogLine.about(id).address("to", l.recipient()).field("relay", l.relay())
                    .delay(Duration.between(envelope.arrival(), now)).field("attempts", l.attempts()).field("dsn", l.dsn());
            if (l.next() != null) {
                line.status(l.status(), l.text()).field("next", l.next(), l.reason());
            } else if (l.reason() != null) {
                line.status(l.status(), l.text(), l.reason());
            } else {
                line.status(l.status(), l.text());
            }
            line.info(QueueManager.log);
        }
        for (JournalEvent e : result.events()) {
            switch (e) {
                case JournalEvent.Delivered d -> m.metrics.recipientDelivered(Duration.between(envelope.arrival(), now));
                case JournalEvent.Deferred d -> m.metrics.recipientDeferred();
                case JournalEvent.Failed f -> m.metrics.recipientFailed();
                default -> { }
            }
        }
        CompletableFuture<?>[] writes = result.events().stream().map(m.journal::append).toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(writes).whenComplete((v, error) -> m.post(() -> {
            if (error == null) {
                result.events().forEach(m.state::apply);
                for (Settlement.Deferral d : result.deferred()) {
                    m.notices.watch(envelope, d.recipient(), transport, d.nextAttempt());
                }
            } else {
                QueueManager.log.error("{}: journal write failed, recipients retried in {}: {}", id,
                        QueueManager.JOURNAL_RETRY, error.toString());
                Instant retryAt = m.clock.instant().plus(QueueManager.JOURNAL_RETRY);
                for (RecipientOutcome o : outcomes) {
                    String name = o.recipient().address().toString();
                    if (m.state.recipient(id, name).map(r -> r.state() == QueueState.State.PENDING).orElse(false)) {
                        m.state.scheduler().schedule(id, name, retryAt);
                    }
                }
            }
            finishDelivery(id);
        }));
    }

    /** The last delivery of a round has reported: send its reports, badmail what must be, forget the bytes. */
    private void finishDelivery(QueueId id) {
        Round round = rounds.get(id);
        if (round == null || --round.deliveries > 0) {
            return;
        }
        rounds.remove(id);
        m.handOvers.roundEnded(id);
        boolean finished = !m.state.isPending(id);
        if (!finished) {
            m.bodies.spill(id); // waits for a retry: the journal has the bytes
        }
        if (round.report.isEmpty()) {
            if (finished) {
                m.bodies.forget(id);
            }
            return;
        }
        send(round.report, finished);
    }

    /** Builds a report's DSNs on a worker; journals them (and the Badmailed) here. */
    void send(Report report, boolean finished) {
        QueueManager.Settings s = m.settings;
        QueueId id = report.envelope.id();
        m.workers.execute(() -> {
            Notifier.Notices notices = m.notifier.prepare(report, finished, s);
            m.post(() -> {
                journalNotices(notices);
                if (finished && notices.badmailed() == null && !m.state.isPending(id)) {
                    m.bodies.forget(id);
                }
            });
        });
    }

    private void journalNotices(Notifier.Notices n) {
        for (Notifier.Queued queued : n.reports()) {
            Accepted accepted = queued.accepted();
            m.journal.appendLocated(accepted).whenComplete((index, error) -> m.post(() -> {
                if (error == null) {
                    m.bodies.located(accepted.id(), index);
                    MailLogLine.about(accepted.id()).field("about", n.about())
                            .address("to", accepted.envelope().recipients().getFirst().address())
                            .status("queued", queued.subject()).info(QueueManager.log);
                    m.state.apply(accepted);
                } else {
                    m.bodies.forget(accepted.id());
                    QueueManager.log.error("{}: could not journal the report about {}: {}", accepted.id(), n.about(),
                            error.toString());
                }
            }));
        }
        if (n.badmailed() != null) {
            m.journal.append(n.badmailed()).whenComplete((v, error) -> m.post(() -> {
                if (error == null) {
                    m.state.apply(n.badmailed());
                    m.bodies.forget(n.about());
                }
            }));
        }
    }
}
