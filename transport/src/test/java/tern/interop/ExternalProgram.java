package tern.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import tern.testing.RequiredTool;

/**
 * The programs the interop suite talks to (swaks, postfix, dnsmasq, python3, openssl). On CI
 * ({@code CI=true}) a missing program, or a test that needs root run without it, fails; on a
 * developer's machine the test is skipped, so the suite stays green where Postfix is not installed.
 */
final class ExternalProgram {

    /** The output of a finished program, stdout and stderr together. */
    record Result(int exit, String output) {
    }

    private ExternalProgram() {
    }

    private static void require(boolean present, String what) {
        RequiredTool.require(present, what);
    }

    /** The program answers its version command with exit code 0. */
    static void require(String... versionCommand) {
        RequiredTool.program(versionCommand);
    }

    /** An executable in one of the usual places ({@code /usr/sbin} is often not on a user's PATH). */
    static String locate(String name) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        require(false, name + " is not installed");
        return name;
    }

    /** Postfix's master and dnsmasq on a chosen port with its own user switching need root. */
    static void requireRoot(String why) {
        boolean root;
        try {
            root = run(Duration.ofSeconds(5), List.of("id", "-u")).output().strip().equals("0");
        } catch (IOException e) {
            root = false;
        }
        require(root, why + " needs root");
    }

    static Result run(Duration timeout, List<String> command) throws IOException {
        return run(timeout, command, null);
    }

    /** Runs {@code command} to its end (killed after {@code timeout}), feeding it {@code stdin}. */
    static Result run(Duration timeout, List<String> command, byte[] stdin) throws IOException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        }
        // Read on the side: a program that never ends must not hang the test past its timeout.
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getInputStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        }, runnable -> Thread.ofVirtual().start(runnable));
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out after " + timeout + ": " + command);
            }
            return new Result(p.exitValue(), new String(out.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new AssertionError("interrupted: " + command);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no output from " + command, e);
        }
    }

    /** Runs {@code command} and fails the test, with its output, unless it exits with 0. */
    static String check(Duration timeout, List<String> command) throws IOException {
        Result r = run(timeout, command);
        assertThat(r.exit()).as("%s exited with %d:%n%s", command, r.exit(), r.output()).isZero();
        return r.output();
    }
}
