package tern.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import tern.queue.Dispatch;
import tern.queue.SharedLimits;
import tern.route.Destination;

/**
 * Connection limits and rates that hold for every node together, kept in Redis: each
 * destination's connection slots are leases in a sorted set (member {@code <node>:<n>}, score
 * the lease's expiry by Redis's clock), its rate a token bucket in a hash; both are taken in
 * one Lua script, so no two nodes can take the last slot or token. The queue manager's thread
 * never waits: {@link #take} answers from the {@link LeaseBook} at once, sending a request
 * when the book has no idle slot or token in hand and answering {@link Asking}; the reply fills
 * the book and wakes the destination's lane.
 *
 * <p>A lease expires in Redis after {@code leaseTtl} unless renewed; this node renews the
 * leases it holds every third of that, so the slots of a node that died come back within one
 * TTL. Expiry and the token bucket use Redis's clock ({@code TIME} in the scripts), so the
 * nodes' clocks may disagree. When Redis does not answer, every start the local windows allow
 * is granted: the node is limited as if it were alone, never stopped.
 */
public final class RedisLimits implements SharedLimits, AutoCloseable {

    /** Lease TTL unless {@code -Dtern.cluster.leaseTtl} says otherwise (tests make it short). */
    public static final Duration LEASE_TTL = Duration.ofSeconds(15);
    /** How long a node whose destination's slots are all taken waits before asking again, at most. */
    static final long POLL_MILLIS = 200;
    private static final String PREFIX = "tern:";

    /** KEYS: slots, bucket. ARGV: wantSlot, limit, leaseId, ttl, tokens, interval, capacity, poll. */
    static final String ADMIT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local wantSlot = ARGV[1] == '1'
            local ttl = tonumber(ARGV[4])
            local want = tonumber(ARGV[5])
            if wantSlot then
              redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
              if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
                local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
                local wait = tonumber(ARGV[8])
                if first[2] then wait = math.min(wait, math.max(1, tonumber(first[2]) - now)) end
                return {0, 0, wait}
              end
            end
            local granted = 0
            if want > 0 then
              local interval = tonumber(ARGV[6])
              local capacity = tonumber(ARGV[7])
              local b = redis.call('HMGET', KEYS[2], 'tokens', 'at')
              local tokens = tonumber(b[1]) or capacity
              local at = tonumber(b[2]) or now
              if now > at then tokens = math.min(capacity, tokens + (now - at) / interval) end
              if tokens < 1 then
                return {0, 0, math.ceil((1 - tokens) * interval)}
              end
              granted = math.min(want, math.floor(tokens))
              redis.call('HSET', KEYS[2], 'tokens', tostring(tokens - granted), 'at', tostring(now))
              redis.call('PEXPIRE', KEYS[2], math.max(60000, interval * capacity * 2))
            end
            if wantSlot then
              redis.call('ZADD', KEYS[1], now + ttl, ARGV[3])
              redis.call('PEXPIRE', KEYS[1], ttl * 2)
              return {1, granted, 0}
            end
            return {0, granted, 0}
            """;

    /** KEYS: one slot set per lease. ARGV: ttl, then the lease ids. Answers the indexes (1-based) lost. */
    static final String RENEW = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local ttl = tonumber(ARGV[1])
            local lost = {}
            for i, key in ipairs(KEYS) do
              local score = redis.call('ZSCORE', key, ARGV[i + 1])
              if score and tonumber(score) > now then
                redis.call('ZADD', key, 'XX', now + ttl, ARGV[i + 1])
                redis.call('PEXPIRE', key, ttl * 2)
              else
                redis.call('ZREM', key, ARGV[i + 1])
                table.insert(lost, i)
              end
            end
            return lost
            """;

    /** KEYS: one slot set per lease. ARGV: the lease ids. */
    static final String RELEASE = """
            for i, key in ipairs(KEYS) do
              redis.call('ZREM', key, ARGV[i])
            end
            return {}
            """;

    private final RedisLink redis;
    private final LeaseBook book;
    private final Duration leaseTtl;
    private final LongSupplier clock;
    private final AtomicLong leases = new AtomicLong();
    private final String incarnation;
    private volatile Consumer<Destination> listener = d -> { };
    private long lastRenewal;

    public RedisLimits(RedisLink redis, LeaseBook.Settings settings, Duration leaseTtl, LongSupplier clock) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.book = new LeaseBook(settings);
        this.leaseTtl = leaseTtl;
        this.clock = clock;
        // A restarted node must not take the ids of its former self's leases, still alive in Redis.
        this.incarnation = Long.toString(System.currentTimeMillis(), 36);
    }

    /** The lease TTL in force: {@code -Dtern.cluster.leaseTtl} (a Duration, e.g. PT3S), else {@link #LEASE_TTL}. */
    public static Duration leaseTtl() {
        String set = System.getProperty("tern.cluster.leaseTtl");
        return set == null || set.isBlank() ? LEASE_TTL : Duration.parse(set.strip());
    }

    @Override
    public void onAnswer(Consumer<Destination> listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public Answer take(Destination destination, Dispatch.Limits limits, long now) {
        String name = destination.name();
        if (!redis.isUp()) {
            synchronized (book) {
                book.grantedLocally(name);
            }
            return Granted.INSTANCE;
        }
        boolean rated = limits.interval() != null && !limits.interval().isZero();
        int batch = rated ? LeaseBook.batch(limits.interval()) : 0;
        LeaseBook.Ask ask;
        String leaseId;
        synchronized (book) {
            switch (book.take(name, rated, batch, now)) {
                case LeaseBook.Grant g -> {
                    return Granted.INSTANCE;
                }
                case LeaseBook.Wait w -> {
                    return Asking.INSTANCE;
                }
                case LeaseBook.NotBefore n -> {
                    return new NotBefore(n.at());
                }
                case LeaseBook.Ask a -> {
                    ask = a;
                    book.asked(name);
                }
            }
            leaseId = redis.node() + ":" + incarnation + ":" + leases.incrementAndGet();
        }
        long interval = rated ? limits.interval().toMillis() : 1;
        redis.eval(ADMIT, new String[] {slots(name), bucket(name)},
                ask.slot() ? "1" : "0", Integer.toString(limits.connections()), leaseId,
                Long.toString(leaseTtl.toMillis()), Integer.toString(ask.tokens()), Long.toString(interval),
                Integer.toString(Math.max(1, batch)), Long.toString(POLL_MILLIS + jitter()))
                .whenComplete((reply, error) -> {
                    long at = clock.getAsLong();
                    synchronized (book) {
                        if (error != null) {
                            // Redis away: the next take finds the link down and grants locally.
                            // Anything else (a script error): not again for a second.
                            book.failed(name, redis.isUp() ? at + 1000 : at);
                        } else {
                            boolean slot = reply.get(0) == 1;
                            book.answered(name, slot ? leaseId : null, reply.get(1).intValue(),
                                    at + reply.get(2), at);
                        }
                    }
                    listener.accept(destination);
                });
        return Asking.INSTANCE;
    }

    @Override
    public void release(Destination destination, long now) {
        synchronized (book) {
            book.released(destination.name(), now);
        }
    }

    /**
     * The housekeeping this node owes Redis, called a few times a second: idle leases past
     * their linger go back; held ones are renewed every third of the TTL; while Redis does not
     * answer, it is asked again once a second.
     */
    public void tick() {
        long now = clock.getAsLong();
        if (!redis.isUp()) {
            if (now - lastRenewal >= 1000) {
                lastRenewal = now;
                redis.probe();
            }
            synchronized (book) {
                book.expired(now); // forgotten here; Redis lets them expire
            }
            return;
        }
        List<LeaseBook.Lease> expired;
        List<LeaseBook.Lease> held = List.of();
        synchronized (book) {
            expired = book.expired(now);
            if (now - lastRenewal >= leaseTtl.toMillis() / 3) {
                lastRenewal = now;
                held = book.held();
            }
        }
        if (!expired.isEmpty()) {
            redis.eval(RELEASE, keys(expired), ids(expired));
        }
        if (!held.isEmpty()) {
            List<LeaseBook.Lease> renewing = held;
            String[] args = new String[renewing.size() + 1];
            args[0] = Long.toString(leaseTtl.toMillis());
            System.arraycopy(ids(renewing), 0, args, 1, renewing.size());
            redis.eval(RENEW, keys(renewing), args).thenAccept(lost -> {
                synchronized (book) {
                    for (Long i : lost) {
                        book.lost(renewing.get(i.intValue() - 1));
                    }
                }
                if (!lost.isEmpty()) {
                    RedisLink.log.warn("cluster: {} connection slot lease(s) expired in Redis before this node "
                            + "renewed them; the cluster may briefly count fewer deliveries than are under way",
                            lost.size());
                }
            });
        }
    }

    /** Gives back every lease this node holds (a clean stop), so the other nodes need not wait for the TTL. */
    @Override
    public void close() {
        List<LeaseBook.Lease> held;
        synchronized (book) {
            held = book.held();
        }
        if (!held.isEmpty() && redis.isUp()) {
            try {
                redis.eval(RELEASE, keys(held), ids(held)).get(2, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                RedisLink.log.info("cluster: could not give back {} leases at stop; they expire in {}",
                        held.size(), leaseTtl);
            }
        }
    }

    /** Slots this node holds for {@code destination} (tests, logs). */
    public int leases(Destination destination) {
        synchronized (book) {
            return book.leases(destination.name());
        }
    }

    static String slots(String destination) {
        return PREFIX + "slots:" + destination;
    }

    static String bucket(String destination) {
        return PREFIX + "rate:" + destination;
    }

    private static String[] keys(List<LeaseBook.Lease> leases) {
        List<String> keys = new ArrayList<>(leases.size());
        leases.forEach(l -> keys.add(slots(l.destination())));
        return keys.toArray(String[]::new);
    }

    private static String[] ids(List<LeaseBook.Lease> leases) {
        return leases.stream().map(LeaseBook.Lease::id).toArray(String[]::new);
    }

    private static long jitter() {
        return ThreadLocalRandom.current().nextLong(100); // nodes waiting for the same slot ask at different times
    }
}
