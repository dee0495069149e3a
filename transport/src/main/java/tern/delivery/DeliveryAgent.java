package tern.delivery;

import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.jfr.DeliveryAttempt;
import tern.outcome.LocalDecision;
import tern.outcome.Outcome;
import tern.outcome.RecipientOutcome;
import tern.queue.Dispatch;
import tern.route.Route;
import tern.smtp.Reply;

/**
 * One delivery: some recipients of one message to one destination, in one transaction, on a
 * virtual thread. Blocking, and never touching the queue state: it returns one outcome per
 * recipient, and the queue manager settles them. Whatever goes wrong becomes an outcome, so
 * a delivery always reports.
 */
final class DeliveryAgent {

    private static final Logger log = LoggerFactory.getLogger("tern.delivery");

    static final Outcome UNROUTABLE = LocalDecision.of(LocalDecision.Reason.UNROUTABLE,
            new Reply(550, "5.1.2", "domain cannot be routed"));
    private static final Outcome INTERRUPTED = LocalDecision.of(LocalDecision.Reason.INTERRUPTED,
            new Reply(451, "4.3.2", "delivery interrupted by shutdown"));
    private static final Outcome INTERNAL_ERROR = LocalDecision.of(LocalDecision.Reason.INTERNAL,
            new Reply(451, "4.3.0", "local error in processing"));

    private final MessageBodies bodies;
    private final LocalDelivery local;

    DeliveryAgent(MessageBodies bodies, LocalDelivery local) {
        this.bodies = bodies;
        this.local = local;
    }

    List<RecipientOutcome> deliver(Dispatch.Job job, Envelope envelope, RemoteDelivery remote) {
        var event = new DeliveryAttempt();
        event.begin();
        List<RecipientOutcome> outcomes;
        try {
            byte[] message = bodies.read(envelope.id());
            outcomes = job.route() instanceof Route.Local
                    ? local.deliver(envelope, job.recipients(), message)
                    : remote.deliver(job.route(), envelope, job.recipients(), message);
        } catch (IOException | RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                outcomes = everyone(job.recipients(), INTERRUPTED);
            } else {
                log.error("{}: delivery attempt failed", envelope.id(), e);
                outcomes = everyone(job.recipients(), INTERNAL_ERROR);
            }
        }
        event.end();
        if (event.shouldCommit()) {
            event.queueId = envelope.id().value();
            event.destination = outcomes.isEmpty() ? job.destination().name() : outcomes.getFirst().relay();
            event.recipients = job.recipients().size();
            event.outcome = summary(outcomes);
            event.reply = outcomes.isEmpty() ? null : outcomes.getFirst().outcome().text();
            event.commit();
        }
        return outcomes;
    }

    static List<RecipientOutcome> everyone(List<Recipient> recipients, Outcome outcome) {
        return recipients.stream().map(r -> new RecipientOutcome(r, outcome, false)).toList();
    }

    private static String summary(List<RecipientOutcome> outcomes) {
        boolean delivered = false;
        boolean deferred = false;
        boolean failed = false;
        for (RecipientOutcome o : outcomes) {
            delivered |= o.delivered();
            deferred |= o.isTransient();
            failed |= o.outcome().isPermanent();
        }
        int kinds = (delivered ? 1 : 0) + (deferred ? 1 : 0) + (failed ? 1 : 0);
        return kinds > 1 ? "mixed" : delivered ? "delivered" : deferred ? "deferred" : "failed";
    }
}
