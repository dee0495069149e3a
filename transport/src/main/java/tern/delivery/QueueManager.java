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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.address.Mailbox;
import tern.badmail.Badmail;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.journal.JournalEvent.Accepted;
import tern.journal.JournalEvent.Badmailed;
import tern.journal.JournalEvent.RetryRequested;
import tern.logging.MailLogLine;
import tern.metrics.QueueGauges;
import tern.metrics.TernMetrics;
import tern.outcome.RecipientOutcome;
import tern.queue.DeliveryPolicy;
import tern.queue.DeliveryPolicy.Transport;
import tern.queue.DestinationLimits;
import tern.queue.DestinationWindow;
import tern.queue.Dispatch;
import tern.queue.QueueId;
import tern.queue.QueueIdGenerator;
import tern.queue.QueueState;
import tern.queue.Scheduler.DueWork;
import tern.queue.SharedLimits;
import tern.route.Destination;
import tern.route.Route;
import tern.route.Router;

/**
 * The queue manager: the one owner of the queue state and the only writer of queue events
 * (outcomes, delays, reports queued, deletes, retries). Postfix's qmgr rule: one thread
 * decides what is delivered when; everything else sends it a request.
 *
 * <p>Its thread takes due recipients from the scheduler, groups them by message and
 * destination into jobs, and lets {@link Dispatch} start each when its destination's window
 * and the total window have room; a {@link DeliveryAgent} carries it out on a virtual thread
 * and posts the outcomes back. {@link Settlement} turns them into events; once they are
 * journaled they are folded in. A recipient taken from the scheduler is in flight until
 * then, so it cannot be dispatched twice; an outcome whose journal write fails is not folded
 * in, and the recipient is tried again a minute later.
 *
 * <p>Delay notices are scheduler entries like retries (one timer). Reports (NDRs, delay and
 * success DSNs) and Badmail entries are made when the last delivery of a message in this
 * round has reported, so one message's recipients that failed together share one NDR; the
 * {@link Notifier} builds them on a worker, and this thread journals them.
 */
public final class QueueManager implements AutoCloseable {

    static final Logger log = LoggerFactory.getLogger("tern.delivery");
    private static final int POLL_BATCH = 512;
    static final Duration JOURNAL_RETRY = Duration.ofMinutes(1);

    /**
     * What the manager needs that may change on reload; every limit applies from the next dispatch.
     *
     * @param limits each destination's connection limit and rate
     * @param totalConnections most remote deliveries under way at once
     */
    public record Settings(Router router, DeliveryPolicy policy, RemoteDelivery remote,
                           DestinationLimits limits, int totalConnections,
                           String fqdn, Mailbox ndrCopyTo, int maxHopCount) {

        /** Every destination limited to {@code perDestination} deliveries at once, no rate. */
        public static DestinationLimits perDestination(int perDestination) {
            return DestinationLimits.uniform(perDestination);
        }
    }

    final QueueState state;
    final InstantSource clock;
    final EventLog journal;
    final MessageBodies bodies;
    final Badmail badmail;
    final TernMetrics metrics;
    final Notifier notifier;
    private final DeliveryAgent agent;
    private final Dispatch dispatch;
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    /** Sweeps of retry|delete --domain; finished ones are kept a while for their final count. */
    private static final int KEPT_SWEEPS = 32;
    private final java.util.concurrent.atomic.AtomicLong sweepJobs = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.ConcurrentSkipListMap<Long, DomainSweep> sweeps =
            new java.util.concurrent.ConcurrentSkipListMap<>();
    final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("delivery-", 0).factory());
    final Rounds rounds;
    final DelayNotices notices;
    final HandOvers handOvers;
    private final Thread owner;
    volatile Settings settings;
    private volatile boolean running = true;
    private final QueueSize size = new QueueSize();

    public QueueManager(QueueState state, InstantSource clock, EventLog journal, MessageBodies bodies,
                        LocalDelivery local, Badmail badmail, QueueIdGenerator ids, TernMetrics metrics,
                        Settings settings) {
        this(state, clock, journal, bodies, local, badmail, ids, metrics, settings, SharedLimits.LOCAL);
    }

    /**
     * @param shared what the other nodes of a cluster allow; its answers come back to this
     *               manager's thread, which never waits for them
     */
    public QueueManager(QueueState state, InstantSource clock, EventLog journal, MessageBodies bodies,
                        LocalDelivery local, Badmail badmail, QueueIdGenerator ids, TernMetrics metrics,
                        Settings settings, SharedLimits shared) {
        this.state = state;
        this.clock = clock;
        this.journal = journal;
        this.bodies = bodies;
        this.badmail = badmail;
        this.metrics = metrics;
        this.notifier = new Notifier(clock, bodies, badmail, ids, metrics);
        this.rounds = new Rounds(this);
        this.agent = new DeliveryAgent(bodies, local);
        this.settings = settings;
        this.dispatch = new Dispatch(settings.totalConnections(), settings.limits(), DestinationWindow.PAUSE, shared);
        shared.onAnswer(destination -> post(() -> dispatch.answered(destination)));
        this.notices = new DelayNotices(this);
        this.handOvers = new HandOvers(this);
        this.owner = Thread.ofPlatform().name("queue-manager").daemon(false).unstarted(this::run);
    }

    public void start() {
        owner.start();
    }

    /** A message was journaled (a fresh arrival): queue it. Its bytes must already be kept. */
    public void arrived(Accepted accepted) {
        post(() -> state.apply(accepted));
    }

    /** New routes, retry settings and limits: they apply from the next dispatch. */
    public void reconfigure(Settings next) {
        settings = next;
        post(() -> dispatch.limits(next.totalConnections(), next.limits()));
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
        var answer = new CompletableFuture<Boolean>();
        post(() -> {
            if (!state.isPending(id)) {
                answer.complete(false);
                return;
            }
            var event = new RetryRequested(id, clock.instant());
            journal.append(event).whenComplete((v, error) -> post(() -> {
                if (error != null) {
                    answer.completeExceptionally(error);
                } else {
                    state.apply(event);
                    answer.complete(true);
                }
            }));
        });
        return answer;
    }

    /** {@code tern queue retry --all}: flush. Returns how many messages were made due. */
    public CompletableFuture<Integer> retryAll() {
        return this.<List<QueueId>>ask(QueueState::ids)
                .thenCompose(list -> {
                    var all = list.stream().map(this::retry).toArray(CompletableFuture[]::new);
                    return CompletableFuture.allOf(all).thenApply(v -> list.size());
                });
    }

    /**
     * {@code tern queue delete ID}: the message goes to Badmail with the reason "deleted by
     * operator" (the file is written on a worker), and the Badmailed event, journaled by this
     * manager, removes it from the queue.
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
            var answer = new CompletableFuture<Boolean>();
            var event = new Badmailed(id, now, "deleted by operator");
            post(() -> journal.append(event).whenComplete((v, error) -> post(() -> {
                if (error != null) {
                    answer.completeExceptionally(error);
                    return;
                }
                state.apply(event);
                bodies.forget(id);
                metrics.messageBadmailed();
                MailLogLine.about(id).status("badmailed", "deleted by operator").info(log);
                answer.complete(true);
            })));
            return answer;
        }, workers);
    }

    /**
     * {@code tern queue evacuate}: the message is held for a hand-over to another MTA. Nothing
     * of it is dispatched until {@link #handedOver} or {@link #releaseHandOver}; a delivery
     * already under way is waited for. Completes with what is still pending (empty when the
     * message is no longer queued).
     */
    public CompletableFuture<java.util.Optional<Evacuation.Held>> holdForHandOver(QueueId id) {
        var answer = new CompletableFuture<java.util.Optional<Evacuation.Held>>();
        post(() -> handOvers.hold(id, answer));
        return answer;
    }

    /**
     * The peer said 250: the event is journaled (durable per {@code journal.sync}, fsynced by
     * default) and folded in, and the hold ends. Completes once journaled.
     */
    public CompletableFuture<Void> handedOver(tern.journal.JournalEvent.HandedOver event) {
        var answer = new CompletableFuture<Void>();
        post(() -> handOvers.record(event, answer));
        return answer;
    }

    /** The hand-over did not happen: the message is scheduled as before. */
    public void releaseHandOver(QueueId id) {
        post(() -> handOvers.release(id));
    }

    /** This queue for {@code tern queue evacuate}: held, handed over and released through this manager. */
    public Evacuation.Queue forEvacuation() {
        return HandOvers.of(this);
    }

    /**
     * {@code tern queue retry|delete --domain D}: starts a {@link DomainSweep} over every
     * message with a recipient waiting at {@code domain}, done in chunks between the owner's
     * other work. Returns at once; ask {@link #sweep(long)} how far it got.
     */
    public DomainSweep sweep(DomainSweep.Kind kind, String domain) {
        if (domain == null || domain.isBlank()) {
            throw new IllegalArgumentException("no domain to " + kind.word());
        }
        DomainSweep sweep = new DomainSweep(this, sweepJobs.incrementAndGet(), kind, domain);
        sweeps.put(sweep.progress().job(), sweep);
        while (sweeps.size() > KEPT_SWEEPS) { // finished ones are kept a while for their final count
            sweeps.pollFirstEntry();
        }
        post(sweep::start);
        return sweep;
    }

    /** A sweep started by {@link #sweep(DomainSweep.Kind, String)}, while it is kept. */
    public java.util.Optional<DomainSweep> sweep(long job) {
        return java.util.Optional.ofNullable(sweeps.get(job));
    }


    /** Wakes the owner thread, e.g. after a test moved its clock on. */
    public void wake() {
        LockSupport.unpark(owner);
    }

    void post(Runnable task) {
        inbox.add(task);
        LockSupport.unpark(owner);
    }

    /** The queue's size as last published by the owner thread, for /metrics (read from other threads). */
    public QueueGauges gauges() {
        return size;
    }

    private void run() {
        notices.load(); // the state was replayed before the manager started
        while (running) {
            Runnable task;
            while ((task = inbox.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("queue manager task failed", e);
                }
            }
            Instant now = clock.instant();
            size.publish(state, now);
            List<DueWork> due = state.scheduler().pollDue(now, POLL_BATCH);
            for (DueWork work : due) {
                try {
                    plan(work, now);
                } catch (RuntimeException e) {
                    // Taken from the scheduler but not handed out: put them back, or they wait for a restart.
                    log.error("{}: dispatch failed, retried in {}", work.id(), JOURNAL_RETRY, e);
                    for (String recipient : work.recipients()) {
                        if (QueueState.noticeOf(recipient) == null) {
                            state.scheduler().schedule(work.id(), recipient, now.plus(JOURNAL_RETRY));
                        }
                    }
                }
            }
            try {
                dispatch.run(now.toEpochMilli(), decisions);
            } catch (RuntimeException e) {
                log.error("dispatch failed", e); // never the end of the queue manager
            }
            if (due.size() == POLL_BATCH || !inbox.isEmpty()) {
                continue;
            }
            long wakeAt = Math.min(state.scheduler().nextDue().map(Instant::toEpochMilli).orElse(Long.MAX_VALUE),
                    dispatch.nextWake());
            long waitNanos = wakeAt == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(1)
                    : TimeUnit.MILLISECONDS.toNanos(wakeAt - now.toEpochMilli());
            if (waitNanos > 0) {
                // Bounded: a clock that jumps (a test's, or NTP) is noticed within a second.
                LockSupport.parkNanos(this, Math.min(waitNanos, TimeUnit.SECONDS.toNanos(1)));
            }
        }
    }

    /** Due recipients of one message: delay notices fire; the rest become one job per destination. */
    private void plan(DueWork work, Instant now) {
        Envelope envelope = state.envelope(work.id()).orElse(null);
        if (envelope == null || handOvers.park(work.id(), work.recipients())) {
            return;
        }
        Settings s = settings;
        Map<Destination, List<Recipient>> groups = new LinkedHashMap<>();
        Map<Destination, Route> routes = new HashMap<>();
        List<Recipient> unroutable = new ArrayList<>(0);
        for (String name : work.recipients()) {
            String notice = QueueState.noticeOf(name);
            if (notice != null) {
                state.noticeTaken(work.id(), notice);
                notices.fire(envelope, notice, now);
                continue;
            }
            Recipient recipient = find(envelope, name);
            if (recipient == null) {
                continue;
            }
            Route route;
            try {
                route = s.router().route(recipient.address());
            } catch (IllegalArgumentException e) {
                unroutable.add(recipient); // e.g. an address literal that is no IP address
                continue;
            }
            Destination destination = s.limits().destination(route, recipient.address().domain());
            groups.computeIfAbsent(destination, k -> new ArrayList<>()).add(recipient);
            routes.putIfAbsent(destination, route);
        }
        if (!unroutable.isEmpty()) {
            rounds.begin(envelope);
            rounds.settle(envelope, Transport.REMOTE, DeliveryAgent.everyone(unroutable, DeliveryAgent.UNROUTABLE));
        }
        groups.forEach((destination, recipients) ->
                dispatch.offer(new Dispatch.Job(envelope.id(), recipients, routes.get(destination), destination)));
    }

    private final Dispatch.Decisions decisions = new Dispatch.Decisions() {
        @Override
        public void start(Dispatch.Job job) {
            Envelope envelope = state.envelope(job.id()).orElse(null);
            if (envelope == null || handOvers.park(job.id(), names(job))) { // deleted or held while it waited in its lane
                dispatch.finished(job, List.of(), clock.millis());
                return;
            }
            rounds.begin(envelope);
            RemoteDelivery remote = settings.remote();
            workers.execute(() -> {
                List<RecipientOutcome> outcomes = agent.deliver(job, envelope, remote);
                post(() -> {
                    dispatch.finished(job, outcomes.stream().map(RecipientOutcome::outcome).toList(), clock.millis());
                    rounds.settle(envelope, transport(job.route()), outcomes);
                });
            });
        }

        @Override
        public void down(Dispatch.Job job, long until, tern.outcome.Outcome lastFailure) {
            Envelope envelope = state.envelope(job.id()).orElse(null);
            if (envelope == null || handOvers.park(job.id(), names(job))) {
                return;
            }
            rounds.begin(envelope);
            rounds.settle(envelope, transport(job.route()), DeliveryAgent.everyone(job.recipients(),
                    Down.outcome(job.destination(), Instant.ofEpochMilli(until), lastFailure)));
        }
    };

    private static List<String> names(Dispatch.Job job) {
        return job.recipients().stream().map(r -> r.address().toString()).toList();
    }

    private static Transport transport(Route route) {
        return route instanceof Route.Local ? Transport.LOCAL : Transport.REMOTE;
    }

    private static Recipient find(Envelope envelope, String name) {
        for (Recipient r : envelope.recipients()) {
            if (r.address().toString().equals(name)) {
                return r;
            }
        }
        return null;
    }

    /** Stops dispatching; deliveries under way get {@code grace} to report, the rest are retried after restart. */
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
