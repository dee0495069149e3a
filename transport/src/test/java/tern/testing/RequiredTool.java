package tern.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The external programs tests talk to, checked for the feature the test needs and not just for
 * being there: a swaks without Net::SSLeay answers {@code --version} but dies at {@code --tls}.
 * On CI ({@code CI=true}) a missing program or feature fails the test; on a developer's machine
 * the test is skipped. {@code ./tern test} installs everything as root.
 */
public final class RequiredTool {

    private RequiredTool() {
    }

    public static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Fails on CI, skips elsewhere, unless {@code present}. */
    public static void require(boolean present, String what) {
        if (onCi()) {
            assertThat(present).as(what + " (needed on CI; ./tern test installs the tools as root)").isTrue();
        } else {
            assumeThat(present).as(what).isTrue();
        }
    }

    /** The program answers its version command with exit code 0. */
    public static void program(String... versionCommand) {
        require(exitsZero(List.of(versionCommand)), versionCommand[0] + " is not installed");
    }

    /**
     * swaks with each of {@code features} as {@code swaks --support} names them ("TLS",
     * "Basic AUTH", ...): TLS needs the Perl modules Net::SSLeay and IO::Socket::SSL.
     */
    public static void swaks(String... features) {
        String support = output(List.of("swaks", "--support"));
        require(support != null, "swaks is not installed");
        for (String feature : features) {
            require(support.contains("=== " + feature + " supported"),
                    "swaks lacks " + feature + " (libnet-ssleay-perl, libio-socket-ssl-perl for TLS):\n" + support);
        }
    }

    /** python3 that imports every one of {@code modules}. */
    public static void python3(String... modules) {
        require(exitsZero(List.of("python3", "-c", "import " + String.join(", ", modules))),
                "python3 with the modules " + String.join(", ", modules) + " is not installed");
    }

    private static boolean exitsZero(List<String> command) {
        return output(command) != null;
    }

    /** The output of {@code command}, or null when it could not run or did not exit with 0. */
    private static String output(List<String> command) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
