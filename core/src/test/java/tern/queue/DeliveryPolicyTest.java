package tern.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static tern.queue.Messages.ALICE;
import static tern.queue.Messages.T0;
import static tern.queue.Messages.accepted;
import static tern.queue.Messages.envelope;
import static tern.queue.Messages.rcpt;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tern.address.ReversePath;
import tern.config.TernConfig;
import tern.envelope.Envelope;
import tern.envelope.Notify;
import tern.envelope.Recipient;
import tern.journal.JournalEvent.Deferred;
import tern.outcome.LocalDecision;
import tern.outcome.Outcome;
import tern.outcome.RemoteReply;
import tern.queue.DeliveryPolicy.Defer;
import tern.queue.DeliveryPolicy.Transport;
import tern.queue.DeliveryPolicy.FailSilently;
import tern.queue.DeliveryPolicy.FailToBadmail;
import tern.queue.DeliveryPolicy.FailWithNdr;
import tern.queue.DeliveryPolicy.FailureDecision;

class DeliveryPolicyTest {

    private static final String GREYLISTED = "451 4.7.1 greylisted, try again later";

    private final FakeClock clock = new FakeClock(T0);

    @Test
    void defaultScheduleTriesAtArrivalThenPlus15m45m105m345m585mAndEvery4hUntilAFinalTryAtExpiration() {
        var policy = new DeliveryPolicy(TernConfig.Delivery.defaults(), clock);
        Recipient bob = rcpt("bob@remote.example");
        Envelope env = envelope("M1", bob);
        var state = new QueueState();
        state.apply(accepted(env));

        List<Long> attemptMinutes = new ArrayList<>();
        FailureDecision decision;
        do {
            Instant due = state.scheduler().nextDue().orElseThrow();
            clock.set(due);
            assertThat(state.scheduler().pollDue(due, 10)).hasSize(1);
            attemptMinutes.add(Duration.between(T0, due).toMinutes());
            int attempts = state.recipient(env.id(), "bob@remote.example").orElseThrow().attempts() + 1;
            decision = policy.afterTransientFailure(env, bob, Transport.REMOTE, attempts, Outcome.legacy("mx.remote.example", GREYLISTED));
            state.apply(decision.event());
        } while (decision instanceof Defer);

        assertThat(attemptMinutes).startsWith(0L, 15L, 45L, 105L, 345L, 585L, 825L);
        assertThat(attemptMinutes).endsWith(2505L, 2745L, 2880L); // 2745 + 240 would pass the 2 days
        assertThat(decision).isInstanceOf(FailWithNdr.class);
        assertThat(decision.event().at()).isEqualTo(T0.plus(Duration.ofDays(2)));
        // Tern's decision, not a reply dressed up as the server's; the class of the last failure stays.
        var expired = (LocalDecision) ((FailWithNdr) decision).event().outcome();
        assertThat(expired.reason()).isEqualTo(LocalDecision.Reason.EXPIRED);
        assertThat(expired.words()).isEqualTo("delivery time expired after 2d");
        assertThat(expired.status()).hasToString("4.7.1");
        assertThat(expired.cause()).isEqualTo(Outcome.legacy("mx.remote.example", GREYLISTED));
        assertThat(state.isPending(env.id())).isFalse();
    }

    @Test
    void aDeferralCarriesTheAttemptsTheReplyAndTheNextAttemptReadyToJournal() {
        var policy = new DeliveryPolicy(TernConfig.Delivery.defaults(), clock);
        Envelope env = envelope("M1", rcpt("bob@remote.example"));
        clock.set(T0.plus(Duration.ofMinutes(45)));
        var decision = policy.afterTransientFailure(env, env.recipients().getFirst(), Transport.REMOTE, 3, Outcome.legacy("mx.remote.example", GREYLISTED));
        assertThat(decision).isInstanceOf(Defer.class);
        assertThat(decision.event()).isEqualTo(new Deferred(env.id(), clock.instant(), "bob@remote.example",
                "mx.remote.example", GREYLISTED, 3, T0.plus(Duration.ofMinutes(105))));
        assertThat(decision.reason()).contains("attempt 3", "next in 1h");
    }

    @Test
    void aRetryLimitOfThreeFailsAfterTheThirdAttemptWithAnNdr() {
        var policy = new DeliveryPolicy(delivery(new TernConfig.Retry(Duration.ofMinutes(15),
                Duration.ofMinutes(30), Duration.ofMinutes(60), Duration.ofMinutes(240), 3)), clock);
        Envelope env = envelope("M1", rcpt("bob@remote.example"));
        Recipient bob = env.recipients().getFirst();

        assertThat(policy.afterTransientFailure(env, bob, Transport.REMOTE, 1, Outcome.legacy("mx", GREYLISTED)))
                .isInstanceOf(Defer.class);
        clock.advance(Duration.ofMinutes(15));
        assertThat(policy.afterTransientFailure(env, bob, Transport.REMOTE, 2, Outcome.legacy("mx", GREYLISTED)))
                .isInstanceOf(Defer.class);
        clock.advance(Duration.ofMinutes(30));
        var third = policy.afterTransientFailure(env, bob, Transport.REMOTE, 3, Outcome.legacy("mx", GREYLISTED));
        assertThat(third).isInstanceOf(FailWithNdr.class);
        var limit = (LocalDecision) ((FailWithNdr) third).event().outcome();
        assertThat(limit.reason()).isEqualTo(LocalDecision.Reason.RETRY_LIMIT);
        assertThat(limit.words()).isEqualTo("retry limit reached after 3 attempts");
        assertThat(limit.cause()).isInstanceOf(RemoteReply.class);
        assertThat(third.reason()).contains("retry limit of 3");
    }

    @Test
    void localRecipientsExpireAfterTheLocalExpirationTimeout() {
        var d = TernConfig.Delivery.defaults();
        var policy = new DeliveryPolicy(new TernConfig.Delivery(d.retry(), d.delayNotification(),
                d.expirationTimeout(), new TernConfig.Local(Duration.ofMinutes(30), Duration.ofHours(1)),
                d.maxHopCount(), null, null, false, null, 25, d.connections(), d.tls(), d.smartHostAuth()), clock);
        Envelope env = envelope("M1", rcpt("carol@example.test"));
        Recipient carol = env.recipients().getFirst();

        clock.set(T0.plus(Duration.ofMinutes(45)));
        var third = policy.afterTransientFailure(env, carol, Transport.LOCAL, 3, Outcome.legacy("local", "disk full"));
        assertThat(third).isInstanceOf(Defer.class);
        assertThat(((Defer) third).event().nextAttempt()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(policy.afterTransientFailure(env, carol, Transport.REMOTE, 3, Outcome.legacy("mx", GREYLISTED)))
                .isInstanceOf(Defer.class);

        clock.set(T0.plus(Duration.ofHours(1)));
        assertThat(policy.afterTransientFailure(env, carol, Transport.LOCAL, 4, Outcome.legacy("local", "disk full")))
                .isInstanceOf(FailWithNdr.class);
        assertThat(policy.afterTransientFailure(env, carol, Transport.REMOTE, 4, Outcome.legacy("mx", GREYLISTED)))
                .isInstanceOf(Defer.class);
    }

    @Test
    void anExpiredRecipientWhoseLastFailureHadNoEnhancedCodeFailsWith447() {
        var policy = new DeliveryPolicy(TernConfig.Delivery.defaults(), clock);
        Envelope env = envelope("M1", rcpt("bob@remote.example"));
        clock.set(T0.plus(Duration.ofDays(2)));
        var plain = policy.afterTransientFailure(env, env.recipients().getFirst(), Transport.REMOTE, 9,
                new RemoteReply(new tern.smtp.Reply(450, null, "mailbox busy"), "mx.remote.example", "[192.0.2.1]:25"));
        assertThat(((FailWithNdr) plain).event().outcome().status()).hasToString("4.4.7");
        var refused = policy.afterTransientFailure(env, env.recipients().getFirst(), Transport.REMOTE, 9,
                new LocalDecision(LocalDecision.Reason.CONNECTION_FAILED,
                        new tern.smtp.Reply(451, "4.4.1", "connection refused by [192.0.2.1]:25"), "[192.0.2.1]:25", null));
        assertThat(((FailWithNdr) refused).event().outcome().status()).hasToString("4.4.1");
        assertThat(((FailWithNdr) refused).event().outcome()).isInstanceOf(LocalDecision.class);
    }

    @Test
    void aPermanentFailureFailsAtOnceAndKeepsTheRemoteReplyForTheNdr() {
        var policy = new DeliveryPolicy(TernConfig.Delivery.defaults(), clock);
        Envelope env = envelope("M1", rcpt("nobody@remote.example"));
        var decision = policy.afterPermanentFailure(env, env.recipients().getFirst(), Outcome.legacy("mx.remote.example", "550 5.1.1 no such user"));
        assertThat(decision).isInstanceOf(FailWithNdr.class);
        assertThat(((FailWithNdr) decision).event().reply()).isEqualTo("550 5.1.1 no such user");
        assertThat(decision.reason()).contains("NDR to <alice@example.test>");
    }

    @Test
    void aFailureOfAMessageWithANullReversePathGoesToBadmail() {
        var policy = new DeliveryPolicy(TernConfig.Delivery.defaults(), clock);
        Envelope env = envelope("M1", ReversePath.NULL, T0, rcpt("nobody@remote.example"));
        var decision = policy.afterPermanentFailure(env, env.recipients().getFirst(), Outcome.legacy("mx", "550 5.1.1 no such user"));
        assertThat(decision).isInstanceOf(FailToBadmail.class);
        assertThat(decision.reason()).contains("null reverse-path");
    }

    @Test
    void anNdrWhoseOwnRetriesRunOutGoesToBadmailNotToAnotherNdr() {
        var policy = new DeliveryPolicy(delivery(new TernConfig.Retry(Duration.ofMinutes(15),
                Duration.ofMinutes(30), Duration.ofMinutes(60), Duration.ofMinutes(240), 2)), clock);
        // An NDR is sent from the null reverse-path to the original sender.
        Envelope ndr = envelope("N1", ReversePath.NULL, T0, rcpt("alice@remote.example"));
        Recipient alice = ndr.recipients().getFirst();
        assertThat(policy.afterTransientFailure(ndr, alice, Transport.REMOTE, 1, Outcome.legacy("mx", GREYLISTED)))
                .isInstanceOf(Defer.class);
        clock.advance(Duration.ofMinutes(15));
        assertThat(policy.afterTransientFailure(ndr, alice, Transport.REMOTE, 2, Outcome.legacy("mx", GREYLISTED)))
                .isInstanceOf(FailToBadmail.class);
        // And the same when it expires rather than hitting a limit.
        var unlimited = new DeliveryPolicy(TernConfig.Delivery.defaults(), clock);
        clock.set(T0.plus(Duration.ofDays(2)));
        assertThat(unlimited.afterTransientFailure(ndr, alice, Transport.REMOTE, 15, Outcome.legacy("mx", GREYLISTED)))
                .isInstanceOf(FailToBadmail.class);
    }

    @Test
    void notifyWithoutFailureFinishesTheRecipientWithNeitherNdrNorBadmail() {
        var policy = new DeliveryPolicy(TernConfig.Delivery.defaults(), clock);
        for (Recipient r : List.of(rcpt("a@remote.example", Notify.NEVER),
                rcpt("b@remote.example", Notify.DELAY), rcpt("c@remote.example", Notify.SUCCESS))) {
            Envelope env = envelope("M1", r);
            var decision = policy.afterPermanentFailure(env, r, Outcome.legacy("mx", "550 5.1.1 no such user"));
            assertThat(decision).as(r.toString()).isInstanceOf(FailSilently.class);
        }
        Recipient failure = rcpt("d@remote.example", Notify.FAILURE);
        assertThat(policy.afterPermanentFailure(envelope("M1", failure), failure, Outcome.legacy("mx", "550 5.1.1 x")))
                .isInstanceOf(FailWithNdr.class);
    }

    @Test
    void aDelayNoticeIsDueOnceTwelveHoursAfterArrivalAndOnlyOnce() {
        var policy = new DeliveryPolicy(TernConfig.Delivery.defaults(), clock);
        Envelope env = envelope("M1", rcpt("bob@remote.example"));
        var state = new QueueState();
        state.apply(accepted(env));

        clock.set(T0.plus(Duration.ofHours(12)).minusSeconds(1));
        assertThat(policy.delayNoticeDue(env, status(state, env), Transport.REMOTE)).isFalse();
        clock.set(T0.plus(Duration.ofHours(12)));
        assertThat(policy.delayNoticeDue(env, status(state, env), Transport.REMOTE)).isTrue();

        state.apply(policy.delayNotice(env.id(), "bob@remote.example"));
        assertThat(policy.delayNoticeDue(env, status(state, env), Transport.REMOTE)).isFalse();
        clock.advance(Duration.ofDays(1));
        assertThat(policy.delayNoticeDue(env, status(state, env), Transport.REMOTE)).isFalse();
    }

    @Test
    void aDelayNoticeUsesTheLocalDelayForLocalRecipients() {
        var d = TernConfig.Delivery.defaults();
        var policy = new DeliveryPolicy(new TernConfig.Delivery(d.retry(), d.delayNotification(),
                d.expirationTimeout(), new TernConfig.Local(Duration.ofHours(1), Duration.ofDays(2)),
                d.maxHopCount(), null, null, false, null, 25, d.connections(), d.tls(), d.smartHostAuth()), clock);
        Envelope env = envelope("M1", rcpt("carol@example.test"));
        var state = new QueueState();
        state.apply(accepted(env));
        clock.set(T0.plus(Duration.ofHours(1)));
        assertThat(policy.delayNoticeDue(env, status(state, env), Transport.LOCAL)).isTrue();
        assertThat(policy.delayNoticeDue(env, status(state, env), Transport.REMOTE)).isFalse();
    }

    @Test
    void noDelayNoticeForNotifyNeverNorNotifyFailureOnlyNorANullSender() {
        var policy = new DeliveryPolicy(TernConfig.Delivery.defaults(), clock);
        clock.set(T0.plus(Duration.ofDays(1)));
        var cases = List.of(
                envelope("M1", ALICE, T0, rcpt("a@remote.example", Notify.NEVER)),
                envelope("M2", ALICE, T0, rcpt("b@remote.example", Notify.FAILURE)),
                envelope("M3", ALICE, T0, rcpt("c@remote.example", Notify.SUCCESS, Notify.FAILURE)),
                envelope("M4", ReversePath.NULL, T0, rcpt("d@remote.example")));
        for (Envelope env : cases) {
            var state = new QueueState();
            state.apply(accepted(env));
            assertThat(policy.delayNoticeDue(env, status(state, env), Transport.REMOTE)).as(env.id().value())
                    .isFalse();
        }
        Envelope wantsDelay = envelope("M5", ALICE, T0, rcpt("e@remote.example", Notify.DELAY));
        var state = new QueueState();
        state.apply(accepted(wantsDelay));
        assertThat(policy.delayNoticeDue(wantsDelay, status(state, wantsDelay), Transport.REMOTE)).isTrue();
    }

    private static QueueState.RecipientStatus status(QueueState state, Envelope env) {
        return state.message(env.id()).orElseThrow().recipients().getFirst();
    }

    private static TernConfig.Delivery delivery(TernConfig.Retry retry) {
        var d = TernConfig.Delivery.defaults();
        return new TernConfig.Delivery(retry, d.delayNotification(), d.expirationTimeout(), d.local(),
                d.maxHopCount(), d.masqueradeDomain(), d.smartHost(), d.attemptDirectBeforeSmartHost(),
                d.ndrCopyTo(), d.port(), d.connections(), d.tls(), d.smartHostAuth());
    }
}
