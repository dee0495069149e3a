package tern.testing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Tern server in a separate JVM, started as an operator would ({@code tern serve --config
 * FILE}) from the test's own class path, so a test can SIGKILL it and start it again.
 */
public final class TernProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private TernProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code tern serve --config config} and waits until {@code smtpPort} accepts connections. */
    public static TernProcess serve(Path config, int smtpPort, Path log) throws IOException, InterruptedException {
        List<String> command = mainCommand("-Xmx512m");
        command.addAll(List.of("serve", "--config", config.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        var server = new TernProcess(p, log);
        server.awaitListening(smtpPort, Duration.ofSeconds(30));
        return server;
    }

    /**
     * Starts {@code tern serve ARGS} with {@code environment} added to this process's, and
     * waits until {@code smtpPort} accepts connections.
     */
    public static TernProcess serve(List<String> args, java.util.Map<String, String> environment, int smtpPort, Path log)
            throws IOException, InterruptedException {
        List<String> command = mainCommand("-Xmx512m");
        command.add("serve");
        command.addAll(args);
        var builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        var server = new TernProcess(builder.start(), log);
        server.awaitListening(smtpPort, Duration.ofSeconds(30));
        return server;
    }

    private void awaitListening(int port, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("tern serve exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException("tern serve did not listen on " + port + " within " + timeout + ":\n" + Files.readString(log));
    }

    public Process process() {
        return process;
    }

    /** SIGKILL: no shutdown of any kind. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, then the exit code. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
            throw new AssertionError("tern serve did not stop within " + timeout);
        }
        return process.exitValue();
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    /**
     * {@code java <the Chronicle flags surefire gave this JVM> <extra> -cp <this class path>
     * tern.cli.Main}: a tern command line in a JVM of its own, as the launcher would run it.
     */
    public static List<String> mainCommand(String... extraJvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc")
                    || arg.startsWith("-Dchronicle.")) {
                command.add(arg);
            }
        }
        command.addAll(List.of(extraJvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "tern.cli.Main"));
        return command;
    }

    public static int freePort() throws IOException {
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
