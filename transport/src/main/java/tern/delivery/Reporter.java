package tern.delivery;

import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.address.Mailbox;
import tern.badmail.Badmail;
import tern.dsn.DeliveryStatusNotification;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.header.HopCount;
import tern.journal.JournalEvent.Accepted;
import tern.journal.JournalEvent.Badmailed;
import tern.logging.MailLogLine;
import tern.metrics.TernMetrics;
import tern.queue.QueueId;
import tern.queue.QueueIdGenerator;

/**
 * Sends a {@link Report}: each DSN is built (RFC 3464) and queued like any message, journaled
 * first; a Badmail entry is written with its reason. Runs on a delivery worker, since it reads
 * the original message and writes files.
 */
final class Reporter {

    private static final Logger log = LoggerFactory.getLogger("tern.delivery");

    private final InstantSource clock;
    private final EventLog journal;
    private final MessageBodies bodies;
    private final Badmail badmail;
    private final QueueIdGenerator ids;
    private final TernMetrics metrics;
    private final Consumer<Accepted> queue;

    /** @param queue where a journaled report goes next: the queue runner's arrivals */
    Reporter(InstantSource clock, EventLog journal, MessageBodies bodies, Badmail badmail, QueueIdGenerator ids,
             TernMetrics metrics, Consumer<Accepted> queue) {
        this.clock = clock;
        this.journal = journal;
        this.bodies = bodies;
        this.badmail = badmail;
        this.ids = ids;
        this.metrics = metrics;
        this.queue = queue;
    }

    /**
     * Reads the original once and sends everything {@code report} holds.
     *
     * @param finished whether the message has no pending recipient left: only then is a
     *                 Badmailed event journaled (it takes the message out of the queue)
     */
    void send(Report report, boolean finished, QueueRunner.Settings s) {
        Envelope envelope = report.envelope;
        QueueId id = envelope.id();
        try {
            byte[] original = bodies.read(id);
            var builder = new DeliveryStatusNotification.Builder(s.fqdn(), clock);
            if (!report.failed.isEmpty()) {
                queue(builder.build(ids.next(), envelope, original, report.failed), s.ndrCopyTo(), s, id);
                metrics.nonDeliveryReportSent();
            }
            if (!report.delayed.isEmpty()) {
                queue(builder.build(ids.next(), envelope, original, report.delayed), null, s, id);
                metrics.delayNotificationSent();
            }
            if (!report.succeeded.isEmpty()) {
                queue(builder.build(ids.next(), envelope, original, report.succeeded), null, s, id);
            }
            if (!report.badmailReasons.isEmpty()) {
                Instant now = clock.instant();
                String reason = String.join("\n", report.badmailReasons);
                badmail.store(envelope, original, reason, now);
                MailLogLine.about(id).status("badmailed", reason).info(log);
                metrics.messageBadmailed();
                if (finished) {
                    journal.append(new Badmailed(id, now, reason));
                }
            }
        } catch (IOException | RuntimeException e) {
            log.error("{}: could not report the outcome", id, e);
        }
    }

    private void queue(DeliveryStatusNotification dsn, Mailbox copyTo, QueueRunner.Settings s, QueueId about)
            throws IOException {
        Envelope envelope = copyTo == null ? dsn.envelope() : withCopyTo(dsn.envelope(), copyTo);
        if (HopCount.count(dsn.message(), 0, dsn.message().length) > s.maxHopCount()) {
            // A report that itself looks like a loop is not sent anywhere.
            badmail.store(envelope, dsn.message(), "report about " + about + " exceeds the hop count limit of "
                    + s.maxHopCount(), clock.instant());
            MailLogLine.about(envelope.id()).status("badmailed", "report about " + about + " exceeds the hop count")
                    .info(log);
            metrics.messageBadmailed();
            return;
        }
        var accepted = new Accepted(envelope, dsn.message());
        bodies.keep(envelope.id(), dsn.message());
        journal.appendLocated(accepted).whenComplete((index, error) -> {
            if (error == null) {
                bodies.located(accepted.id(), index);
                MailLogLine.about(envelope.id()).field("about", about).address("to",
                        dsn.envelope().recipients().getFirst().address()).status("queued", dsn.subject()).info(log);
                queue.accept(accepted);
            } else {
                bodies.forget(accepted.id());
                log.error("{}: could not journal the report about {}: {}", accepted.id(), about, error.toString());
            }
        });
    }

    /** The NDR's envelope with the administrator's copy (delivery.ndrCopyTo) as a second recipient. */
    private static Envelope withCopyTo(Envelope envelope, Mailbox copyTo) {
        var recipients = new ArrayList<>(envelope.recipients());
        recipients.add(Recipient.of(copyTo));
        return new Envelope(envelope.id(), envelope.reversePath(), recipients, envelope.body(),
                envelope.smtpUtf8(), envelope.ret(), envelope.envId(), envelope.declaredSize(),
                envelope.clientAddress(), envelope.heloName(), envelope.arrival());
    }
}
