package tern.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code tern} command line ({@code tern queue list --config FILE}, ...) run as an
 * operator would, in a JVM of its own on the test's class path, so it talks to a running
 * server only the ways a separate process can: the journal files and the admin listener.
 */
public final class TernCommand {

    /** What the command printed and how it exited. */
    public record Result(int exitCode, String out) {
        public List<String> lines() {
            return out.lines().toList();
        }
    }

    private TernCommand() {
    }

    public static Result run(String... args) throws IOException, InterruptedException {
        List<String> command = TernProcess.mainCommand("-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xshare:auto");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("tern " + String.join(" ", args) + " did not finish:\n" + out);
        }
        return new Result(p.exitValue(), out);
    }
}
