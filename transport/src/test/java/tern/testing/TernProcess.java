package tern.testing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /** MailServer's last start-up line: "tern FQDN listening on [/127.0.0.1:2525], admin on /127.0.0.1:8025". */
    private static final Pattern LISTENING = Pattern.compile(
            "tern \\S+ listening on \\[[^\\]\\s,]*:(\\d+)[^\\]]*\\](?:, admin on [^\\s\"]*:(\\d+))?");

    private int smtpPort;
    private int adminPort;

    /**
     * Starts {@code tern serve --config config} and waits until it says in its log where it
     * listens. Give {@code server.listen} (and {@code admin.listen}) port 0: the server binds
     * a free port and logs it, and {@link #smtpPort()} reads it from there, so no port is ever
     * picked, released and hoped to be free still.
     */
    public static TernProcess serve(Path config, Path log) throws IOException, InterruptedException {
        return serve(config, log, "-Xmx512m");
    }

    /** As {@link #serve(Path, Path)}, with these JVM options (a heap size, say). */
    public static TernProcess serve(Path config, Path log, String... jvmOptions) throws IOException, InterruptedException {
        return serve(List.of("--config", config.toString()), java.util.Map.of(), log, jvmOptions);
    }

    /**
     * Starts {@code tern serve ARGS} with {@code environment} added to this process's (say,
     * {@code TERN_CONFIG}) and waits until it says where it listens.
     */
    public static TernProcess serve(List<String> args, java.util.Map<String, String> environment, Path log,
                                    String... jvmOptions) throws IOException, InterruptedException {
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        List<String> command = mainCommand(jvmOptions.length == 0 ? new String[]{"-Xmx512m"} : jvmOptions);
        command.add("serve");
        command.addAll(args);
        var builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        var server = new TernProcess(builder.start(), log);
        // Not a bound on how fast tern starts: only how long a test waits for a server that
        // may never come up. A shared 2-core machine under load has needed more than 30 s.
        server.awaitListening(logStart, Duration.ofMinutes(3));
        return server;
    }

    /** The port {@code server.listen}'s first address got. */
    public int smtpPort() {
        return smtpPort;
    }

    /** The port {@code admin.listen} got; 0 when the admin listener is off. */
    public int adminPort() {
        return adminPort;
    }

    private void awaitListening(long logStart, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("tern serve exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            String written = ownLog(logStart);
            Matcher listening = LISTENING.matcher(written);
            if (listening.find()) {
                smtpPort = Integer.parseInt(listening.group(1));
                adminPort = listening.group(2) == null ? 0 : Integer.parseInt(listening.group(2));
                return;
            }
            Thread.sleep(50);
        }
        throw new IOException("tern serve did not listen within " + timeout + ":\n" + Files.readString(log));
    }

    /** What this process wrote to a log that earlier runs may have written to as well. */
    private String ownLog(long from) throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from),
                java.nio.charset.StandardCharsets.UTF_8);
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

}
