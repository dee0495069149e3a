package tern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.config.Parameter;
import tern.config.Parameters;

/** {@code tern config} prints settings as Postfix's postconf does, from the one parameter table. */
class ConfigCommandTest {
    @TempDir
    Path dir;

    private CapturedTerminal terminal;

    private int run(String... args) {
        terminal = new CapturedTerminal(dir);
        return terminal.run(args);
    }

    private List<String> lines() {
        return terminal.out().lines().toList();
    }

    private void writeConfig() throws IOException {
        Files.writeString(dir.resolve("tern.yaml"), """
                server: {fqdn: MX.Example.Test, maxRecipients: 7}
                delivery:
                  retry: {first: 90s}
                  smartHostAuth: {username: relay, password: s3cret}
                routes:
                  - {domain: partner.example, nextHop: "[127.0.0.1]:2601"}
                """);
    }

    @Test
    void printsEveryKeyOfTheTableOnceAsKeyEqualsValue() {
        assertThat(run("config")).isEqualTo(Exit.OK);
        List<String> keys = lines().stream().map(l -> l.substring(0, l.indexOf(" = "))).toList();
        List<String> expected = Parameters.all().stream().map(Parameter::key)
                .filter(k -> !k.contains("[]")).toList();
        assertThat(keys).containsExactlyElementsOf(expected);
        assertThat(lines()).contains("server.fqdn = host.example.test", "server.maxMessageSize = 35MB",
                "delivery.retry.first = 15m", "delivery.tls = opportunistic", "journal.sync = batch",
                "server.dataDir = " + dir.resolve("data"), "domains.local = localhost, host.example.test");
    }

    @Test
    void showsTheEffectiveValueUnderTheFileWithListItemsIndexedAndPasswordsHidden() throws IOException {
        writeConfig();
        assertThat(run("config", "--config", "tern.yaml")).isEqualTo(Exit.OK);
        assertThat(lines()).contains("server.fqdn = mx.example.test", "server.maxRecipients = 7",
                "delivery.retry.first = 90s", "delivery.retry.second = 30m",
                "delivery.smartHostAuth.password = ***", "routes[0].domain = partner.example",
                "routes[0].nextHop = [127.0.0.1]:2601", "domains.local = localhost, mx.example.test");
        assertThat(terminal.out()).doesNotContain("s3cret");
    }

    @Test
    void dashNShowsOnlyWhatTheFileSets() throws IOException {
        writeConfig();
        assertThat(run("config", "-n", "--config", "tern.yaml")).isEqualTo(Exit.OK);
        assertThat(lines()).containsExactly("server.fqdn = mx.example.test", "server.maxRecipients = 7",
                "delivery.retry.first = 90s", "delivery.smartHostAuth.username = relay",
                "delivery.smartHostAuth.password = ***", "routes[0].domain = partner.example",
                "routes[0].nextHop = [127.0.0.1]:2601");
    }

    @Test
    void dashDShowsTheDefaultsWhateverTheFileSays() throws IOException {
        writeConfig();
        assertThat(run("config", "-d", "--config", "tern.yaml", "server.maxRecipients", "server.dataDir"))
                .isEqualTo(Exit.OK);
        assertThat(lines()).containsExactly("server.dataDir = data", "server.maxRecipients = 100");
    }

    @Test
    void keysAndSectionsPickWhatIsPrinted() throws IOException {
        writeConfig();
        assertThat(run("config", "--config", "tern.yaml", "delivery.retry", "routes[].nextHop")).isEqualTo(Exit.OK);
        assertThat(lines()).containsExactly("delivery.retry.first = 90s", "delivery.retry.second = 30m",
                "delivery.retry.third = 1h", "delivery.retry.subsequent = 4h", "delivery.retry.limit = 0",
                "routes[0].nextHop = [127.0.0.1]:2601");
    }

    @Test
    void anUnknownKeyIsAUsageErrorNamingIt() {
        assertThat(run("config", "server.nope")).isEqualTo(Exit.USAGE);
        assertThat(terminal.err()).contains("unknown key 'server.nope'");
    }

    @Test
    void theYamlTemplateNamesEveryKeyAndLoadsIntoExactlyTheDefaults() throws IOException {
        assertThat(run("config", "--yaml")).isEqualTo(Exit.OK);
        String yaml = terminal.out();
        for (Parameter<?> p : Parameters.all()) {
            assertThat(yaml).as(p.key()).containsPattern("(?m)^\\s*(# )?" + java.util.regex.Pattern.quote(p.name()) + ":");
        }
        Files.writeString(dir.resolve("template.yaml"), yaml);
        var loader = new tern.configfile.ConfigLoader(dir, "host.example.test");
        var loaded = loader.load(Path.of("template.yaml"));
        assertThat(loader.settings().inFile()).isNotEmpty();
        assertThat(loaded).isEqualTo(loader.defaults());
    }

    @Test
    void markdownIsTheReadmeTable() {
        assertThat(run("config", "--markdown")).isEqualTo(Exit.OK);
        assertThat(lines().get(0)).isEqualTo("| Key | Default | Meaning |");
        assertThat(lines()).contains("| `server.maxRecipients` | `100` | most RCPTs in one transaction |");
    }
}
