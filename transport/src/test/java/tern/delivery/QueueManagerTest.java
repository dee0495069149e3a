package tern.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.badmail.Badmail;
import tern.client.ClientSettings;
import tern.client.ConnectionCache;
import tern.config.TernConfig;
import tern.dns.MailDns;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.journal.JournalEvent;
import tern.maildir.Maildir;
import tern.metrics.TernMetrics;
import tern.queue.DeliveryPolicy;
import tern.queue.QueueIdGenerator;
import tern.queue.QueueId;
import tern.queue.QueueState;
import tern.route.Masquerade;
import tern.route.Router;
import tern.testing.Eventually;
import tern.testing.MovableClock;
import tern.testing.ScriptedSmtpServer;
import tern.testing.TestDnsServer;

/**
 * The queue manager with a movable clock: the retry schedule, NDRs, delay notices and Badmail
 * as the journal sees them, against a scripted remote server on loopback.
 */
class QueueManagerTest {

    static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    @TempDir
    Path data;

    MovableClock clock = new MovableClock(T0);
    List<JournalEvent> journal = new CopyOnWriteArrayList<>();
    TestDnsServer dns;
    MailDns resolver;
    ConnectionCache cache;
    QueueManager runner;
    JournalBodies bodies = new JournalBodies(null);
    QueueIdGenerator ids = new QueueIdGenerator(clock);
    TernMetrics metrics = new TernMetrics(clock);

    @BeforeEach
    void dns() throws Exception {
        dns = TestDnsServer.start();
        resolver = MailDns.builder(List.of(dns.address())).timeout(Duration.ofMillis(500)).build();
        cache = new ConnectionCache(Duration.ofSeconds(30), 4, java.time.InstantSource.system());
    }

    @AfterEach
    void stop() {
        if (runner != null) {
            runner.shutdown(Duration.ofSeconds(2));
        }
        cache.close();
        resolver.close();
        dns.close();
        metrics.close();
    }

    private int perDestination = 10;

    /** A runner for local domain local.test, with far.test routed to {@code remotePort} on 127.0.0.2. */
    private QueueState initial = new QueueState();

    private void startRunner(int remotePort, TernConfig.Retry retry) {
        var defaults = TernConfig.defaults("mx.tern.test");
        var delivery = new TernConfig.Delivery(retry, Duration.ofHours(12), Duration.ofDays(2),
                TernConfig.Local.defaults(), 100, null, null, false, "postmaster@local.test", 25,
                TernConfig.Connections.defaults(), TernConfig.OutboundTls.OFF, TernConfig.SmartHostAuth.NONE);
        var config = new TernConfig(defaults.server(), new TernConfig.Domains(List.of("local.test")), defaults.relay(),
                delivery, List.of(new TernConfig.Route("far.test", "[127.0.0.2]:" + remotePort)), defaults.dns(),
                defaults.journal(), defaults.admin());
        var settings = new ClientSettings("mx.tern.test", Duration.ofSeconds(2), TernConfig.OutboundTls.OFF, null, null);
        var remote = new RemoteDelivery(resolver, cache, settings, settings, 25, Masquerade.of(config), metrics);
        EventLog log = event -> {
            journal.add(event);
            return CompletableFuture.completedFuture(null);
        };
        runner = new QueueManager(initial, clock, log, bodies, new LocalDelivery(new Maildir(data, "mx.tern.test")),
                new Badmail(data), ids, metrics, new QueueManager.Settings(new Router(config),
                new DeliveryPolicy(delivery, clock), remote, QueueManager.Settings.perDestination(perDestination), 10,
                "mx.tern.test", new Mailbox("postmaster", "local.test"), 100));
        runner.start();
    }

    private JournalEvent.Accepted submit(ReversePath from, String... to) {
        var envelope = new Envelope(ids.next(), from, Stream.of(to).map(QueueManagerTest::rcpt).toList(),
                Body.SEVEN_BIT, false, null, "env-42", -1, "127.0.0.1", "client.test", clock.instant());
        byte[] message = ("Received: from client.test\r\nSubject: test\r\nMessage-ID: <m1@client.test>\r\n\r\nhello\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        var accepted = new JournalEvent.Accepted(envelope, message);
        journal.add(accepted);
        bodies.keep(envelope.id(), message);
        runner.arrived(accepted);
        return accepted;
    }

    private static Recipient rcpt(String address) {
        int at = address.indexOf('@');
        return Recipient.of(new Mailbox(address.substring(0, at), address.substring(at + 1)));
    }

    private static ReversePath sender(String address) {
        int at = address.indexOf('@');
        return ReversePath.of(new Mailbox(address.substring(0, at), address.substring(at + 1)));
    }

    private <T extends JournalEvent> List<T> events(Class<T> type) {
        return journal.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aDeleteByDomainOf100kRecipientsGoesInChunksWhileOtherMailIsDelivered() throws Exception {
        // 100 messages of 1,000 recipients each at down.test, deferred for a day.
        List<QueueId> down = new ArrayList<>();
        for (int m = 0; m < 100; m++) {
            String[] to = new String[1000];
            for (int r = 0; r < to.length; r++) {
                to[r] = "u" + r + "@down.test";
            }
            var envelope = new Envelope(ids.next(), sender("a@local.test"), Stream.of(to).map(QueueManagerTest::rcpt).toList(),
                    Body.SEVEN_BIT, false, null, null, -1, "127.0.0.1", "client.test", clock.instant());
            initial.apply(new JournalEvent.Accepted(envelope, "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)));
            bodies.keep(envelope.id(), "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
            for (String rcpt : to) {
                initial.apply(new JournalEvent.Deferred(envelope.id(), clock.instant(), rcpt, "mx.down.test[127.0.0.9]:25",
                        "421 4.4.2 timed out", 1, clock.instant().plus(Duration.ofDays(1))));
            }
            down.add(envelope.id());
        }
        startRunner(9, TernConfig.Retry.defaults());

        DomainSweep sweep = runner.sweep(DomainSweep.Kind.DELETE, "Down.Test");
        int sent = 0;
        while (!sweep.finished().isDone()) {
            submit(sender("a@far.test"), "bob@local.test");
            sent++;
            final int expected = sent;
            Eventually.await("local mail delivered during the sweep",
                    () -> files(data.resolve("drop/local.test/bob/new")).size() == expected);
        }
        DomainSweep.Progress done = sweep.finished().get();
        assertThat(done.error()).isNull();
        assertThat(done.messages()).isEqualTo(100);
        assertThat(done.recipients()).isEqualTo(100_000);
        assertThat(done.done()).isEqualTo(100);
        assertThat(events(JournalEvent.Badmailed.class)).extracting(JournalEvent::id).containsExactlyElementsOf(down);
        assertThat(runner.ask(QueueState::messageCount).get()).isZero();
        assertThat(files(data.resolve("badmail"))).hasSize(300);
        assertThat(runner.sweep(done.job())).contains(sweep);
    }

    @Test
    void aPageOfTheQueueIsFilteredAndGoesOnAfterTheCursor() throws Exception {
        startRunner(9, TernConfig.Retry.defaults());
        List<QueueId> slow = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            var envelope = new Envelope(ids.next(), sender("a@local.test"), List.of(rcpt("x@slow.test"), rcpt("y@other.test")),
                    Body.SEVEN_BIT, false, null, null, -1, "127.0.0.1", "client.test", clock.instant());
            slow.add(envelope.id());
            runner.ask(s -> {
                s.apply(new JournalEvent.Accepted(envelope, new byte[10]));
                s.apply(new JournalEvent.Deferred(envelope.id(), clock.instant(), "x@slow.test", "r", "451 4.3.0 later", 1,
                        clock.instant().plus(Duration.ofDays(1))));
                s.apply(new JournalEvent.Deferred(envelope.id(), clock.instant(), "y@other.test", "r", "451 4.3.0 later", 1,
                        clock.instant().plus(Duration.ofDays(1))));
                return null;
            }).get();
        }
        var first = runner.ask(new QueueQuery("SLOW.test", "deferred", null, 2)::apply).get();
        assertThat(first.messages()).extracting(QueueState.QueuedMessage::id).containsExactly(slow.get(0), slow.get(1));
        assertThat(first.next()).isEqualTo(slow.get(1));
        assertThat(first.matching()).isEqualTo(5);
        var last = runner.ask(new QueueQuery("slow.test", null, slow.get(3), 2)::apply).get();
        assertThat(last.messages()).extracting(QueueState.QueuedMessage::id).containsExactly(slow.get(4));
        assertThat(last.next()).isNull();
        assertThat(runner.ask(new QueueQuery(null, "pending", null, 10)::apply).get().messages()).isEmpty();
    }

    @Test
    void aLocalRecipientIsDeliveredToItsMaildirAndJournaledDelivered() throws Exception {
        startRunner(9, TernConfig.Retry.defaults());
        var accepted = submit(sender("a@far.test"), "bob@local.test");

        Eventually.await("Delivered", () -> !events(JournalEvent.Delivered.class).isEmpty());

        var delivered = events(JournalEvent.Delivered.class).getFirst();
        assertThat(delivered.id()).isEqualTo(accepted.id());
        assertThat(delivered.relay()).isEqualTo("local");
        assertThat(files(data.resolve("drop/local.test/bob/new"))).hasSize(1);
    }

    @Test
    void retriesAtTheFirstAndSecondIntervalsThenDeliversOnTheThirdAttempt() throws Exception {
        try (var remote = ScriptedSmtpServer.builder().bind("127.0.0.2")
                .failFirst(ScriptedSmtpServer.Verb.RCPT, 2, "451 4.3.0 try later").start()) {
            startRunner(remote.port(), TernConfig.Retry.defaults());
            submit(sender("a@local.test"), "carol@far.test");

            Eventually.await("first deferral", () -> events(JournalEvent.Deferred.class).size() == 1);
            assertThat(events(JournalEvent.Deferred.class).getFirst().nextAttempt()).isEqualTo(T0.plus(Duration.ofMinutes(15)));

            clock.advance(Duration.ofMinutes(14));
            runner.wake();
            clock.advance(Duration.ofMinutes(1));
            runner.wake();
            Eventually.await("second deferral", () -> events(JournalEvent.Deferred.class).size() == 2);
            var second = events(JournalEvent.Deferred.class).get(1);
            assertThat(second.attempts()).isEqualTo(2);
            assertThat(second.nextAttempt()).isEqualTo(T0.plus(Duration.ofMinutes(15 + 30)));

            clock.set(second.nextAttempt());
            runner.wake();
            Eventually.await("delivery", () -> !events(JournalEvent.Delivered.class).isEmpty());
            assertThat(remote.messages()).hasSize(1);
            assertThat(remote.transactions().stream().map(t -> t.started()).count()).isEqualTo(3);
        }
    }

    @Test
    void a550BouncesWithOneNonDeliveryReportToTheSendersMaildirAndACopyToTheAdministrator() throws Exception {
        try (var remote = ScriptedSmtpServer.builder().bind("127.0.0.2")
                .rcpt("x@far.test", "550 5.1.1 no such user x")
                .rcpt("y@far.test", "550 5.1.1 no such user y").start()) {
            startRunner(remote.port(), TernConfig.Retry.defaults());
            var original = submit(sender("alice@local.test"), "x@far.test", "y@far.test");

            Eventually.await("NDR delivered", () -> files(data.resolve("drop/local.test/alice/new")).size() == 1);
            Eventually.await("NDR copy delivered", () -> files(data.resolve("drop/local.test/postmaster/new")).size() == 1);

            String ndr = Files.readString(files(data.resolve("drop/local.test/alice/new")).getFirst());
            assertThat(ndr).contains("Return-Path: <>", "From: ", "MAILER-DAEMON@mx.tern.test",
                    "Auto-Submitted: auto-replied", "report-type=delivery-status",
                    "Reporting-MTA: dns; mx.tern.test", "Original-Envelope-Id: env-42",
                    "Final-Recipient: rfc822; x@far.test", "Final-Recipient: rfc822; y@far.test",
                    "Action: failed", "Status: 5.1.1", "Diagnostic-Code: smtp; 550 5.1.1 no such user x",
                    "Remote-MTA: dns; 127.0.0.2");
            var failed = events(JournalEvent.Failed.class).stream().filter(f -> f.id().equals(original.id())).toList();
            assertThat(failed).hasSize(2);
            long reports = events(JournalEvent.Accepted.class).stream().filter(a -> a.envelope().reversePath().isNull()).count();
            assertThat(reports).as("one NDR for both recipients").isEqualTo(1);
        }
    }

    @Test
    void aFailedMessageFromTheNullReversePathGoesToBadmailNotBack() throws Exception {
        try (var remote = ScriptedSmtpServer.builder().bind("127.0.0.2").rcpt("x@far.test", "550 5.1.1 gone").start()) {
            startRunner(remote.port(), TernConfig.Retry.defaults());
            var bounce = submit(ReversePath.NULL, "x@far.test");

            Eventually.await("Badmailed", () -> !events(JournalEvent.Badmailed.class).isEmpty());

            Path bad = data.resolve("badmail/" + bounce.id() + ".bad");
            assertThat(bad).exists();
            assertThat(Files.readString(data.resolve("badmail/" + bounce.id() + ".bdr"))).contains("550 5.1.1 gone");
            assertThat(data.resolve("badmail/" + bounce.id() + ".bdp")).exists();
            assertThat(events(JournalEvent.Accepted.class)).hasSize(1); // no NDR was queued
        }
    }

    @Test
    void theDelayNoticeIsSentOnceWhenARecipientWaitsLongerThanTheDelayNotificationTime() throws Exception {
        try (var remote = ScriptedSmtpServer.builder().bind("127.0.0.2")
                .rcpt("slow@far.test", "451 4.4.1 not now").start()) {
            startRunner(remote.port(), new TernConfig.Retry(Duration.ofHours(5), Duration.ofHours(5),
                    Duration.ofHours(5), Duration.ofHours(5), 0));
            submit(sender("alice@local.test"), "slow@far.test");
            for (int attempt = 1; attempt <= 4; attempt++) {
                int n = attempt;
                Eventually.await("deferral " + n, () -> events(JournalEvent.Deferred.class).size() == n);
                clock.set(events(JournalEvent.Deferred.class).get(n - 1).nextAttempt());
                runner.wake();
            }
            Eventually.await("fifth attempt", () -> events(JournalEvent.Deferred.class).size() == 5);

            assertThat(events(JournalEvent.DelayNotified.class)).hasSize(1);
            Eventually.await("delay DSN delivered", () -> files(data.resolve("drop/local.test/alice/new")).size() == 1);
            String dsn = Files.readString(files(data.resolve("drop/local.test/alice/new")).getFirst());
            assertThat(dsn).contains("Action: delayed", "Will-Retry-Until: ", "Final-Recipient: rfc822; slow@far.test");
        }
    }

    @Test
    void anOperatorRetryMakesADeferredRecipientDueNow() throws Exception {
        try (var remote = ScriptedSmtpServer.builder().bind("127.0.0.2")
                .failFirst(ScriptedSmtpServer.Verb.RCPT, 1, "451 4.3.0 later").start()) {
            startRunner(remote.port(), TernConfig.Retry.defaults());
            var accepted = submit(sender("a@local.test"), "d@far.test");
            Eventually.await("deferral", () -> events(JournalEvent.Deferred.class).size() == 1);

            assertThat(runner.retry(accepted.id()).get()).isTrue();

            Eventually.await("delivery", () -> !events(JournalEvent.Delivered.class).isEmpty());
            assertThat(events(JournalEvent.RetryRequested.class)).hasSize(1);
        }
    }

    @Test
    void anOperatorDeleteMovesTheMessageToBadmailAndOutOfTheQueue() throws Exception {
        try (var remote = ScriptedSmtpServer.builder().bind("127.0.0.2")
                .rcpt("e@far.test", "451 4.3.0 later").start()) {
            startRunner(remote.port(), TernConfig.Retry.defaults());
            var accepted = submit(sender("a@local.test"), "e@far.test");
            Eventually.await("deferral", () -> events(JournalEvent.Deferred.class).size() == 1);

            assertThat(runner.delete(accepted.id()).get()).isTrue();

            assertThat(events(JournalEvent.Badmailed.class)).singleElement()
                    .satisfies(b -> assertThat(b.reason()).isEqualTo("deleted by operator"));
            assertThat(Files.readString(data.resolve("badmail/" + accepted.id() + ".bdr"))).contains("deleted by operator");
            assertThat(runner.ask(s -> s.isPending(accepted.id())).get()).isFalse();
        }
    }

    @Test
    void noMoreThanPerDomainConnectionsGoToOneDestinationAtOnce() throws Exception {
        var inTransaction = new java.util.concurrent.atomic.AtomicInteger();
        var most = new java.util.concurrent.atomic.AtomicInteger();
        try (var remote = ScriptedSmtpServer.builder().bind("127.0.0.2")
                .on(ScriptedSmtpServer.Verb.MESSAGE, exchange -> {
                    most.accumulateAndGet(inTransaction.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(100); // a slow server: attempts pile up if nothing limits them
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    inTransaction.decrementAndGet();
                    return null;
                }).start()) {
            perDestination = 2;
            startRunner(remote.port(), TernConfig.Retry.defaults());
            for (int i = 0; i < 8; i++) {
                submit(sender("a@local.test"), "m" + i + "@far.test");
            }

            Eventually.await("8 deliveries", () -> events(JournalEvent.Delivered.class).size() == 8);
            assertThat(most.get()).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void afterARestartTheDelayNoticeTimerOfADeferredRecipientIsRebuiltFromTheState() throws Exception {
        var envelope = new Envelope(ids.next(), sender("alice@local.test"), List.of(rcpt("slow@far.test")),
                Body.SEVEN_BIT, false, null, null, -1, "127.0.0.1", "client.test", T0);
        byte[] message = "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);
        bodies.keep(envelope.id(), message);
        // As replayed from the journal: deferred three times, next attempt at 15h.
        initial.apply(new JournalEvent.Accepted(envelope, message));
        initial.scheduler().pollDue(T0, 10);
        initial.apply(new JournalEvent.Deferred(envelope.id(), T0.plus(Duration.ofHours(10)), "slow@far.test",
                "127.0.0.2[127.0.0.2]:25", "451 4.4.1 not now", 3, T0.plus(Duration.ofHours(15))));
        clock.set(T0.plus(Duration.ofHours(11)));
        startRunner(9, TernConfig.Retry.defaults());

        clock.set(T0.plus(Duration.ofHours(12)));
        runner.wake();

        Eventually.await("delay DSN delivered", () -> files(data.resolve("drop/local.test/alice/new")).size() == 1);
        assertThat(events(JournalEvent.DelayNotified.class)).singleElement()
                .satisfies(n -> assertThat(n.at()).isEqualTo(T0.plus(Duration.ofHours(12))));
        assertThat(events(JournalEvent.Deferred.class)).as("no attempt for the notice").isEmpty();
    }

    @Test
    void theDelayNoticeGoesOutAtTheDelayNotificationTimeNotAtTheNextRetry() throws Exception {
        try (var remote = ScriptedSmtpServer.builder().bind("127.0.0.2")
                .rcpt("slow@far.test", "451 4.4.1 not now").start()) {
            startRunner(remote.port(), new TernConfig.Retry(Duration.ofHours(5), Duration.ofHours(5),
                    Duration.ofHours(5), Duration.ofHours(5), 0));
            submit(sender("alice@local.test"), "slow@far.test");
            for (int attempt = 1; attempt <= 2; attempt++) {
                int n = attempt;
                Eventually.await("deferral " + n, () -> events(JournalEvent.Deferred.class).size() == n);
                clock.set(events(JournalEvent.Deferred.class).get(n - 1).nextAttempt());
                runner.wake();
            }
            Eventually.await("third deferral", () -> events(JournalEvent.Deferred.class).size() == 3);
            assertThat(events(JournalEvent.Deferred.class).get(2).nextAttempt()).isEqualTo(T0.plus(Duration.ofHours(15)));

            clock.set(T0.plus(Duration.ofHours(12)));
            runner.wake();

            Eventually.await("delay DSN delivered", () -> files(data.resolve("drop/local.test/alice/new")).size() == 1);
            assertThat(events(JournalEvent.DelayNotified.class)).singleElement()
                    .satisfies(n -> assertThat(n.at()).isEqualTo(T0.plus(Duration.ofHours(12))));
            assertThat(events(JournalEvent.Deferred.class)).as("no extra attempt for the notice").hasSize(3);
            assertThat(Files.readString(files(data.resolve("drop/local.test/alice/new")).getFirst()))
                    .contains("Action: delayed", "Diagnostic-Code: smtp; 451 4.4.1 not now");
        }
    }

    @Test
    void aMessageHeldForAHandOverIsNotDispatchedReleasedItIsRetriedAndHandedOverItIsFinishedWithoutAReport()
            throws Exception {
        try (var remote = ScriptedSmtpServer.builder().bind("127.0.0.2")
                .reply(ScriptedSmtpServer.Verb.RCPT, "451 4.3.0 not now").start()) {
            startRunner(remote.port(), TernConfig.Retry.defaults());
            var accepted = submit(sender("alice@local.test"), "carol@far.test");
            var id = accepted.id();
            Eventually.await("first deferral", () -> events(JournalEvent.Deferred.class).size() == 1);

            var held = runner.holdForHandOver(id).get();
            assertThat(held).isPresent();
            assertThat(held.get().recipients()).extracting(r -> r.address().toString()).containsExactly("carol@far.test");

            clock.advance(Duration.ofMinutes(15)); // the retry falls due while held
            runner.wake();
            // The manager polls due work once a turn, after its inbox: wait for the poll to take
            // the due retry (held: parked, not dispatched), then look for a delivery.
            Eventually.await("the due retry taken from the scheduler", () -> !runner.ask(
                    s -> s.scheduler().isScheduled(id, "carol@far.test")).join());
            runner.ask(s -> null).get();
            assertThat(runner.ask(s -> runner.rounds.busy(id)).get()).as("a delivery started while held").isFalse();
            assertThat(remote.transactions()).hasSize(1);

            runner.releaseHandOver(id);
            runner.wake();
            Eventually.await("the retry after the release", () -> events(JournalEvent.Deferred.class).size() == 2);

            assertThat(runner.holdForHandOver(id).get()).isPresent();
            var reply = new tern.outcome.RemoteReply(new tern.smtp.Reply(250, "2.0.0", "Ok: queued as B1"), "127.0.0.9",
                    "[127.0.0.9]:25");
            runner.handedOver(new JournalEvent.HandedOver(id, clock.instant(), List.of("carol@far.test"), reply)).get();

            assertThat(runner.ask(s -> s.isPending(id)).get()).isFalse();
            assertThat(events(JournalEvent.HandedOver.class)).hasSize(1);
            assertThat(events(JournalEvent.Accepted.class)).hasSize(1); // no DSN was queued for it
            assertThat(runner.holdForHandOver(id).get()).isEmpty();
        }
    }

    @Test
    void aHoldOnAMessageInDeliveryIsAnsweredOnceThatDeliveryIsSettled() throws Exception {
        try (var remote = ScriptedSmtpServer.builder().bind("127.0.0.2")
                .reply(ScriptedSmtpServer.Verb.RCPT, ScriptedSmtpServer.HANG).start()) {
            startRunner(remote.port(), TernConfig.Retry.defaults());
            var accepted = submit(sender("alice@local.test"), "carol@far.test");
            Eventually.await("the RCPT under way", () -> remote.commands().stream()
                    .anyMatch(c -> c.line().startsWith("RCPT")));

            var held = runner.holdForHandOver(accepted.id()).get(); // the client times out after 2 s: deferred

            assertThat(events(JournalEvent.Deferred.class)).hasSize(1);
            assertThat(held).isPresent();
            assertThat(held.get().recipients()).hasSize(1);
        }
    }
}
