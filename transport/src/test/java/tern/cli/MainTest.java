package tern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        Terminal t = new Terminal(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), dir, "host.example.test");
        return Main.run(args, t);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void versionPrintsOneLine() {
        assertThat(run("--version")).isEqualTo(Exit.OK);
        assertThat(out()).startsWith("tern ").hasLineCount(1);
    }

    @Test
    void helpListsEveryCommand() {
        assertThat(run("help")).isEqualTo(Exit.OK);
        assertThat(out()).contains("serve", "journal", "queue", "route", "reload", "bench", "user", "help");
        assertThat(run("--help")).isEqualTo(Exit.OK);
    }

    @Test
    void helpForOneCommandPrintsItsUsage() {
        assertThat(run("help", "queue")).isEqualTo(Exit.OK);
        assertThat(out()).contains("tern queue retry --all");
        assertThat(run("help", "nope")).isEqualTo(Exit.USAGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"serve", "journal", "queue", "route", "reload", "bench", "user", "config"})
    void everyCommandAnswersHelpWithItsUsage(String command) {
        assertThat(run(command, "--help")).isEqualTo(Exit.OK);
        assertThat(out()).startsWith("usage: tern " + command);
        assertThat(err()).isEmpty();
    }

    @Test
    void noArgumentsIsAUsageError() {
        assertThat(run()).isEqualTo(Exit.USAGE);
        assertThat(err()).startsWith("usage: tern");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        assertThat(run("frobnicate")).isEqualTo(Exit.USAGE);
        assertThat(err()).isEqualTo("tern: unknown command 'frobnicate'; run 'tern help' for the list"
                + System.lineSeparator());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "serve --bogus", "serve extra", "serve --config", "serve --config a.yaml --config b.yaml",
            "journal", "journal head", "journal tail --yaml",
            "queue", "queue list extra", "queue show", "queue delete", "queue retry",
            "queue retry --all ID1", "queue show --all ID1", "queue frobnicate", "queue show xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "route", "route not-an-address", "route a@b.example c@d.example",
            "reload now", "bench", "bench stress", "user", "user add", "user remove a@b.example",
            "user add nobody"})
    void badArgumentsAreUsageErrors(String line) {
        assertThat(run(line.split(" "))).isEqualTo(Exit.USAGE);
        String first = err().lines().findFirst().orElseThrow();
        assertThat(first).startsWith("tern " + line.split(" ")[0] + ": ");
        assertThat(err()).contains("usage: tern " + line.split(" ")[0]);
    }

    @Test
    void aMissingConfigFileIsOneConfigErrorLineAndExit78() {
        assertThat(run("serve", "--config", "missing.yaml")).isEqualTo(Exit.CONFIG);
        assertThat(err()).startsWith("tern: config error: ").contains("missing.yaml").hasLineCount(1);
        assertThat(out()).isEmpty();
    }

    @Test
    void aWrongKeyStopsStartUpWithOneLineNamingTheKey() throws IOException {
        Files.writeString(dir.resolve("tern.yaml"), "delivery:\n  retry:\n    first: soon\n");
        assertThat(run("serve", "--config=tern.yaml")).isEqualTo(Exit.CONFIG);
        assertThat(err()).isEqualTo("tern: config error: delivery.retry.first: 'soon' is not valid; expected "
                + "a duration longer than zero such as 90s, 15m, 12h, 2d or ISO-8601 (PT15M)" + System.lineSeparator());
    }

    @Test
    void malformedYamlIsOneConfigErrorLine() throws IOException {
        Files.writeString(dir.resolve("tern.yaml"), "server:\n  fqdn: [\n    listen: x\n  : :\n");
        assertThat(run("queue", "list", "--config", "tern.yaml")).isEqualTo(Exit.CONFIG);
        assertThat(err()).startsWith("tern: config error: tern.yaml: ").hasLineCount(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"route", "journal", "queue", "reload", "user", "config"})
    void everyCommandThatReadsTheConfigReportsItsErrorsAs78(String command) throws IOException {
        Files.writeString(dir.resolve("bad.yaml"), "nonsense: 1\n");
        String[] args = switch (command) {
            case "route" -> new String[]{"route", "a@b.example", "--config", "bad.yaml"};
            case "journal" -> new String[]{"journal", "tail", "--config", "bad.yaml"};
            case "queue" -> new String[]{"queue", "retry", "--all", "--config", "bad.yaml"};
            case "user" -> new String[]{"user", "add", "a@b.example", "--config", "bad.yaml"};
            default -> new String[]{command, "--config", "bad.yaml"};
        };
        assertThat(run(args)).isEqualTo(Exit.CONFIG);
        assertThat(err()).startsWith("tern: config error: nonsense: ").hasLineCount(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bench load -n 10", "bench sink --port 2601"})
    void theLoadToolsRunFromTheBenchJarNotFromTernJar(String line) {
        assertThat(run(line.split(" "))).isEqualTo(Exit.NOT_AVAILABLE);
        assertThat(err()).contains("bench/target/tern-bench.jar").hasLineCount(1);
    }

    @Test
    void routeExplainsTheDecisionWithoutDns() throws IOException {
        Files.writeString(dir.resolve("r.yaml"), """
                domains: {local: [example.test]}
                routes: [{domain: partner.example, nextHop: "[127.0.0.1]:2601"}]
                delivery: {smartHost: "[10.0.0.1]:25"}
                """);
        assertThat(run("route", "bob@partner.example", "--config", "r.yaml")).isEqualTo(Exit.OK);
        assertThat(out()).contains("route domain partner.example → [127.0.0.1]:2601");
        assertThat(run("route", "<postmaster@example.test>", "--config", "r.yaml")).isEqualTo(Exit.OK);
        assertThat(out()).contains("local domain example.test → Maildir");
        assertThat(run("route", "x@elsewhere.test", "--config", "r.yaml", "--no-dns")).isEqualTo(Exit.OK);
        assertThat(out()).contains("smart host [10.0.0.1]:25");
    }

    @Test
    void routeExitsNonZeroWhenTheMxLookupFails() throws Exception {
        try (var dns = tern.testing.TestDnsServer.start()) {
            dns.mx("good.test", 10, "mx.good.test").a("mx.good.test", "127.0.0.2").nullMx("nomail.test")
                    .servfail("broken.test");
            Files.writeString(dir.resolve("r.yaml"), "dns: {servers: [\"" + dns.server() + "\"], timeout: 2s}\n");
            Files.writeString(dir.resolve("d.yaml"), "dns: {servers: [\"" + dns.server() + "\"], timeout: 2s}\n"
                    + "delivery: {smartHost: \"[127.0.0.1]:2601\", attemptDirectBeforeSmartHost: true}\n");

            assertThat(run("route", "a@good.test", "--config", "r.yaml")).isEqualTo(Exit.OK);
            assertThat(out()).contains("MX mx.good.test pref 10");
            assertThat(run("route", "a@nowhere.test", "--config", "r.yaml")).isEqualTo(69); // EX_UNAVAILABLE
            assertThat(out()).contains("MX lookup of nowhere.test failed: 550 5.1.2");
            assertThat(run("route", "a@nomail.test", "--config", "r.yaml")).isEqualTo(69);
            assertThat(run("route", "a@broken.test", "--config", "r.yaml")).isEqualTo(75); // EX_TEMPFAIL
            // Trying direct first, the smart host takes a domain our DNS does not know; a null MX stays final.
            assertThat(run("route", "a@nowhere.test", "--config", "d.yaml")).isEqualTo(Exit.OK);
            assertThat(out()).contains("→ smart host [127.0.0.1]:2601 (after direct attempt)");
            assertThat(run("route", "a@nomail.test", "--config", "d.yaml")).isEqualTo(69);
        }
    }

    @Test
    void queueListOfAnEmptyDataDirSaysTheQueueIsEmpty() throws IOException {
        Files.writeString(dir.resolve("q.yaml"), "server: {dataDir: qdata}\n");
        assertThat(run("queue", "list", "--config", "q.yaml")).isEqualTo(Exit.OK);
        assertThat(out()).contains("queue is empty");
    }

    @Test
    void queueListCallsAttemptedRecipientsDeferredAndOnlyUntriedOnesPending() throws Exception {
        Files.writeString(dir.resolve("q.yaml"), "server: {dataDir: qdata}\n");
        var id = new tern.queue.QueueId("0QLIST1");
        java.time.Instant at = java.time.Instant.parse("2026-11-29T10:00:00Z");
        var envelope = new tern.envelope.Envelope(id, tern.address.ReversePath.of(new tern.address.Mailbox("a", "x.test")),
                java.util.List.of(tern.envelope.Recipient.of(new tern.address.Mailbox("tried", "y.test")),
                        tern.envelope.Recipient.of(new tern.address.Mailbox("untried", "y.test"))),
                tern.envelope.Body.SEVEN_BIT, false, null, null, -1, "127.0.0.1", "client.test", at);
        try (var journal = tern.journal.Journal.open(dir.resolve("qdata/journal"), tern.config.TernConfig.Sync.BATCH,
                java.time.InstantSource.system())) {
            journal.append(new tern.journal.JournalEvent.Accepted(envelope, "Subject: x\r\n\r\nx\r\n".getBytes())).get();
            journal.append(new tern.journal.JournalEvent.Deferred(id, at.plusSeconds(1), "tried@y.test", "mx.y.test",
                    "451 4.3.0 try later", 1, at.plusSeconds(900))).get();
        }

        assertThat(run("queue", "list", "--config", "q.yaml")).isEqualTo(Exit.OK);
        assertThat(out()).contains("<tried@y.test> deferred attempts=1")
                .contains("<untried@y.test> pending attempts=0")
                .contains("1 message, 1 pending and 1 deferred recipients");
    }

    @Test
    void reloadWithTheAdminEndpointOffCannotReachTheServer() throws IOException {
        Files.writeString(dir.resolve("tern.yaml"), "admin: {listen: \"\"}\n");
        assertThat(run("reload", "--config", "tern.yaml")).isEqualTo(Exit.FAILURE);
        assertThat(err()).contains("admin.listen");
    }

    @Test
    void queueArgumentsParseToTheirRequest() {
        var request = QueueCommand.parse(new Arguments(java.util.List.of("retry", "--all"),
                java.util.Set.of("--all"), java.util.Set.of("--config")));
        assertThat(request).isEqualTo(new QueueCommand.Request(QueueCommand.Action.RETRY_ALL, null));
        request = QueueCommand.parse(new Arguments(java.util.List.of("--config", "x.yaml", "show", "ABC123"),
                java.util.Set.of("--all"), java.util.Set.of("--config")));
        assertThat(request).isEqualTo(new QueueCommand.Request(QueueCommand.Action.SHOW, new tern.queue.QueueId("ABC123")));
    }
}
