package tern.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The release tarball this build made, unpacked once into a temporary directory, and a way to
 * run its {@code bin/tern} as an operator would on a machine without Maven: a PATH holding
 * every command of /usr/bin and /bin but Maven's, no JAVA_HOME (the launcher finds the JDK),
 * and a working directory far from the source tree.
 */
final class Release {
    private static Release unpacked;

    final Path home;
    private final Path path;

    private Release(Path home, Path path) {
        this.home = home;
        this.path = path;
    }

    static synchronized Release get() throws IOException, InterruptedException {
        if (unpacked == null) {
            Path tarball = Path.of(System.getProperty("tern.dist.tarball"));
            assertThat(tarball).as("the tarball the package phase built").isRegularFile();
            Path dir = Files.createTempDirectory("tern-release");
            run(List.of("tar", "-xzf", tarball.toString(), "-C", dir.toString()), dir, Map.of());
            Path home = dir.resolve("tern-" + System.getProperty("tern.dist.version"));
            unpacked = new Release(home, pathWithoutMaven(dir.resolve("path")));
        }
        return unpacked;
    }

    /** A directory of links to every command in /usr/bin and /bin except Maven's. */
    private static Path pathWithoutMaven(Path dir) throws IOException {
        Files.createDirectories(dir);
        Set<String> maven = Set.of("mvn", "mvnDebug", "mvnyjp");
        for (String bin : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path binDir = Path.of(bin);
            if (!Files.isDirectory(binDir)) {
                continue;
            }
            try (Stream<Path> commands = Files.list(binDir)) {
                for (Path command : commands.toList()) {
                    Path link = dir.resolve(command.getFileName().toString());
                    if (!maven.contains(command.getFileName().toString()) && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, command);
                    }
                }
            }
        }
        return dir;
    }

    Path bin() {
        return home.resolve("bin/tern");
    }

    /** The environment bin/tern runs in: no Maven on PATH, no JAVA_HOME, nothing from the build. */
    Map<String, String> environment(Map<String, String> extra) {
        var env = new java.util.HashMap<String, String>();
        env.put("PATH", path.toString());
        env.put("HOME", home.getParent().toString());
        env.put("LANG", "C.UTF-8");
        env.putAll(extra);
        return env;
    }

    ProcessBuilder command(Path workingDir, Map<String, String> extraEnvironment, String... args) {
        List<String> command = new ArrayList<>(List.of(bin().toString()));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).directory(workingDir.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment(extraEnvironment));
        return builder;
    }

    /** Runs {@code bin/tern ARGS} to its end; the exit code and what it printed (stdout, then stderr). */
    Result tern(Path workingDir, String... args) throws IOException, InterruptedException {
        var builder = command(workingDir, Map.of(), args).redirectErrorStream(true);
        Process p = builder.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return new Result(p.exitValue(), out);
    }

    record Result(int exitCode, String out) {
    }

    static String run(List<String> command, Path dir, Map<String, String> env) throws IOException, InterruptedException {
        var builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }
}
