package tern.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code redis-server}, started by a test on a loopback port: no persistence (no RDB,
 * no AOF), its working directory a temporary one. It can be stopped and started again on the
 * same port, for tests of a Redis that goes away and comes back. Missing, it fails the test
 * on CI and skips it elsewhere ({@link RequiredTool}).
 */
public final class RedisServer implements AutoCloseable {

    public static final Path PROGRAM = Path.of("/usr/bin/redis-server");

    private final int port;
    private final Path dir;
    private Process process;

    private RedisServer(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** A redis-server on a free loopback port. */
    public static RedisServer start() throws IOException, InterruptedException {
        RequiredTool.require(Files.isExecutable(PROGRAM), "redis-server is not installed (Debian: redis-server)");
        Path dir = Files.createTempDirectory("tern-redis");
        return LoopbackPorts.startOnFreePort(port -> {
            RedisServer r = new RedisServer(port, dir);
            r.startAgain();
            return r;
        });
    }

    /** Starts it again on the same port after {@link #stop}. */
    public void startAgain() throws IOException, InterruptedException {
        List<String> command = List.of(PROGRAM.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
                "--protected-mode", "no");
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                process = p;
                return;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IOException("redis-server did not listen on 127.0.0.1:" + port + ": "
                            + Files.readString(dir.resolve("redis.log")));
                }
                Thread.sleep(20);
            }
        }
    }

    /** Kills it (SIGKILL): every client's connection drops at once. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}, the form of {@code cluster.redis}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
