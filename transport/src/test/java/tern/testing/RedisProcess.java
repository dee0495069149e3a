package tern.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Debian's {@code redis-server} on a loopback port of its own, in memory only (no RDB, no AOF),
 * for the tests of what Tern keeps in Redis. {@code ./tern test} installs it.
 */
public final class RedisProcess implements AutoCloseable {

    public static final Path PROGRAM = Path.of("/usr/bin/redis-server");

    private Process process;
    private final int port;
    private final Path dir;

    private RedisProcess(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static boolean installed() {
        return Files.isExecutable(PROGRAM);
    }

    /** Starts one on a free port below the ephemeral range; waits until it accepts connections. */
    public static RedisProcess start(Path dir) throws IOException, InterruptedException {
        RequiredTool.require(installed(), "redis-server is not installed (Debian package redis-server)");
        return LoopbackPorts.startOnFreePort(port -> start(dir, port));
    }

    private static RedisProcess start(Path dir, int port) throws IOException, InterruptedException {
        Path log = dir.resolve("redis-" + port + ".log");
        Process p = new ProcessBuilder(List.of(PROGRAM.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        var redis = new RedisProcess(p, port, dir);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return redis;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    redis.close();
                    throw new IOException("redis-server did not listen on port " + port + ":\n" + Files.readString(log));
                }
                Thread.sleep(20);
            }
        }
    }

    /** Kills it (SIGKILL), for a test of Redis going away: every client's connection drops at once. */
    public void stop() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Starts it again, empty, on the same port after {@link #stop}: Redis coming back. */
    public void startAgain() throws IOException, InterruptedException {
        process = start(dir, port).process;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}, as {@code cluster.redis} takes it. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
