package tern.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import tern.dsn.Action;
import tern.dsn.RecipientStatus;
import tern.envelope.Envelope;
import tern.journal.JournalEvent;
import tern.journal.JournalEvent.Delivered;
import tern.outcome.Outcome;
import tern.outcome.RecipientOutcome;
import tern.queue.DeliveryPolicy.FailureDecision;
import tern.queue.DeliveryPolicy.Transport;

/**
 * One delivery's outcomes become journal events, by the {@link DeliveryPolicy}: delivered,
 * deferred to the next retry, or failed with an NDR, into Badmail, or silently; and what
 * the sender is to be told goes into the message's {@link Report}. Pure: the queue manager
 * journals the events, folds them in once they are durable, and sends the report.
 */
public final class Settlement {

    /**
     * What to do after one delivery.
     *
     * @param events        to journal, then fold into the state
     * @param log           one line per recipient, for the server log
     * @param deferred      recipients deferred now, with their next attempt: the caller may
     *                      want a timer for a delay notice before then
     */
    public record Result(List<JournalEvent> events, List<LogLine> log, List<Deferral> deferred) {
    }

    /**
     * What the log says about one recipient (Postfix's shape: to, relay, delay, attempts, dsn, status).
     *
     * @param status sent, deferred or bounced
     * @param text   the reply or decision, in words
     * @param next   the next attempt of a deferred recipient, else null
     * @param reason the policy's reason, or null
     */
    public record LogLine(String recipient, String relay, int attempts, String dsn, String status, String text,
                          Instant next, String reason) {
    }

    /** A recipient deferred to {@code nextAttempt}. */
    public record Deferral(String recipient, Instant nextAttempt) {
    }

    private Settlement() {
    }

    /**
     * @param report          where the sender's notices go; null when nobody is to be told
     *                        (e.g. the round is gone)
     * @param noticeUnderWay  whether a delay notice for this recipient is already under way
     */
    public static Result settle(Envelope envelope, Transport transport, List<RecipientOutcome> outcomes,
                                QueueState state, DeliveryPolicy policy, Instant now, Report report,
                                Predicate<String> noticeUnderWay) {
        QueueId id = envelope.id();
        List<JournalEvent> events = new ArrayList<>(outcomes.size());
        List<LogLine> log = new ArrayList<>(outcomes.size());
        List<Deferral> deferred = new ArrayList<>();
        for (RecipientOutcome o : outcomes) {
            String name = o.recipient().address().toString();
            QueueState.RecipientStatus status = state.recipient(id, name).orElse(null);
            if (status == null || status.state() != QueueState.State.PENDING) {
                continue; // deleted meanwhile, or already finished
            }
            int attempts = status.attempts() + 1;
            Outcome outcome = o.outcome();
            if (o.delivered()) {
                events.add(new Delivered(id, now, name, outcome));
                log.add(line(name, outcome, attempts, "sent", outcome.text(), null, null));
                if (report != null && o.recipient().wantsSuccessNotice() && !envelope.reversePath().isNull()) {
                    // RFC 3461 5.2.2: a next hop that speaks DSN carries the request on; else we report.
                    if (transport == Transport.LOCAL) {
                        report.succeeded.add(RecipientStatus.of(o.recipient(), Action.DELIVERED, outcome, now, null));
                    } else if (!o.nextHopOffersDsn()) {
                        report.succeeded.add(RecipientStatus.of(o.recipient(), Action.RELAYED, outcome, now, null));
                    }
                }
                continue;
            }
            FailureDecision decision = o.isTransient()
                    ? policy.afterTransientFailure(envelope, o.recipient(), transport, attempts, outcome)
                    : policy.afterPermanentFailure(envelope, o.recipient(), outcome);
            events.add(decision.event());
            switch (decision) {
                case DeliveryPolicy.Defer d -> {
                    log.add(line(name, outcome, attempts, "deferred", outcome.text(), d.event().nextAttempt(), d.reason()));
                    deferred.add(new Deferral(name, d.event().nextAttempt()));
                    if (report != null && policy.delayNoticeDue(envelope, status, transport)
                            && !noticeUnderWay.test(name)) {
                        events.add(policy.delayNotice(id, name));
                        Instant expires = policy.expiresAt(envelope, transport);
                        Instant next = d.event().nextAttempt();
                        report.delayed.add(RecipientStatus.of(o.recipient(), Action.DELAYED, outcome, now,
                                next.isAfter(expires) ? next : expires));
                    }
                }
                case DeliveryPolicy.FailWithNdr f -> {
                    log.add(failed(name, outcome, attempts, f));
                    if (report != null) {
                        report.failed.add(RecipientStatus.of(o.recipient(), Action.FAILED, f.event().outcome(), now, null));
                    }
                }
                case DeliveryPolicy.FailToBadmail b -> {
                    log.add(failed(name, outcome, attempts, b));
                    if (report != null) {
                        report.badmailReasons.add("<" + name + ">: " + b.event().reply() + " (relay "
                                + outcome.relay() + ", " + now + ")");
                    }
                }
                case DeliveryPolicy.FailSilently f -> log.add(failed(name, outcome, attempts, f));
            }
        }
        return new Result(events, log, deferred);
    }

    private static LogLine failed(String name, Outcome attempt, int attempts, FailureDecision decision) {
        JournalEvent.Failed event = (JournalEvent.Failed) decision.event();
        return new LogLine(name, attempt.relay(), attempts, event.outcome().status().toString(), "bounced",
                event.reply(), null, decision.reason());
    }

    private static LogLine line(String name, Outcome outcome, int attempts, String status, String text, Instant next,
                                String reason) {
        return new LogLine(name, outcome.relay(), attempts, outcome.status().toString(), status, text, next, reason);
    }
}
