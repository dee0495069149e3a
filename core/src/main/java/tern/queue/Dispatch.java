package tern.queue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.Function;
import tern.envelope.Recipient;
import tern.outcome.Outcome;
import tern.queue.DestinationWindow.Feedback;
import tern.queue.DestinationWindow.Verdict;
import tern.route.Destination;
import tern.route.Route;

/**
 * Which delivery starts next: one lane per destination (its {@link DestinationWindow} and its
 * backlog of jobs, oldest first), and a total window over every remote destination. A job
 * starts only when both windows have room; nothing waits on a lock, and a stalled, slow or
 * down destination holds up nothing but its own lane.
 *
 * <p>Lanes that may start a job take turns (round robin), so a destination with a long
 * backlog does not take the whole total window. A lane that is full waits for one of its
 * own jobs to finish; a paced lane waits for its time; a down lane hands its backlog back
 * at once, to be deferred without connecting. Each decision costs a few hash and deque
 * operations, whatever the number of destinations and jobs.
 *
 * <p>Where several nodes share the limits, a start the local window allows is also asked of
 * the {@link SharedLimits}; a lane whose answer is still coming waits without a timer, and
 * {@link #answered} makes it runnable again.
 *
 * <p>Pure and single-owner (the queue manager's thread); the caller passes the time.
 */
public final class Dispatch {

    /** Some recipients of one message, for one destination: one transaction. */
    public record Job(QueueId id, List<Recipient> recipients, Route route, Destination destination) {
        public Job {
            Objects.requireNonNull(destination, "destination");
            recipients = List.copyOf(recipients);
        }
    }

    /**
     * A destination's limits now.
     *
     * @param connections most deliveries under way at once
     * @param interval    least time between two starts, or null for no rate
     * @param counted     whether its deliveries count in the total window and its window adapts
     *                    (remote hosts); local delivery does neither
     */
    public record Limits(int connections, Duration interval, boolean counted) {
    }

    /** What the dispatch decided for a job. */
    public interface Decisions {
        /** Start {@code job} now. */
        void start(Job job);

        /**
         * Defer {@code job} without connecting: its destination is down until {@code until}
         * (epoch ms) after {@code lastFailure} (null if unknown).
         */
        void down(Job job, long until, Outcome lastFailure);
    }

    private static final class Lane {
        final Destination destination;
        final DestinationWindow window;
        final ArrayDeque<Job> backlog = new ArrayDeque<>();
        boolean runnable;
        boolean waiting;
        boolean counted;
        int granted;
        long wakeAt = Long.MAX_VALUE;
        Outcome lastFailure;

        Lane(Destination destination, DestinationWindow window) {
            this.destination = destination;
            this.window = window;
        }
    }

    private static final int KEEP_IDLE = 1 << 16;

    private final HashMap<Destination, Lane> lanes = new HashMap<>();
    private final ArrayDeque<Lane> runnable = new ArrayDeque<>();
    private final ArrayDeque<Lane> waitingForTotal = new ArrayDeque<>();
    private final PriorityQueue<Lane> paced = new PriorityQueue<>((a, b) -> Long.compare(a.wakeAt, b.wakeAt));
    private final Duration pause;
    private final SharedLimits shared;
    private volatile Function<Destination, Limits> limits;
    private int total;
    private int totalInFlight;
    private int backlog;

    /**
     * @param total  most counted deliveries under way at once, over all destinations
     * @param limits each destination's limits, asked again at every decision
     */
    public Dispatch(int total, Function<Destination, Limits> limits) {
        this(total, limits, DestinationWindow.PAUSE);
    }

    public Dispatch(int total, Function<Destination, Limits> limits, Duration pause) {
        this(total, limits, pause, SharedLimits.LOCAL);
    }

    /** @param shared what other nodes allow, asked before each counted start */
    public Dispatch(int total, Function<Destination, Limits> limits, Duration pause, SharedLimits shared) {
        this.total = total;
        this.limits = limits;
        this.pause = pause;
        this.shared = shared;
    }

    /** New limits (a reload): they apply from the next decision. */
    public void limits(int total, Function<Destination, Limits> limits) {
        this.total = total;
        this.limits = limits;
        if (totalInFlight < total) {
            releaseWaitingForTotal();
        }
        for (Lane lane : lanes.values()) {
            if (!lane.backlog.isEmpty()) {
                makeRunnable(lane); // a lane full under the old limit may have room under the new one
            }
        }
    }

    /** Queues a job behind the others for its destination. */
    public void offer(Job job) {
        Lane lane = lanes.get(job.destination());
        if (lane == null) {
            lane = new Lane(job.destination(), new DestinationWindow(pause));
            lanes.put(job.destination(), lane);
        }
        lane.backlog.add(job);
        backlog++;
        makeRunnable(lane);
    }

    /** Starts (or defers, for a down destination) every job the windows allow at {@code now}. */
    public void run(long now, Decisions decisions) {
        while (!paced.isEmpty() && paced.peek().wakeAt <= now) {
            Lane lane = paced.poll();
            lane.wakeAt = Long.MAX_VALUE;
            makeRunnable(lane);
        }
        Lane lane;
        while ((lane = runnable.pollFirst()) != null) {
            lane.runnable = false;
            if (lane.backlog.isEmpty()) {
                forgetIfIdle(lane, now);
                continue;
            }
            Limits l = limits.apply(lane.destination);
            lane.counted = l.counted();
            if (l.counted() && totalInFlight >= total) {
                if (!lane.waiting) {
                    lane.waiting = true;
                    waitingForTotal.add(lane);
                }
                continue;
            }
            if (l.counted()) {
                lane.window.limits(l.connections(), l.interval());
            } else {
                lane.window.fixedLimits(l.connections(), l.interval());
            }
            switch (lane.window.decide(now)) {
                case START -> {
                    if (l.counted()) {
                        switch (shared.take(lane.destination, l, now)) {
                            case SharedLimits.Granted g -> lane.granted++;
                            case SharedLimits.Asking a -> {
                                continue; // answered() brings it back
                            }
                            case SharedLimits.NotBefore n -> {
                                lane.wakeAt = Math.max(n.at(), now + 1);
                                paced.add(lane);
                                continue;
                            }
                        }
                    }
                    Job job = lane.backlog.poll();
                    backlog--;
                    lane.window.started(now);
                    if (l.counted()) {
                        totalInFlight++;
                    }
                    decisions.start(job);
                    makeRunnable(lane); // to the back: lanes take turns
                }
                case DOWN -> {
                    long until = lane.window.downUntil();
                    Job job;
                    while ((job = lane.backlog.poll()) != null) {
                        backlog--;
                        decisions.down(job, until, lane.lastFailure);
                    }
                }
                case PACED -> {
                    lane.wakeAt = lane.window.nextStartAt();
                    paced.add(lane);
                }
                case FULL -> { } // one of its own jobs finishing makes it runnable again
            }
        }
    }

    /** A started job finished with these outcomes at {@code now}. */
    public void finished(Job job, List<Outcome> outcomes, long now) {
        Lane lane = lanes.get(job.destination());
        if (lane == null) {
            return;
        }
        Feedback feedback = Feedback.of(outcomes);
        if (feedback == Feedback.FAILURE) {
            lane.lastFailure = outcomes.isEmpty() ? null : outcomes.getFirst();
        }
        lane.window.finished(feedback, now);
        if (lane.granted > 0) {
            lane.granted--;
            shared.release(lane.destination, now);
        }
        if (lane.counted) {
            totalInFlight--;
            if (totalInFlight < total) {
                releaseWaitingForTotal();
            }
        }
        makeRunnable(lane);
    }

    /**
     * The {@link SharedLimits} have news for {@code destination} (an answer to {@link
     * SharedLimits.Asking}): its lane may try again at the next {@link #run}.
     */
    public void answered(Destination destination) {
        Lane lane = lanes.get(destination);
        if (lane != null && !lane.backlog.isEmpty()) {
            makeRunnable(lane);
        }
    }

    /** When a paced lane may start again (epoch ms), or {@link Long#MAX_VALUE}. */
    public long nextWake() {
        return paced.isEmpty() ? Long.MAX_VALUE : paced.peek().wakeAt;
    }

    /** Whether {@link #run} has something it could start now. */
    public boolean hasRunnable() {
        return !runnable.isEmpty();
    }

    /** Jobs waiting in a lane. */
    public int backlog() {
        return backlog;
    }

    public int inFlight() {
        return totalInFlight;
    }

    /** The window of a destination, for logs and tests; null when it has no lane. */
    public DestinationWindow window(Destination destination) {
        Lane lane = lanes.get(destination);
        return lane == null ? null : lane.window;
    }

    public int destinations() {
        return lanes.size();
    }

    private void makeRunnable(Lane lane) {
        if (!lane.runnable && lane.wakeAt == Long.MAX_VALUE) {
            lane.runnable = true;
            runnable.addLast(lane);
        }
    }

    private void releaseWaitingForTotal() {
        Lane lane;
        while ((lane = waitingForTotal.pollFirst()) != null) {
            lane.waiting = false;
            makeRunnable(lane);
        }
    }

    /**
     * An idle lane is dropped once there are many: destinations come and go by the thousand,
     * and an idle one starts afresh next time. Below that, lanes are kept, which spares the
     * busiest path (a destination that empties its backlog with every delivery) an allocation.
     */
    private void forgetIfIdle(Lane lane, long now) {
        if (lanes.size() > KEEP_IDLE && lane.window.isIdle(now)) {
            lanes.remove(lane.destination);
        }
    }
}
