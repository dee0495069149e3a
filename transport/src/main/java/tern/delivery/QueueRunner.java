package tern.delivery;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.address.Mailbox;
import tern.badmail.Badmail;
import tern.dsn.Action;
import tern.dsn.RecipientStatus;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.jfr.DeliveryAttempt;
import tern.metrics.QueueGauges;
import tern.metrics.TernMetrics;
import tern.journal.JournalEvent;
import tern.journal.JournalEvent.Accepted;
import tern.journal.JournalEvent.Badmailed;
import tern.journal.JournalEvent.Delivered;
import tern.journal.JournalEvent.RetryRequested;
import tern.logging.MailLogLine;
import tern.queue.DeliveryPolicy;
import tern.queue.DeliveryPolicy.Destination;
import tern.queue.DeliveryPolicy.FailureDecision;
import tern.queue.QueueId;
import tern.queue.QueueIdGenerator;
import tern.queue.QueueState;
import tern.queue.Scheduler.DueWork;
import tern.route.Route;
import tern.route.Router;
import tern.smtp.Reply;

/**
 * The queue manager: the one owner of the queue state. It folds journaled events into
 * {@link QueueState}, takes due recipients from its scheduler, hands them to delivery
 * workers on virtual threads, and turns their outcomes into journal events through the
 * {@link DeliveryPolicy}: delivered, deferred to the next retry, or failed with an NDR,
 * into Badmail, or silently.
 *
 * <p>Everything that touches the state runs on one platform thread, fed by an inbox of
 * tasks, so no lock guards it (Postfix's qmgr rule: only one process decides what is
 * delivered when). Workers never touch the state: they post their outcomes back. A
 * recipient taken from the scheduler is in flight until its outcome is journaled and
 * folded in, so it cannot be dispatched twice; an outcome whose journal write fails is not
 * folded in, and the recipient is simply tried again a minute later.
 *
 * <p>Reports (NDRs, delay and success DSNs) and Badmail entries are made when the last
 * in-flight attempt of a message has reported, so one message's recipients that failed in
 * the same round share one NDR.
 */
public final class QueueRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("tern.delivery");
    private static final int POLL_BATCH = 512;
    private static final Duration JOURNAL_RETRY = Duration.ofMinutes(1);

    /** What the runner needs that may change on reload. */
    public record Settings(Router router, DeliveryPolicy policy, RemoteDelivery remote, int perDestination,
                           String fqdn, Mailbox ndrCopyTo, int maxHopCount) {
    }

    private final QueueState state;
    private final InstantSource clock;
    private final EventLog journal;
    private final MessageBodies bodies;
    private final LocalDelivery local;
    private final Badmail badmail;
    private final TernMetrics metrics;
    private final Reporter reporter;
    private final Semaphore totalConnections;
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("delivery-", 0).factory());
    private final Map<String, Semaphore> destinations = new ConcurrentHashMap<>();
    private final Map<QueueId, Round> rounds = new HashMap<>();
    /**
     * Recipients whose delay DSN falls between two attempts: without these the notice would
     * wait for the next retry (with the default schedule, 13h45m instead of 12h).
     */
    private final java.util.PriorityQueue<DelayCheck> delayChecks =
            new java.util.PriorityQueue<>(java.util.Comparator.comparing(DelayCheck::at));
    private boolean delayChecksLoaded;
    /** Delay notices queued but not yet folded into the state: never a second one meanwhile. */
    private final java.util.Set<String> noticesUnderWay = new java.util.HashSet<>();
    private final Thread owner;
    private volatile Settings settings;
    private volatile boolean running = true;
    private volatile Gauges gauges = new Gauges(0, 0, 0, null);
    private long gaugesAt;

    public QueueRunner(QueueState state, InstantSource clock, EventLog journal, MessageBodies bodies,
                       LocalDelivery local, Badmail badmail, QueueIdGenerator ids, TernMetrics metrics,
                       int totalConnections, Settings settings) {
        this.state = state;
        this.clock = clock;
        this.journal = journal;
        this.bodies = bodies;
        this.local = local;
        this.badmail = badmail;
        this.metrics = metrics;
        this.reporter = new Reporter(clock, journal, bodies, badmail, ids, metrics, this::arrived);
        this.totalConnections = new Semaphore(totalConnections);
        this.settings = settings;
        this.owner = Thread.ofPlatform().name("queue-runner").daemon(false).unstarted(this::run);
    }

    public void start() {
        owner.start();
    }

    /** A message was journaled (a fresh arrival): queue it. Its bytes must already be kept. */
    public void arrived(Accepted accepted) {
        post(() -> state.apply(accepted));
    }

    /** New routes, retry settings and limits for the attempts that start from now on. */
    public void reconfigure(Settings next) {
        settings = next;
    }

    /** Asks the owner thread for something, e.g. a listing of the queue. */
    public <T> CompletableFuture<T> ask(Function<QueueState, T> question) {
        var answer = new CompletableFuture<T>();
        post(() -> {
            try {
                answer.complete(question.apply(state));
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    /** {@code tern queue retry ID}: every pending recipient of the message is due now. */
    public CompletableFuture<Boolean> retry(QueueId id) {
        return this.<Boolean>ask(s -> s.isPending(id)).thenCompose(pending -> {
            if (!pending) {
                return CompletableFuture.completedFuture(false);
            }
            var event = new RetryRequested(id, clock.instant());
            return journal.append(event).thenApply(v -> {
                post(() -> state.apply(event));
                return true;
            });
        });
    }

    /** {@code tern queue retry --all}: flush. Returns how many messages were made due. */
    public CompletableFuture<Integer> retryAll() {
        return this.<List<QueueId>>ask(s -> s.list().stream().map(QueueState.QueuedMessage::id).toList())
                .thenCompose(list -> {
                    var all = list.stream().map(this::retry).toArray(CompletableFuture[]::new);
                    return CompletableFuture.allOf(all).thenApply(v -> list.size());
                });
    }

    /**
     * {@code tern queue delete ID}: the message goes to Badmail with the reason "deleted by
     * operator", and the Badmailed event removes it from the queue.
     */
    public CompletableFuture<Boolean> delete(QueueId id) {
        return this.<Envelope>ask(s -> s.envelope(id).orElse(null)).thenComposeAsync(envelope -> {
            if (envelope == null) {
                return CompletableFuture.completedFuture(false);
            }
            Instant now = clock.instant();
            try {
                badmail.store(envelope, bodies.read(id), "deleted by operator", now);
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
            var event = new Badmailed(id, now, "deleted by operator");
            metrics.messageBadmailed();
            return journal.append(event).thenApply(v -> {
                post(() -> {
                    state.apply(event);
                    bodies.forget(id);
                });
                MailLogLine.about(id).status("badmailed", "deleted by operator").info(log);
                return true;
            });
        }, workers);
    }

    /** Wakes the owner thread, e.g. after a test moved its clock on. */
    public void wake() {
        LockSupport.unpark(owner);
    }

    private void post(Runnable task) {
        inbox.add(task);
        LockSupport.unpark(owner);
    }

    /** The queue's size as last published by the owner thread, for /metrics (read from other threads). */
    public QueueGauges gauges() {
        return new QueueGauges() {
            @Override
            public long pendingRecipients() {
                return gauges.pending();
            }

            @Override
            public long deferredRecipients() {
                return gauges.deferred();
            }

            @Override
            public long messages() {
                return gauges.messages();
            }

            @Override
            public Instant oldestMessageArrival() {
                return gauges.oldest();
            }
        };
    }

    private record Gauges(long pending, long deferred, long messages, Instant oldest) {
    }

    private record DelayCheck(Instant at, QueueId id, String recipient, Destination destination) {
    }

    /** At most once a second: finding the oldest message walks the whole queue. */
    private void publishGauges(Instant now) {
        long millis = now.toEpochMilli();
        if (millis - gaugesAt < 1000 && millis >= gaugesAt) {
            return;
        }
        gaugesAt = millis;
        long total = state.pendingRecipientCount();
        long waiting = state.scheduler().size();
        gauges = new Gauges(total - waiting, waiting, state.messageCount(), state.oldestPendingArrival().orElse(null));
    }

    private void run() {
        while (running) {
            Runnable task;
            while ((task = inbox.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("queue runner task failed", e);
                }
            }
            Instant now = clock.instant();
            publishGauges(now);
            try {
                fireDelayChecks(now);
            } catch (RuntimeException e) {
                log.error("delay notice check failed", e); // never the end of the queue runner
            }
            List<DueWork> due = state.scheduler().pollDue(now, POLL_BATCH);
            for (DueWork work : due) {
                try {
                    dispatch(work);
                } catch (RuntimeException e) {
                    // Taken from the scheduler but not handed out: put them back, or they wait for a restart.
                    log.error("{}: dispatch failed, retried in {}", work.id(), JOURNAL_RETRY, e);
                    for (String recipient : work.recipients()) {
                        state.scheduler().schedule(work.id(), recipient, now.plus(JOURNAL_RETRY));
                    }
                }
            }
            if (due.size() == POLL_BATCH || !inbox.isEmpty()) {
                continue;
            }
            long waitNanos = state.scheduler().nextDue()
                    .map(next -> Duration.between(now, next).toNanos())
                    .orElse(TimeUnit.SECONDS.toNanos(1));
            if (!delayChecks.isEmpty()) {
                waitNanos = Math.min(waitNanos, Duration.between(now, delayChecks.peek().at()).toNanos());
            }
            if (waitNanos > 0) {
                // Bounded: a clock that jumps (a test's, or NTP) is noticed within a second.
                LockSupport.parkNanos(this, Math.min(waitNanos, TimeUnit.SECONDS.toNanos(1)));
            }
        }
    }

    /** A message's attempts under way in this round, and what they have reported so far. */
    private static final class Round {
        int attempts;
        final Report report;

        Round(Envelope envelope) {
            this.report = new Report(envelope);
        }
    }

    private void dispatch(DueWork work) {
        Envelope envelope = state.envelope(work.id()).orElse(null);
        if (envelope == null) {
            return;
        }
        Settings s = settings;
        Map<String, List<Recipient>> groups = new LinkedHashMap<>();
        Map<String, Route> routes = new HashMap<>();
        for (String name : work.recipients()) {
            Recipient recipient = find(envelope, name);
            if (recipient == null) {
                continue;
            }
            Route route;
            try {
                route = s.router().route(recipient.address());
            } catch (IllegalArgumentException e) {
                route = null; // e.g. an address literal that is no IP address
            }
            String key = destinationKey(route);
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(recipient);
            routes.putIfAbsent(key, route);
        }
        Round round = rounds.computeIfAbsent(envelope.id(), id -> new Round(envelope));
        round.attempts += groups.size();
        groups.forEach((key, recipients) -> {
            Route route = routes.get(key);
            workers.execute(() -> attempt(envelope, route, key, recipients, s));
        });
    }

    /** A deferred recipient whose delay DSN falls due before its next attempt gets a check at that time. */
    private void watchForDelayNotice(Envelope envelope, Recipient recipient, Destination destination, Instant nextAttempt,
                                     QueueState.RecipientStatus status, DeliveryPolicy policy) {
        Instant at = policy.delayNoticeAt(envelope, destination);
        if (!status.delayNotified() && !envelope.reversePath().isNull() && recipient.wantsDelayNotice()
                && at.isAfter(clock.instant()) && at.isBefore(nextAttempt)) {
            delayChecks.add(new DelayCheck(at, envelope.id(), recipient.address().toString(), destination));
        }
    }

    private boolean isLocal(Recipient recipient) {
        try {
            return settings.router().route(recipient.address()) instanceof Route.Local;
        } catch (IllegalArgumentException unroutable) {
            return false;
        }
    }

    /** Sends the delay DSNs that are due; after a start, first finds the recipients that need a check. */
    private void fireDelayChecks(Instant now) {
        DeliveryPolicy policy = settings.policy();
        if (!delayChecksLoaded) {
            delayChecksLoaded = true; // the state was replayed before the runner started
            for (QueueState.QueuedMessage m : state.list()) {
                for (QueueState.RecipientStatus r : m.recipients()) {
                    if (r.state() == QueueState.State.PENDING && r.nextAttempt() != null) {
                        Destination d = isLocal(r.recipient()) ? Destination.LOCAL : Destination.REMOTE;
                        watchForDelayNotice(m.envelope(), r.recipient(), d, r.nextAttempt(), r, policy);
                    }
                }
            }
        }
        while (!delayChecks.isEmpty() && !delayChecks.peek().at().isAfter(now)) {
            DelayCheck check = delayChecks.poll();
            Envelope envelope = state.envelope(check.id()).orElse(null);
            QueueState.RecipientStatus status = state.recipient(check.id(), check.recipient()).orElse(null);
            String key = check.id() + " " + check.recipient();
            if (envelope == null || status == null || !policy.delayNoticeDue(envelope, status, check.destination())
                    || !noticesUnderWay.add(key)) {
                continue; // delivered, failed, deleted or already notified meanwhile
            }
            var notice = policy.delayNotice(check.id(), check.recipient());
            var report = new Report(envelope);
            Instant until = policy.expiresAt(envelope, check.destination());
            report.delayed.add(RecipientStatus.delayed(status.recipient(), Reply.parse(status.lastReply()),
                    host(status.relay()), status.lastAttempt() == null ? now : status.lastAttempt(),
                    status.nextAttempt() != null && status.nextAttempt().isAfter(until) ? status.nextAttempt() : until));
            MailLogLine.about(check.id()).address("to", check.recipient()).delay(Duration.between(envelope.arrival(), now))
                    .status("delayed", "undelivered for " + Duration.between(envelope.arrival(), now))
                    .address("noticeTo", envelope.reversePath()).info(log);
            journal.append(notice).whenComplete((v, error) -> post(() -> {
                noticesUnderWay.remove(key);
                if (error == null) {
                    state.apply(notice);
                    Settings current = settings;
                    workers.execute(() -> reporter.send(report, false, current));
                }
            }));
        }
    }

    /** Recipients that share this key go in one transaction, and share one connection limit. */
    private static String destinationKey(Route route) {
        return switch (route) {
            case null -> "unroutable";
            case Route.Local l -> "local";
            case Route.Mx mx -> "mx:" + mx.domain();
            case Route.Relay relay -> "hop:" + relay.hop();
            case Route.DirectThenSmartHost d -> "direct:" + d.domain();
        };
    }

    private static Recipient find(Envelope envelope, String name) {
        for (Recipient r : envelope.recipients()) {
            if (r.address().toString().equals(name)) {
                return r;
            }
        }
        return null;
    }

    /** One attempt, on a worker thread. Never touches the state: it posts the outcome back. */
    private void attempt(Envelope envelope, Route route, String key, List<Recipient> recipients, Settings s) {
        var event = new DeliveryAttempt();
        event.begin();
        List<RecipientOutcome> outcomes;
        Semaphore destination = destinations.computeIfAbsent(key, k -> new Semaphore(s.perDestination()));
        boolean local = route instanceof Route.Local;
        try {
            if (!local) {
                totalConnections.acquire();
            }
            destination.acquire();
            try {
                if (route == null) {
                    outcomes = everyone(recipients, new Reply(550, "5.1.2", "domain cannot be routed"), "none");
                } else {
                    byte[] message = bodies.read(envelope.id());
                    outcomes = local ? this.local.deliver(envelope, recipients, message)
                            : s.remote().deliver(route, envelope, recipients, message);
                }
            } finally {
                destination.release();
                if (!local) {
                    totalConnections.release();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcomes = everyone(recipients, new Reply(451, "4.3.2", "delivery interrupted by shutdown"), "none");
        } catch (IOException | RuntimeException e) {
            log.error("{}: delivery attempt failed", envelope.id(), e);
            outcomes = everyone(recipients, new Reply(451, "4.3.0", "local error: " + e.getMessage()), "none");
        }
        event.end();
        if (event.shouldCommit()) {
            event.queueId = envelope.id().value();
            event.destination = outcomes.isEmpty() ? key : outcomes.getFirst().relay();
            event.recipients = recipients.size();
            event.outcome = summary(outcomes);
            event.reply = outcomes.isEmpty() ? null : outcomes.getFirst().reply().toString();
            event.commit();
        }
        List<RecipientOutcome> done = outcomes;
        post(() -> settle(envelope, route, done));
    }

    private static String summary(List<RecipientOutcome> outcomes) {
        boolean delivered = false;
        boolean deferred = false;
        boolean failed = false;
        for (RecipientOutcome o : outcomes) {
            delivered |= o.delivered();
            deferred |= o.isTransient();
            failed |= o.reply().isPermanent();
        }
        int kinds = (delivered ? 1 : 0) + (deferred ? 1 : 0) + (failed ? 1 : 0);
        return kinds > 1 ? "mixed" : delivered ? "delivered" : deferred ? "deferred" : "failed";
    }

    private static List<RecipientOutcome> everyone(List<Recipient> recipients, Reply reply, String relay) {
        return recipients.stream().map(r -> new RecipientOutcome(r, reply, relay, false)).toList();
    }

    /** On the owner thread: outcomes become journal events, decided by the delivery policy. */
    private void settle(Envelope envelope, Route route, List<RecipientOutcome> outcomes) {
        Settings s = settings;
        DeliveryPolicy policy = s.policy();
        Destination destination = route instanceof Route.Local ? Destination.LOCAL : Destination.REMOTE;
        QueueId id = envelope.id();
        Round round = rounds.get(id);
        Instant now = clock.instant();
        List<JournalEvent> events = new ArrayList<>(outcomes.size());
        for (RecipientOutcome o : outcomes) {
            String name = o.recipient().address().toString();
            QueueState.RecipientStatus status = state.recipient(id, name).orElse(null);
            if (status == null || status.state() != QueueState.State.PENDING) {
                continue; // deleted meanwhile, or already finished
            }
            int attempts = status.attempts() + 1;
            if (o.delivered()) {
                events.add(new Delivered(id, now, name, o.relay(), o.reply().toString()));
                metrics.recipientDelivered(Duration.between(envelope.arrival(), now));
                delivery(id, name, o, envelope, now, attempts).dsn(o.reply()).status("sent", o.reply().toString())
                        .info(log);
                if (o.recipient().wantsSuccessNotice() && round != null && !envelope.reversePath().isNull()) {
                    // RFC 3461 5.2.2: a next hop that speaks DSN carries the request on; else we report.
                    if (destination == Destination.LOCAL) {
                        round.report.succeeded.add(RecipientStatus.delivered(o.recipient(), Action.DELIVERED, o.reply(), null, now));
                    } else if (!o.nextHopOffersDsn()) {
                        round.report.succeeded.add(RecipientStatus.delivered(o.recipient(), Action.RELAYED, o.reply(), host(o.relay()), now));
                    }
                }
                continue;
            }
            FailureDecision decision = o.isTransient()
                    ? policy.afterTransientFailure(envelope, o.recipient(), destination, attempts, o.relay(), o.reply().toString())
                    : policy.afterPermanentFailure(envelope, o.recipient(), o.relay(), o.reply().toString());
            if (!(decision instanceof DeliveryPolicy.Defer)) {
                metrics.recipientFailed();
            }
            switch (decision) {
                case DeliveryPolicy.Defer d -> {
                    events.add(d.event());
                    metrics.recipientDeferred();
                    delivery(id, name, o, envelope, now, attempts).dsn(o.reply()).status("deferred", o.reply().toString())
                            .field("next", d.event().nextAttempt(), d.reason()).info(log);
                    watchForDelayNotice(envelope, o.recipient(), destination, d.event().nextAttempt(), status, policy);
                    if (round != null && policy.delayNoticeDue(envelope, status, destination)
                            && !noticesUnderWay.contains(id + " " + name)) {
                        events.add(policy.delayNotice(id, name));
                        round.report.delayed.add(RecipientStatus.delayed(o.recipient(), o.reply(), host(o.relay()), now,
                                d.event().nextAttempt().isAfter(policy.expiresAt(envelope, destination))
                                        ? d.event().nextAttempt() : policy.expiresAt(envelope, destination)));
                    }
                }
                case DeliveryPolicy.FailWithNdr f -> {
                    events.add(f.event());
                    logFailed(delivery(id, name, o, envelope, now, attempts), f.event().reply(), f.reason());
                    if (round != null) {
                        round.report.failed.add(RecipientStatus.failed(o.recipient(), Reply.parse(f.event().reply()),
                                host(o.relay()), now));
                    }
                }
                case DeliveryPolicy.FailToBadmail b -> {
                    events.add(b.event());
                    logFailed(delivery(id, name, o, envelope, now, attempts), b.event().reply(), b.reason());
                    if (round != null) {
                        round.report.badmailReasons.add("<" + name + ">: " + b.event().reply() + " (relay " + o.relay()
                                + ", " + now + ")");
                    }
                }
                case DeliveryPolicy.FailSilently f -> {
                    events.add(f.event());
                    logFailed(delivery(id, name, o, envelope, now, attempts), f.event().reply(), f.reason());
                }
            }
        }
        CompletableFuture<?>[] writes = events.stream().map(journal::append).toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(writes).whenComplete((v, error) -> post(() -> {
            if (error == null) {
                events.forEach(state::apply);
            } else {
                log.error("{}: journal write failed, recipients retried in {}: {}", id, JOURNAL_RETRY, error.toString());
                Instant retryAt = clock.instant().plus(JOURNAL_RETRY);
                for (RecipientOutcome o : outcomes) {
                    String name = o.recipient().address().toString();
                    if (state.recipient(id, name).map(r -> r.state() == QueueState.State.PENDING).orElse(false)) {
                        state.scheduler().schedule(id, name, retryAt);
                    }
                }
            }
            finishAttempt(id);
        }));
    }

    private static void logFailed(MailLogLine line, String reply, String reason) {
        line.dsn(Reply.parse(reply)).status("bounced", reply, reason).info(log);
    }

    /** The start of every line about a delivery attempt: to, relay, delay, attempts. */
    private static MailLogLine delivery(QueueId id, String name, RecipientOutcome o, Envelope envelope, Instant now,
                                        int attempts) {
        return MailLogLine.about(id).address("to", name).field("relay", o.relay())
                .delay(Duration.between(envelope.arrival(), now)).field("attempts", attempts);
    }

    /** The last attempt of a round has reported: send its reports, badmail what must be, forget the bytes. */
    private void finishAttempt(QueueId id) {
        Round round = rounds.get(id);
        if (round == null || --round.attempts > 0) {
            return;
        }
        rounds.remove(id);
        boolean finished = !state.isPending(id);
        if (!finished) {
            bodies.spill(id); // waits for a retry: the journal has the bytes
        }
        if (round.report.isEmpty()) {
            if (finished) {
                bodies.forget(id);
            }
            return;
        }
        Settings s = settings;
        workers.execute(() -> {
            reporter.send(round.report, finished, s);
            if (finished) {
                post(() -> {
                    if (!state.isPending(id)) {
                        bodies.forget(id);
                    }
                });
            }
        });
    }

    private static String host(String relay) {
        if (relay == null || relay.equals("none") || relay.equals("dns") || relay.equals(LocalDelivery.RELAY)) {
            return null;
        }
        int bracket = relay.indexOf('[');
        return bracket > 0 ? relay.substring(0, bracket) : relay;
    }

    /** Stops dispatching; attempts under way get {@code grace} to report, the rest are retried after restart. */
    public void shutdown(Duration grace) {
        running = false;
        LockSupport.unpark(owner);
        try {
            owner.join(grace.toMillis());
            workers.shutdown();
            if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }
}
