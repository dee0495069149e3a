package tern.cluster;

import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import tern.metrics.QueueGauges;

/**
 * The cluster's list of nodes, in Redis: every node writes a heartbeat every
 * {@link #heartbeat()} into a hash of its own ({@code tern:node:<name>}: its admin and SMTP
 * addresses, queue size, oldest message, the heartbeat's time by Redis's clock), which
 * expires after three heartbeats, and into the sorted set {@code tern:nodes} (score: the last
 * heartbeat), from which a node is dropped a day after its last one. A node whose hash is
 * gone, or whose heartbeat is older than three intervals, is listed as expired: it died, was
 * stopped, or cannot reach Redis.
 */
public final class NodeRegistry {

    /** Heartbeat interval unless {@code -Dtern.cluster.heartbeat} says otherwise. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(5);
    static final String NODES = "tern:nodes";
    private static final long FORGET_AFTER = Duration.ofDays(1).toMillis();

    /** KEYS: node hash, node set. ARGV: name, ttl ms, then field, value pairs. */
    static final String BEAT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('DEL', KEYS[1])
            for i = 3, #ARGV, 2 do
              redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
            end
            redis.call('HSET', KEYS[1], 'heartbeat', tostring(now))
            redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
            redis.call('ZADD', KEYS[2], now, ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - %d)
            return {now}
            """.formatted(FORGET_AFTER);

    /** What one node said in its last heartbeat. */
    public record Node(String name, Instant heartbeat, boolean alive, String admin, String smtp,
                       long messages, long recipients, Instant oldest) {
    }

    /** This node's facts, asked at every heartbeat. */
    public record Facts(String admin, String smtp, QueueGauges queue) {
    }

    private final RedisLink redis;
    private final Supplier<Facts> facts;
    private final Duration interval;

    public NodeRegistry(RedisLink redis, Duration interval, Supplier<Facts> facts) {
        this.redis = redis;
        this.interval = interval;
        this.facts = facts;
    }

    /** The heartbeat in force: {@code -Dtern.cluster.heartbeat} (a Duration), else {@link #HEARTBEAT}. */
    public static Duration heartbeat() {
        String set = System.getProperty("tern.cluster.heartbeat");
        return set == null || set.isBlank() ? HEARTBEAT : Duration.parse(set.strip());
    }

    static String key(String node) {
        return "tern:node:" + node;
    }

    /** One heartbeat (skipped while Redis does not answer; the link's probe brings it back). */
    public CompletableFuture<List<Long>> beat() {
        Facts f = facts.get();
        Instant oldest = f.queue().oldestMessageArrival();
        String[] args = {redis.node(), Long.toString(interval.toMillis() * 3),
                "name", redis.node(),
                "admin", f.admin() == null ? "" : f.admin(),
                "smtp", f.smtp() == null ? "" : f.smtp(),
                "messages", Long.toString(f.queue().messages()),
                "recipients", Long.toString(f.queue().pendingRecipients() + f.queue().deferredRecipients()),
                "oldest", oldest == null ? "" : Long.toString(oldest.toEpochMilli()),
                "interval", Long.toString(interval.toMillis())};
        return redis.eval(BEAT, new String[] {key(redis.node()), NODES}, args);
    }

    /** Drops this node's hash at a clean stop: the registry then lists it as expired at once. */
    public void leave() {
        if (redis.isUp()) {
            try {
                redis.call(c -> c.del(key(redis.node()))).get(2, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                RedisLink.log.debug("cluster: could not leave the registry: {}", e.toString());
            }
        }
    }

    /** Every node the registry knows, oldest name first, with whether its heartbeat is alive now. */
    public static CompletableFuture<List<Node>> nodes(RedisLink redis) {
        return redis.call(c -> c.time()).thenCompose(time -> {
            long now = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
            return redis.call(c -> c.zrangebyscoreWithScores(NODES, Range.unbounded())).thenCompose(scored -> {
                List<CompletableFuture<Node>> each = new ArrayList<>();
                for (ScoredValue<String> s : scored) {
                    String name = s.getValue();
                    long last = (long) s.getScore();
                    each.add(redis.call(c -> c.hgetall(key(name))).thenApply(h -> node(name, last, h, now)));
                }
                return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                        .thenApply(v -> each.stream().map(CompletableFuture::join)
                                .sorted(java.util.Comparator.comparing(Node::name)).toList());
            });
        });
    }

    private static Node node(String name, long lastBeat, Map<String, String> h, long now) {
        if (h == null || h.isEmpty()) {
            return new Node(name, Instant.ofEpochMilli(lastBeat), false, null, null, 0, 0, null);
        }
        long beat = Long.parseLong(h.getOrDefault("heartbeat", Long.toString(lastBeat)));
        long every = Long.parseLong(h.getOrDefault("interval", Long.toString(HEARTBEAT.toMillis())));
        String oldest = h.getOrDefault("oldest", "");
        return new Node(name, Instant.ofEpochMilli(beat), now - beat < every * 3,
                blankToNull(h.get("admin")), blankToNull(h.get("smtp")),
                Long.parseLong(h.getOrDefault("messages", "0")), Long.parseLong(h.getOrDefault("recipients", "0")),
                oldest.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(oldest)));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
