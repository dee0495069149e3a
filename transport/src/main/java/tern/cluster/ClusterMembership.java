package tern.cluster;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import tern.admin.ReadinessCheck;
import tern.config.TernConfig;
import tern.queue.SharedLimits;

/**
 * This node's part in a cluster ({@code cluster.redis}): the link to Redis, the shared limits
 * the queue manager asks, and the heartbeat into the registry, with the one thread that does
 * their housekeeping (lease renewal and release, heartbeats, probing a Redis that went away).
 * That thread only sends requests; it never waits for an answer.
 */
public final class ClusterMembership implements AutoCloseable {

    private static final long TICK_MILLIS = 100;

    private final RedisLink redis;
    private final RedisLimits limits;
    private final ScheduledExecutorService housekeeping;
    private volatile NodeRegistry registry;

    private ClusterMembership(RedisLink redis, RedisLimits limits) {
        this.redis = redis;
        this.limits = limits;
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("cluster").daemon(true).factory());
        housekeeping.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Joins the cluster {@code config} names; the link connects in the background. */
    public static ClusterMembership join(TernConfig.Cluster config, InstantSource clock) {
        RedisLink redis = RedisLink.open(config.redis(), config.node());
        return new ClusterMembership(redis, new RedisLimits(redis, LeaseBook.Settings.DEFAULT, RedisLimits.leaseTtl(),
                clock::millis));
    }

    /** What the queue manager asks before each remote delivery. */
    public SharedLimits limits() {
        return limits;
    }

    /** Starts the heartbeat, once the listeners are bound and their addresses known. */
    public void announce(Supplier<NodeRegistry.Facts> facts) {
        Duration every = NodeRegistry.heartbeat();
        NodeRegistry r = new NodeRegistry(redis, every, facts);
        this.registry = r;
        housekeeping.scheduleWithFixedDelay(() -> {
            if (redis.isUp()) {
                r.beat();
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** For {@code /health/ready}: a warning, never "not ready", while Redis does not answer. */
    public ReadinessCheck readiness() {
        return redis.readiness();
    }

    public RedisLink redis() {
        return redis;
    }

    private void tick() {
        try {
            limits.tick();
        } catch (RuntimeException e) {
            RedisLink.log.warn("cluster: housekeeping failed: {}", e.toString());
        }
    }

    /** Gives back the leases and leaves the registry (a clean stop), then closes the link. */
    @Override
    public void close() {
        housekeeping.shutdownNow();
        limits.close();
        NodeRegistry r = registry;
        if (r != null) {
            r.leave();
        }
        redis.close();
    }
}
