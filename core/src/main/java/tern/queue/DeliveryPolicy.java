package tern.queue;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import tern.config.TernConfig;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.journal.JournalEvent;
import tern.journal.JournalEvent.DelayNotified;
import tern.journal.JournalEvent.Deferred;
import tern.journal.JournalEvent.Failed;
import tern.outcome.LocalDecision;
import tern.outcome.Outcome;
import tern.retry.RetrySchedule;

/**
 * What becomes of a recipient after a failed attempt, and when its sender hears about it:
 * the Delivery tab's retry intervals, retry limit, delay notification and expiration
 * timeout, turned into decisions that carry the journal event to write and the reason why.
 *
 * <p>Pure: no I/O, time from the injected clock. The caller journals {@code event()}, logs
 * {@code reason()}, and for {@link FailWithNdr} / {@link FailToBadmail} queues the NDR or
 * writes the Badmail entry.
 *
 * <p>Choices made here:
 * <ul>
 *   <li>The schedule is capped by the expiration time: the last attempt happens at the moment
 *       the message expires, so a message neither waits a whole "subsequent" interval past its
 *       expiration nor fails before a last try.</li>
 *   <li>Expiration and the retry limit are Tern's own decisions ({@link LocalDecision}), never
 *       dressed up as a server's reply. The recipient keeps the class of its last failure: the
 *       last 4.x.x it got, or 4.4.7 (delivery time expired), with Action: failed, as RFC 3464
 *       allows. The last failure itself travels along, so the NDR can quote the last reply a
 *       server really sent.</li>
 *   <li>A null reverse-path (an NDR or other automatic mail) can never get an NDR: a failure
 *       goes to Badmail, whatever NOTIFY said, so the operator still sees the lost mail.
 *       Otherwise NOTIFY without FAILURE (RFC 3461 4.1) finishes the recipient silently.</li>
 * </ul>
 */
public final class DeliveryPolicy {

    /** Which transport delivers a recipient: the local and remote timeouts differ. */
    public enum Transport {
        LOCAL, REMOTE
    }

    /** The fate of a recipient after a failed attempt. */
    public sealed interface FailureDecision {
        /** The event to journal. */
        JournalEvent event();

        /** Why, in words for the log line. */
        String reason();
    }

    /** Try again later: {@code event().nextAttempt()} says when. */
    public record Defer(Deferred event, String reason) implements FailureDecision {
    }

    /** Failed for good; an NDR goes to the reverse-path. */
    public record FailWithNdr(Failed event, String reason) implements FailureDecision {
    }

    /** Failed for good and nobody can be told (null reverse-path): the message goes to Badmail. */
    public record FailToBadmail(Failed event, String reason) implements FailureDecision {
    }

    /** Failed for good; the sender asked not to be told (NOTIFY without FAILURE). */
    public record FailSilently(Failed event, String reason) implements FailureDecision {
    }

    private final TernConfig.Delivery delivery;
    private final RetrySchedule schedule;
    private final InstantSource clock;

    public DeliveryPolicy(TernConfig.Delivery delivery, InstantSource clock) {
        this.delivery = delivery;
        this.schedule = RetrySchedule.from(delivery.retry());
        this.clock = clock;
    }

    public RetrySchedule schedule() {
        return schedule;
    }

    /** When a recipient of this message stops being retried. */
    public Instant expiresAt(Envelope envelope, Transport transport) {
        return envelope.arrival().plus(expirationTimeout(transport));
    }

    /**
     * After a 4xx reply or a network error, now.
     *
     * @param attempts the attempts made so far, this one included
     * @param outcome  what this attempt got, and who said so
     */
    public FailureDecision afterTransientFailure(Envelope envelope, Recipient recipient, Transport transport,
                                                 int attempts, Outcome outcome) {
        Instant now = clock.instant();
        String name = recipient.address().toString();
        Instant expiry = expiresAt(envelope, transport);
        if (!now.isBefore(expiry)) {
            var expired = LocalDecision.gaveUp(LocalDecision.Reason.EXPIRED,
                    "delivery time expired after " + words(expirationTimeout(transport)), outcome);
            return fail(envelope, recipient, new Failed(envelope.id(), now, name, expired),
                    "expired " + words(expirationTimeout(transport)) + " after arrival");
        }
        var next = schedule.nextAttempt(attempts, now);
        if (next.isEmpty()) {
            var limit = LocalDecision.gaveUp(LocalDecision.Reason.RETRY_LIMIT,
                    "retry limit reached after " + attempts + " attempts", outcome);
            return fail(envelope, recipient, new Failed(envelope.id(), now, name, limit),
                    "retry limit of " + schedule.limit() + " attempts reached");
        }
        Instant at = next.get();
        String why = "attempt " + attempts + " failed for now";
        if (at.isAfter(expiry)) {
            at = expiry;
            why += "; last attempt at expiration";
        } else {
            why += "; next in " + words(schedule.delayAfter(attempts));
        }
        return new Defer(new Deferred(envelope.id(), now, name, outcome, attempts, at), why);
    }

    /** After a 5xx reply or a permanent decision of ours, now: failed, with the outcome kept for the NDR. */
    public FailureDecision afterPermanentFailure(Envelope envelope, Recipient recipient, Outcome outcome) {
        Instant now = clock.instant();
        var event = new Failed(envelope.id(), now, recipient.address().toString(), outcome);
        return fail(envelope, recipient, event, "permanent failure");
    }

    /**
     * Whether a delay DSN is due for this recipient now: it is still pending the
     * delay-notification time after arrival, has not been notified, its sender can be told
     * (not the null reverse-path) and wants to be (RFC 3461: no NOTIFY, or NOTIFY with DELAY).
     * True once: after the caller journals {@link #delayNotice}, the state says notified.
     */
    public boolean delayNoticeDue(Envelope envelope, QueueState.RecipientStatus status, Transport transport) {
        return status.state() == QueueState.State.PENDING
                && !status.delayNotified()
                && !envelope.reversePath().isNull()
                && status.recipient().wantsDelayNotice()
                && !clock.instant().isBefore(delayNoticeAt(envelope, transport));
    }

    /** When a recipient of this message that is still undelivered gets its delay DSN. */
    public Instant delayNoticeAt(Envelope envelope, Transport transport) {
        return envelope.arrival().plus(delayNotification(transport));
    }

    /** The event that records a delay DSN queued for this recipient. */
    public DelayNotified delayNotice(QueueId id, String recipient) {
        return new DelayNotified(id, clock.instant(), recipient);
    }

    private FailureDecision fail(Envelope envelope, Recipient recipient, Failed event, String why) {
        if (envelope.reversePath().isNull()) {
            return new FailToBadmail(event, why + "; null reverse-path, no NDR possible: to Badmail");
        }
        if (!recipient.wantsFailureNotice()) {
            return new FailSilently(event, why + "; NOTIFY=" + recipient.notifyOn() + " asks for no NDR");
        }
        return new FailWithNdr(event, why + "; NDR to <" + envelope.reversePath() + ">");
    }

    private Duration expirationTimeout(Transport transport) {
        return transport == Transport.LOCAL ? delivery.local().expirationTimeout() : delivery.expirationTimeout();
    }

    private Duration delayNotification(Transport transport) {
        return transport == Transport.LOCAL ? delivery.local().delayNotification() : delivery.delayNotification();
    }

    /** 15m, 4h, 2d: as an administrator writes it in the configuration. */
    private static String words(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0 && s > 0) {
            return s / 86_400 + "d";
        }
        if (s % 3_600 == 0 && s > 0) {
            return s / 3_600 + "h";
        }
        if (s % 60 == 0 && s > 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
