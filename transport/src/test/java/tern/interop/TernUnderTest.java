package tern.interop;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import tern.config.TernConfig;
import tern.configfile.ConfigLoader;
import tern.runtime.MailServer;

/**
 * A whole Tern ({@link MailServer}) in this JVM, started from a YAML file written into the
 * test's directory, as {@code tern serve --config FILE} would; {@link #reload} reads the file
 * again. Listeners on port 0; {@link #smtpPort} and {@link #adminUri} say where they landed.
 */
final class TernUnderTest implements AutoCloseable {

    private final Path config;
    private final MailServer server;
    private final TernConfig started;

    private TernUnderTest(Path config, MailServer server, TernConfig started) {
        this.config = config;
        this.server = server;
        this.started = started;
    }

    /**
     * Writes {@code yaml} to {@code dir/tern.yaml} and starts the server from it. The YAML may
     * use {@code %DIR%} for {@code dir}.
     */
    static TernUnderTest start(Path dir, String yaml) throws IOException {
        Path file = dir.resolve("tern.yaml");
        Files.writeString(file, yaml.replace("%DIR%", dir.toString()));
        ConfigLoader loader = new ConfigLoader(dir, "tern.interop.test");
        TernConfig config = loader.load(file);
        MailServer server = MailServer.start(config, InstantSource.system());
        server.reloadFrom(() -> new ConfigLoader(dir, "tern.interop.test").load(file));
        return new TernUnderTest(file, server, config);
    }

    MailServer server() {
        return server;
    }

    int smtpPort() {
        return server.smtpAddresses().getFirst().getPort();
    }

    Path configFile() {
        return config;
    }

    URI adminUri(String path) {
        var admin = server.adminAddress().orElseThrow(() -> new IllegalStateException("admin.listen is off"));
        return URI.create("http://127.0.0.1:" + admin.getPort() + path);
    }

    /** {@code GET /metrics}: the Prometheus text an operator's scraper sees. */
    String scrapeMetrics() throws IOException, InterruptedException {
        HttpResponse<String> r = http(HttpRequest.newBuilder(adminUri("/metrics")).GET());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET /metrics: " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** {@code POST /reload} with the admin token, what {@code tern reload} sends. */
    HttpResponse<String> reload() throws IOException, InterruptedException {
        return post("/reload");
    }

    /** {@code POST path} with {@code Authorization: Bearer} and the server's admin token, as the CLI sends it. */
    HttpResponse<String> post(String path) throws IOException, InterruptedException {
        String token = tern.admin.AdminToken.read(tern.admin.AdminToken.file(started.server().dataDir())).orElseThrow();
        return http(HttpRequest.newBuilder(adminUri(path)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    private static HttpResponse<String> http(HttpRequest.Builder request) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            return client.send(request.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
    }

    /** The files in {@code drop/<domain>/<localPart>/new/}: the messages delivered to that Maildir. */
    List<String> maildir(String domain, String localPart) {
        return tern.testing.MaildirFolder.messages(started.server().dataDir().resolve("drop").resolve(domain).resolve(localPart));
    }

    @Override
    public void close() {
        server.shutdown(Duration.ofSeconds(5));
    }
}
