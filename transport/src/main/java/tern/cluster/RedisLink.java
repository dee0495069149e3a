package tern.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.netty.resolver.DefaultAddressResolverGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.admin.ReadinessCheck;
import tern.config.ConfigException;

/**
 * This node's one connection to the cluster's Redis, and whether Redis answers. Everything
 * goes through Lettuce's asynchronous API: a caller gets a future and no thread ever waits
 * for Redis.
 *
 * <p>Redis is a help, never a condition: when it does not answer (at start or later), a
 * command fails at once instead of waiting in a buffer (commands are refused while
 * disconnected, and time out after {@link #COMMAND_TIMEOUT}); the node says so once in its
 * log and in {@code /health/ready}'s details, works with its local limits, and tries again
 * every second until Redis answers, which it also logs once. Degraded is a warning, not
 * "not ready": a load balancer that pulled every node whose Redis is gone would pull all of
 * them at once.
 */
public final class RedisLink implements AutoCloseable {

    static final Logger log = LoggerFactory.getLogger("tern.cluster");
    /** How long a command may take before Redis counts as unreachable. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);

    private final String node;
    private final RedisURI uri;
    private final ClientResources resources;
    private final RedisClient client;
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile boolean up;
    private volatile String lastProblem = "not connected yet";
    private volatile boolean connecting;
    private boolean downLogged;
    private volatile boolean closing;
    private final AtomicLong calls = new AtomicLong();

    private RedisLink(String node, RedisURI uri) {
        this.node = node;
        this.uri = uri;
        // The JDK's resolver (hosts file, then the system's): no Netty DNS client of its own.
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1)
                .addressResolverGroup(DefaultAddressResolverGroup.INSTANCE).build();
        this.client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(COMMAND_TIMEOUT).build())
                .build());
        // Lettuce reconnects by itself; these say when, so a drop is noticed before a command fails.
        client.addListener(new io.lettuce.core.RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(io.lettuce.core.RedisChannelHandler<?, ?> handler,
                                         java.net.SocketAddress address) {
                markUp();
            }

            @Override
            public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> handler) {
                if (!closing) {
                    markDown(new IllegalStateException("connection lost"));
                }
            }
        });
    }

    /**
     * A link to {@code redis} ({@code redis://host:port}) for node {@code node}; it connects in
     * the background, so a node starts whether Redis answers or not.
     *
     * @throws ConfigException when {@code redis} is no Redis URI
     */
    public static RedisLink open(String redis, String node) {
        RedisURI uri;
        try {
            uri = RedisURI.create(redis);
        } catch (RuntimeException e) {
            throw new ConfigException("cluster.redis", redis, "a Redis URI such as redis://127.0.0.1:6379");
        }
        uri.setTimeout(COMMAND_TIMEOUT);
        RedisLink link = new RedisLink(node, uri);
        link.reconnect();
        return link;
    }

    /** This node's name in the cluster. */
    public String node() {
        return node;
    }

    /**
     * Whether Redis answered the last command. The connection listener may say "connected"
     * before connectAsync hands the connection over: up needs both.
     */
    public boolean isUp() {
        return up && connection != null;
    }

    /** Commands sent to Redis since start: the cost the README measures. */
    public long calls() {
        return calls.get();
    }

    /**
     * Runs {@code script} (Lua) with {@code keys} and {@code args}; the answer is a list of
     * integers. Fails at once, without sending, when the link is down.
     */
    public CompletableFuture<List<Long>> eval(String script, String[] keys, String... args) {
        RedisAsyncCommands<String, String> redis = commands();
        if (redis == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(lastProblem));
        }
        calls.incrementAndGet();
        CompletableFuture<List<Long>> answer = redis.<List<Long>>eval(script, ScriptOutputType.MULTI, keys, args)
                .toCompletableFuture();
        return watch(answer);
    }

    /** Runs {@code command} against the connection, counting it and watching for failure. */
    public <T> CompletableFuture<T> call(java.util.function.Function<RedisAsyncCommands<String, String>,
            java.util.concurrent.CompletionStage<T>> command) {
        RedisAsyncCommands<String, String> redis = commands();
        if (redis == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(lastProblem));
        }
        calls.incrementAndGet();
        return watch(command.apply(redis).toCompletableFuture());
    }

    /**
     * For a command-line tool, which may wait: true once Redis answers, false if it has not
     * within {@code timeout}.
     */
    public boolean awaitUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isUp() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return isUp();
    }

    /** Why Redis does not answer, in a few words. */
    public String problem() {
        return lastProblem;
    }

    /** Asks Redis whether it answers again (called every second while it does not). */
    public void probe() {
        if (connection == null) {
            reconnect();
            return;
        }
        call(RedisAsyncCommands::ping);
    }

    /** For {@code /health/ready}: a warning while Redis does not answer, never "not ready". */
    public ReadinessCheck readiness() {
        return ReadinessCheck.of("cluster", () -> up ? ReadinessCheck.Verdict.ready()
                : ReadinessCheck.Verdict.warning("Redis " + uri.getHost() + ":" + uri.getPort()
                + " does not answer (" + lastProblem + "): this node applies its local limits alone"));
    }

    private RedisAsyncCommands<String, String> commands() {
        StatefulRedisConnection<String, String> c = connection;
        return c == null ? null : c.async();
    }

    private <T> CompletableFuture<T> watch(CompletableFuture<T> answer) {
        return answer.whenComplete((value, error) -> {
            if (error == null) {
                markUp();
            } else if (!(unwrap(error) instanceof io.lettuce.core.RedisCommandExecutionException)) {
                markDown(unwrap(error)); // a script error is a bug, not Redis being away
            }
        });
    }

    private void reconnect() {
        if (connecting) {
            return;
        }
        connecting = true;
        client.connectAsync(StringCodec.UTF8, uri).whenComplete((c, error) -> {
            connecting = false;
            if (error != null) {
                markDown(unwrap(error));
                return;
            }
            connection = c;
            markUp();
        });
    }

    private synchronized void markUp() {
        if (!up) {
            up = true;
            downLogged = false;
            log.info("cluster: Redis {}:{} answers; node {} shares the cluster's limits and registry",
                    uri.getHost(), uri.getPort(), node);
        }
    }

    private synchronized void markDown(Throwable cause) {
        lastProblem = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        up = false;
        if (!downLogged) {
            downLogged = true;
            log.warn("cluster: Redis {}:{} does not answer ({}); node {} goes on with its local limits and "
                    + "rejoins when Redis is back", uri.getHost(), uri.getPort(), lastProblem, node);
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public void close() {
        closing = true;
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
    }
}
