package tern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

/** The launcher script and the CI entry point, checked from the build that ships them. */
class LauncherTest {
    private static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.isRegularFile(dir.resolve("tern")) && Files.isRegularFile(dir.resolve("pom.xml")))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("repository root with the tern launcher").isNotNull();
        return dir;
    }

    private static String pomJvmFlags(Path root) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        var doc = factory.newDocumentBuilder().parse(root.resolve("pom.xml").toFile());
        return doc.getElementsByTagName("tern.jvm.flags").item(0).getTextContent().trim().replaceAll("\\s+", " ");
    }

    @Test
    void theLauncherPassesExactlyThePomsJvmFlags() throws Exception {
        Path root = root();
        Process p = new ProcessBuilder("bash", root.resolve("tern").toString(), "--print-jvm-flags")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.exitValue()).as(printed).isZero();
        assertThat(printed).isEqualTo(pomJvmFlags(root));
        assertThat(printed).contains("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "-Dchronicle.analytics.disable=true");
    }

    @Test
    void theLauncherAndTheCiEntryPointAreExecutable() throws IOException {
        Path root = root();
        assertThat(Files.isExecutable(root.resolve("tern"))).isTrue();
        assertThat(Files.isExecutable(root.resolve(".ci/run"))).isTrue();
        assertThat(Files.readString(root.resolve(".ci/run"))).contains("exec ./tern test");
    }

    /** Runs {@code script} in bash with the launcher's functions loaded (not its main part). */
    private static int withLauncherFunctions(Path bin, String script) throws Exception {
        String launcher = Files.readString(root().resolve("tern"));
        String functions = launcher.substring(launcher.indexOf("\nhas() "), launcher.indexOf("# --- main"));
        var builder = new ProcessBuilder("bash", "-c", functions + "\n" + script).redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = builder.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    private static Path fakeSwaks(Path dir, String support) throws IOException {
        Path bin = Files.createDirectories(dir);
        Path swaks = bin.resolve("swaks");
        Files.writeString(swaks, "#!/bin/sh\ncat <<'EOF'\n" + support + "EOF\n");
        swaks.toFile().setExecutable(true);
        return bin;
    }

    @Test
    void aSwaksWithoutTlsSupportCountsAsMissingAndBringsItsPerlModules(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path without = fakeSwaks(dir.resolve("without"), """
                === Basic AUTH supported
                *** TLS not available: requires Net::SSLeay
                """);
        assertThat(withLauncherFunctions(without, "tool_ready swaks")).isNotZero();
        assertThat(withLauncherFunctions(without,
                "[[ \" $(tool_packages swaks) \" == *' libnet-ssleay-perl libio-socket-ssl-perl '* ]]")).isZero();
        Path with = fakeSwaks(dir.resolve("with"), """
                === Basic AUTH supported
                === TLS supported
                """);
        assertThat(withLauncherFunctions(with, "tool_ready swaks")).isZero();
    }
}
