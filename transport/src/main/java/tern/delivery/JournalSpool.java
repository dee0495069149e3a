package tern.delivery;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import tern.envelope.Envelope;
import tern.jfr.MessageAccepted;
import tern.journal.JournalEvent.Accepted;
import tern.metrics.TernMetrics;
import tern.queue.Spool;

/**
 * The SMTP server's way into the queue: a message is durable once its Accepted event is
 * journaled, and only then handed to the queue manager (and answered with 250 by the session).
 */
public final class JournalSpool implements Spool {

    private final EventLog journal;
    private final MessageBodies bodies;
    private final QueueManager runner;
    private final TernMetrics metrics;

    public JournalSpool(EventLog journal, MessageBodies bodies, QueueManager runner, TernMetrics metrics) {
        this.journal = journal;
        this.bodies = bodies;
        this.runner = runner;
        this.metrics = metrics;
    }

    @Override
    public CompletionStage<Void> accept(Envelope envelope, byte[] message) {
        var event = new MessageAccepted();
        event.begin();
        var accepted = new Accepted(envelope, message);
        // In memory from the start: the first delivery attempt follows within milliseconds.
        bodies.keep(envelope.id(), message);
        return journal.appendLocated(accepted).whenComplete((index, error) -> {
            if (error != null) {
                bodies.forget(envelope.id());
                return;
            }
            bodies.located(envelope.id(), index);
            event.end();
            if (event.shouldCommit()) {
                event.queueId = envelope.id().value();
                event.client = envelope.clientAddress();
                event.recipients = envelope.recipients().size();
                event.size = message.length;
                event.commit();
            }
            metrics.messageAccepted();
            runner.arrived(accepted);
        }).thenApply(index -> null);
    }
}
