package tern.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The release tarball, unpacked and run as an operator would: a JDK, no Maven, no source tree. */
class DistributionTest {
    @TempDir
    Path dir;

    @Test
    void theTarballHoldsTheLauncherTheJarTheFlagsTheConfigurationTheUnitAndTheReadme() throws Exception {
        Path home = Release.get().home;
        assertThat(home.resolve("bin/tern")).isRegularFile().isExecutable();
        assertThat(Files.getPosixFilePermissions(home.resolve("bin/tern"))).contains(PosixFilePermission.OTHERS_EXECUTE);
        assertThat(home.resolve("lib/tern.jar")).isRegularFile();
        assertThat(home.resolve("lib/jvm.flags")).isRegularFile();
        assertThat(home.resolve("conf/tern.yaml")).isRegularFile();
        assertThat(home.resolve("systemd/tern.service")).isRegularFile();
        assertThat(home.resolve("systemd/tern-sysusers.conf")).isRegularFile();
        assertThat(home.resolve("README.md")).isRegularFile();
        assertThat(home.resolve("pom.xml")).doesNotExist();
    }

    @Test
    void mavenIsOutOfReachOfTheLauncher() throws Exception {
        Release release = Release.get();
        var p = release.command(dir, Map.of(), "--version").command(List.of("bash", "-c", "command -v mvn"))
                .redirectErrorStream(true).start();
        assertThat(p.waitFor()).as("mvn on the release's PATH").isNotZero();
    }

    @Test
    void theReleasesLauncherPassesThePomsJvmFlags() throws Exception {
        Release.Result r = Release.get().tern(dir, "--print-jvm-flags");
        assertThat(r.exitCode()).as(r.out()).isZero();
        assertThat(r.out().strip()).isEqualTo(System.getProperty("tern.jvm.flags").strip().replaceAll("\\s+", " "));
    }

    @Test
    void versionAndHelpRunFromTheJarWithoutBuildingAnything() throws Exception {
        Release.Result version = Release.get().tern(dir, "--version");
        assertThat(version.exitCode()).as(version.out()).isZero();
        assertThat(version.out().strip()).isEqualTo("tern " + System.getProperty("tern.dist.version"));
        assertThat(version.out()).doesNotContain("building");
    }

    @Test
    void theShippedConfigurationIsEveryKeyAtItsDefault() throws Exception {
        Release release = Release.get();
        // Against an empty file, not -d: both then print paths resolved the same way.
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "");
        Release.Result defaults = release.tern(dir, "config", "--config", empty.toString());
        Release.Result shipped = release.tern(dir, "config", "--config", release.home.resolve("conf/tern.yaml").toString());
        assertThat(defaults.exitCode()).as(defaults.out()).isZero();
        assertThat(shipped.exitCode()).as(shipped.out()).isZero();
        assertThat(shipped.out()).isEqualTo(defaults.out()).contains("delivery.retry.first = 15m");
    }

    @Test
    void theSourceTreeCommandsAreRefusedInARelease() throws Exception {
        for (String command : List.of("test", "dist")) {
            Release.Result r = Release.get().tern(dir, command);
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.out()).contains("'tern " + command + "' runs in the source tree only");
        }
    }

    @Test
    void aReleaseWithoutMavenDeliversAMessageReloadsOnSighupAndStopsOnSigterm() throws Exception {
        Release release = Release.get();
        int port = freePort();
        Path config = Files.writeString(dir.resolve("tern.yaml"), """
                server:
                  fqdn: mx.release.test
                  listen: ["127.0.0.1:%d"]
                  dataDir: ./data
                admin:
                  listen: ""
                """.formatted(port));
        Path log = dir.resolve("serve.log");
        Process serve = release.command(dir, Map.of(), "serve", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await("tern serve listening: " + log, () -> listening(port) || !serve.isAlive());
            assertThat(serve.isAlive()).as(read(log)).isTrue();

            String id = send(port, "alice@sender.test", "bob@mx.release.test", "Subject: from a release\r\n\r\nhello\r\n");
            Path maildir = dir.resolve("data/drop/mx.release.test/bob/new"); // ./data: relative to where tern was started
            await("the message in bob's Maildir", () -> count(maildir) == 1);
            await("the delivery logged", () -> read(log).contains("status=sent"));
            assertThat(read(log)).contains(id + ": to=<bob@mx.release.test>, relay=local").contains("status=sent");

            // ExecReload=/bin/kill -HUP $MAINPID: the launcher exec'd java, so its pid is the server's.
            assertThat(serve.toHandle().info().command().orElse("")).endsWith("/bin/java");
            Release.run(List.of("kill", "-HUP", Long.toString(serve.pid())), dir, Map.of());
            await("the reload logged", () -> read(log).contains("configuration reloaded"));

            serve.destroy(); // SIGTERM
            assertThat(serve.waitFor()).as(read(log)).isZero();
            assertThat(read(log)).contains("stopped");
        } finally {
            serve.destroyForcibly();
        }
    }

    // --- a small SMTP client and waiting, so this module needs nothing from the others' tests

    private static String send(int port, String from, String to, String message) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            Writer out = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.US_ASCII);
            expect(in, "220");
            String last = "";
            for (String command : new String[] {"EHLO client.release.test", "MAIL FROM:<" + from + ">",
                    "RCPT TO:<" + to + ">", "DATA", message + ".", "QUIT"}) {
                out.write(command + "\r\n");
                out.flush();
                last = expect(in, switch (command) {
                    case "DATA" -> "354";
                    case "QUIT" -> "221";
                    default -> "250";
                });
                if (command.startsWith("Subject")) {
                    assertThat(last).contains("queued as ");
                    return last.substring(last.indexOf("queued as ") + 10).strip();
                }
            }
            throw new AssertionError("no queue id: " + last);
        }
    }

    /** Reads one reply (all its lines); its last line must start with {@code code}. */
    private static String expect(BufferedReader in, String code) throws IOException {
        String line;
        do {
            line = in.readLine();
            assertThat(line).as("a reply " + code).isNotNull();
        } while (line.length() > 3 && line.charAt(3) == '-');
        assertThat(line).startsWith(code);
        return line;
    }

    private static int freePort() throws IOException {
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static long count(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Polls until true. The deadline only turns a hang into a failure: a loaded machine is slow. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(3).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited 3 minutes for " + what);
            }
            Thread.sleep(100);
        }
    }
}
