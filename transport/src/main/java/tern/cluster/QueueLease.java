package tern.cluster;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The right to take over a stopped node's queue ({@code tern queue evacuate --data-dir}),
 * shared through Redis so that two nodes that can both reach a dead node's disk cannot both
 * send its mail: {@code SET tern:takeover:<data-dir id> "<node> <token>" NX PX <ttl>}, renewed
 * every third of the ttl while the work goes on, deleted at the end.
 *
 * <p>Renewal and release compare the value first (a Lua script, atomic in Redis): a holder
 * that was too slow and lost the key to another must not extend or delete the other's lease.
 * A lease that could not be renewed is {@link #held() lost}, and its holder stops before the
 * next message; the key expires by itself when its holder dies.
 */
public final class QueueLease implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("tern.cluster");

    /** Another node holds the lease. */
    public static final class HeldElsewhere extends IOException {
        private final String holder;

        HeldElsewhere(String key, String holder) {
            super(key + " is held by " + holder + ": another node is taking this queue over");
            this.holder = holder;
        }

        public String holder() {
            return holder;
        }
    }

    private static final String RENEW = """
            if redis.call('get', KEYS[1]) == ARGV[1] then
              return redis.call('pexpire', KEYS[1], ARGV[2])
            end
            return 0""";
    private static final String RELEASE = """
            if redis.call('get', KEYS[1]) == ARGV[1] then
              return redis.call('del', KEYS[1])
            end
            return 0""";

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String key;
    private final String value;
    private final Duration ttl;
    private final ScheduledExecutorService renewer;
    private volatile boolean held = true;

    private QueueLease(RedisClient client, StatefulRedisConnection<String, String> connection, String key,
                       String value, Duration ttl) {
        this.client = client;
        this.connection = connection;
        this.key = key;
        this.value = value;
        this.ttl = ttl;
        this.renewer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("queue-lease").daemon(true).factory());
        long every = Math.max(1, ttl.toMillis() / 3);
        renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    /** The Redis key that guards the queue of the data directory with this id. */
    public static String key(String dataDirId) {
        return "tern:takeover:" + dataDirId;
    }

    /**
     * Takes the lease on the queue of the data directory {@code dataDirId} for {@code node}.
     *
     * @throws HeldElsewhere when another holder has it
     * @throws IOException   when Redis cannot be reached: without the lease nothing is taken over
     */
    public static QueueLease acquire(String redisUri, String dataDirId, String node, Duration ttl) throws IOException {
        RedisClient client;
        try {
            RedisURI uri = RedisURI.create(redisUri);
            uri.setTimeout(Duration.ofSeconds(10));
            client = RedisClient.create(uri);
        } catch (IllegalArgumentException e) {
            throw new IOException("cluster.redis: not a Redis URI: " + redisUri, e);
        }
        StatefulRedisConnection<String, String> connection = null;
        try {
            connection = client.connect();
            String key = key(dataDirId);
            String value = node + " " + UUID.randomUUID();
            RedisCommands<String, String> redis = connection.sync();
            String ok = redis.set(key, value, SetArgs.Builder.nx().px(ttl.toMillis()));
            if (!"OK".equals(ok)) {
                String other = redis.get(key);
                throw new HeldElsewhere(key, other == null ? "a node whose lease just ended" : holderOf(other));
            }
            return new QueueLease(client, connection, key, value, ttl);
        } catch (HeldElsewhere e) {
            close(client, connection);
            throw e;
        } catch (RedisException e) {
            close(client, connection);
            throw new IOException("cannot take the takeover lease in Redis at " + redisUri + ": " + e.getMessage(), e);
        }
    }

    private static String holderOf(String value) {
        int space = value.lastIndexOf(' ');
        return space > 0 ? value.substring(0, space) : value;
    }

    private void renew() {
        if (!held) {
            return;
        }
        try {
            Long renewed = connection.sync().eval(RENEW, ScriptOutputType.INTEGER, new String[] {key}, value,
                    Long.toString(ttl.toMillis()));
            if (renewed == null || renewed == 0) {
                held = false;
                log.error("takeover lease {} lost: another holder has it now; stopping", key);
            }
        } catch (RedisException e) {
            // Cannot tell whether it still holds: stop rather than risk two senders.
            held = false;
            log.error("takeover lease {} could not be renewed ({}); stopping", key, e.getMessage());
        }
    }

    /** Still ours, as far as the last renewal knows; false once lost, and for good. */
    public boolean held() {
        return held;
    }

    public String key() {
        return key;
    }

    /** Stops renewing and deletes the key if it is still ours. */
    @Override
    public void close() {
        renewer.shutdownNow();
        try {
            if (held) {
                connection.sync().eval(RELEASE, ScriptOutputType.INTEGER, new String[] {key}, value);
            }
        } catch (RedisException e) {
            log.warn("takeover lease {} not released ({}); it expires in {}", key, e.getMessage(), ttl);
        } finally {
            held = false;
            close(client, connection);
        }
    }

    private static void close(RedisClient client, StatefulRedisConnection<String, String> connection) {
        if (connection != null) {
            connection.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
