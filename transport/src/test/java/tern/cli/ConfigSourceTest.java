package tern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --config, else $TERN_CONFIG, else /etc/tern/tern.yaml when it exists, else the defaults. */
class ConfigSourceTest {
    @TempDir
    Path dir;

    private Path systemFile() {
        return dir.resolve("etc/tern/tern.yaml");
    }

    private ConfigSource find(Optional<String> option, Map<String, String> env) {
        return ConfigSource.Search.from(env, systemFile()).find(option);
    }

    @Test
    void theOptionWinsOverTheEnvironmentAndTheSystemFile() throws IOException {
        Files.createDirectories(systemFile().getParent());
        Files.writeString(systemFile(), "");
        ConfigSource s = find(Optional.of("mine.yaml"), Map.of("TERN_CONFIG", "env.yaml"));
        assertThat(s.origin()).isEqualTo(ConfigSource.Origin.OPTION);
        assertThat(s.file()).contains(Path.of("mine.yaml"));
        assertThat(s.describe()).isEqualTo("mine.yaml (from --config)");
    }

    @Test
    void theEnvironmentWinsOverTheSystemFile() throws IOException {
        Files.createDirectories(systemFile().getParent());
        Files.writeString(systemFile(), "");
        ConfigSource s = find(Optional.empty(), Map.of("TERN_CONFIG", "env.yaml"));
        assertThat(s.origin()).isEqualTo(ConfigSource.Origin.ENVIRONMENT);
        assertThat(s.describe()).isEqualTo("env.yaml (from $TERN_CONFIG)");
    }

    @Test
    void theSystemFileIsReadOnlyWhenItExists() throws IOException {
        assertThat(find(Optional.empty(), Map.of("TERN_CONFIG", " ")).origin()).isEqualTo(ConfigSource.Origin.DEFAULTS);
        assertThat(find(Optional.empty(), Map.of()).describe()).startsWith("none").contains("every key at its default");
        Files.createDirectories(systemFile().getParent());
        Files.writeString(systemFile(), "");
        ConfigSource s = find(Optional.empty(), Map.of());
        assertThat(s.origin()).isEqualTo(ConfigSource.Origin.SYSTEM_FILE);
        assertThat(s.file()).contains(systemFile());
    }

    @Test
    void theRealSearchLooksAtEtcTern() {
        assertThat(ConfigSource.SYSTEM_FILE).isEqualTo(Path.of("/etc/tern/tern.yaml"));
    }

    // Through a command: every command that takes --config finds its file the same way.

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        Terminal t = new Terminal(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), dir, "host.example.test",
                InputStream.nullInputStream(), null, ConfigSource.Search.from(env, systemFile()));
        return Main.run(args, t);
    }

    private static String routes(String port) {
        return "routes: [{domain: partner.example, nextHop: \"[127.0.0.1]:" + port + "\"}]\n";
    }

    @Test
    void aCommandReadsTheFileTernConfigNames() throws IOException {
        Files.writeString(dir.resolve("env.yaml"), routes("2601"));
        assertThat(run(Map.of("TERN_CONFIG", "env.yaml"), "route", "bob@partner.example", "--no-dns"))
                .as(err.toString(StandardCharsets.UTF_8)).isEqualTo(Exit.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("[127.0.0.1]:2601");
    }

    @Test
    void aCommandReadsTheSystemFileWhenNothingElseIsNamed() throws IOException {
        Files.createDirectories(systemFile().getParent());
        Files.writeString(systemFile(), routes("2602"));
        assertThat(run(Map.of(), "route", "bob@partner.example", "--no-dns")).isEqualTo(Exit.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("[127.0.0.1]:2602");
        Files.writeString(dir.resolve("opt.yaml"), routes("2603"));
        assertThat(run(Map.of(), "route", "bob@partner.example", "--no-dns", "--config", "opt.yaml")).isEqualTo(Exit.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("[127.0.0.1]:2603");
    }

    @Test
    void aMissingFileNamedByTheEnvironmentIsAConfigErrorNamingTheVariable() {
        assertThat(run(Map.of("TERN_CONFIG", "nope.yaml"), "route", "bob@partner.example", "--no-dns"))
                .isEqualTo(Exit.CONFIG);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("tern: config error: $TERN_CONFIG: 'nope.yaml' is not valid; expected a readable file"
                        + System.lineSeparator());
    }
}
