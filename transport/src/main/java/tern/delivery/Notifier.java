package tern.delivery;

import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
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
import tern.queue.Report;

/**
 * Turns a {@link Report} into what the sender and the operator get: each DSN built (RFC 3464)
 * as a message to queue, and the Badmail entry written with its reason. Runs on a delivery
 * worker, since it reads the original message and writes files; what is to be journaled goes
 * back to the queue manager, the only writer of queue events.
 */
final class Notifier {

    private static final Logger log = LoggerFactory.getLogger("tern.delivery");

    /**
     * What the queue manager journals for a report.
     *
     * @param reports   the DSNs, each a message to queue (their bytes are kept in the bodies already)
     * @param badmailed the Badmailed event that takes the message out of the queue, or null
     */
    record Notices(QueueId about, List<Queued> reports, Badmailed badmailed) {
    }

    /** A DSN to queue, and its Subject for the log. */
    record Queued(Accepted accepted, String subject) {
    }

    private final InstantSource clock;
    private final MessageBodies bodies;
    private final Badmail badmail;
    private final QueueIdGenerator ids;
    private final TernMetrics metrics;

    Notifier(InstantSource clock, MessageBodies bodies, Badmail badmail, QueueIdGenerator ids, TernMetrics metrics) {
        this.clock = clock;
        this.bodies = bodies;
        this.badmail = badmail;
        this.ids = ids;
        this.metrics = metrics;
    }

    /**
     * Reads the original once and prepares everything {@code report} holds.
     *
     * @param finished whether the message has no pending recipient left: only then does a
     *                 Badmail entry come with a Badmailed event (it takes the message out of the queue)
     */
    Notices prepare(Report report, boolean finished, QueueManager.Settings s) {
        Envelope envelope = report.envelope;
        QueueId id = envelope.id();
        List<Queued> reports = new ArrayList<>(2);
        Badmailed badmailed = null;
        try {
            byte[] original = bodies.read(id);
            var builder = new DeliveryStatusNotification.Builder(s.fqdn(), clock);
            if (!report.failed.isEmpty()) {
                add(builder.build(ids.next(), envelope, original, report.failed), s.ndrCopyTo(), s, id, reports);
                metrics.nonDeliveryReportSent();
            }
            if (!report.delayed.isEmpty()) {
                add(builder.build(ids.next(), envelope, original, report.delayed), null, s, id, reports);
                metrics.delayNotificationSent();
            }
            if (!report.succeeded.isEmpty()) {
                add(builder.build(ids.next(), envelope, original, report.succeeded), null, s, id, reports);
            }
            if (!report.badmailReasons.isEmpty()) {
                Instant now = clock.instant();
                String reason = String.join("\n", report.badmailReasons);
                badmail.store(envelope, original, reason, now);
                MailLogLine.about(id).status("badmailed", reason).info(log);
                metrics.messageBadmailed();
                if (finished) {
                    badmailed = new Badmailed(id, now, reason);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.error("{}: could not report the outcome", id, e);
        }
        return new Notices(id, reports, badmailed);
    }

    private void add(DeliveryStatusNotification dsn, Mailbox copyTo, QueueManager.Settings s, QueueId about,
                     List<Queued> reports) throws IOException {
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
        bodies.keep(envelope.id(), dsn.message());
        reports.add(new Queued(new Accepted(envelope, dsn.message()), dsn.subject()));
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
