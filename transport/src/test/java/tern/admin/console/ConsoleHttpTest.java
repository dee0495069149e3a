package tern.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.configfile.ConfigLoader;
import tern.queue.QueueId;
import tern.runtime.MailServer;
import tern.testing.Eventually;
import tern.testing.Submission;
import tern.testing.LoopbackPorts;

/**
 * The console over plain HTTP against a whole server in this JVM: what strangers write is
 * escaped, and the rules of who may act (session cookie and CSRF token, or the bearer token).
 */
class ConsoleHttpTest {

    private static final String EVIL_SENDER = "\"<script>alert(1)</script>\"@evil.test";

    @TempDir
    Path dir;

    private MailServer server;
    private java.net.Socket refusing; // bound, never listening: every attempt there is refused
    private String base;
    private String token;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() throws Exception {
        refusing = LoopbackPorts.refusingPort();
        int closed = refusing.getLocalPort();
        String yaml = """
                server:
                  fqdn: console.tern.test
                  listen: ["127.0.0.1:0"]
                  dataDir: %s
                routes:
                  - {domain: refused.test, nextHop: "[127.0.0.1]:%d"}
                dns:
                  servers: ["127.0.0.1:%d"]
                admin:
                  listen: "127.0.0.1:0"
                """.formatted(dir.resolve("data"), closed, closed);
        server = MailServer.start(new ConfigLoader(dir, "host.tern.test").parse(yaml, "test"), InstantSource.system());
        base = "http://127.0.0.1:" + server.adminAddress().orElseThrow().getPort();
        token = Files.readString(dir.resolve("data/admin.token")).strip();
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        server.shutdown(Duration.ofSeconds(5));
        refusing.close();
    }

    private QueueId deferredMessage() {
        QueueId id = Submission.send(server.smtpAddresses().getFirst(), "<" + EVIL_SENDER + ">",
                List.of("<bob@refused.test>"), "Subject: <b>bold</b> & more\r\nFrom: <img src=x onerror=alert(2)>\r\n\r\nhi");
        Eventually.await(id + " deferred", () -> get("/queue", null).body().contains("class=\"state deferred\""));
        return id;
    }

    @Test
    void whatStrangersWroteIsShownEscapedOnEveryPage() {
        QueueId id = deferredMessage();
        for (String path : List.of("/queue", "/message/" + id, "/message/" + id + "?body=1")) {
            HttpResponse<String> page = get(path, null);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(Layout.CONTENT_SECURITY_POLICY);
            assertThat(page.body()).as(path)
                    .contains("&lt;&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;@evil.test&gt;")
                    .doesNotContain("<script>").doesNotContain("<img").doesNotContain("<b>");
        }
        assertThat(get("/message/" + id, null).body()).contains("Subject: &lt;b&gt;bold&lt;/b&gt; &amp; more");
        // A path is text too.
        assertThat(get("/no<script>where", null).body()).contains("No page at /no&lt;script&gt;where");
    }

    @Test
    void actingNeedsTheSessionCookieAndItsCsrfTokenOrTheBearerToken() throws Exception {
        QueueId id = deferredMessage();
        Map<String, String> retry = Map.of("action", "retry", "id", id.value());

        assertThat(post("/queue", retry, null, Map.of()).statusCode()).as("no session").isEqualTo(401);
        assertThat(post("/login", Map.of("token", "guess"), null, Map.of()).statusCode()).isEqualTo(401);

        HttpResponse<String> login = post("/login", Map.of("token", token, "next", "/queue"), null, Map.of());
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.headers().firstValue("Location")).hasValue("/queue");
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        HttpResponse<String> page = get("/queue", cookie);
        assertThat(page.body()).contains("Signed in").doesNotContain("Read-only");
        String csrf = csrf(page.body());

        assertThat(post("/queue", retry, cookie, Map.of()).statusCode()).as("no CSRF token").isEqualTo(403);
        assertThat(post("/queue", with(retry, "csrf", "x" + csrf), cookie, Map.of()).statusCode()).as("wrong CSRF token")
                .isEqualTo(403);
        assertThat(post("/queue", with(retry, "csrf", csrf), cookie, Map.of("Sec-Fetch-Site", "cross-site")).statusCode())
                .as("a form from another site").isEqualTo(403);
        // The API paths keep their rules: a session is no bearer token, and forms stay refused.
        assertThat(post("/queue/retry?id=" + id, with(retry, "csrf", csrf), cookie, Map.of()).statusCode()).isEqualTo(401);
        assertThat(get("/message/" + id, null).body()).as("nothing was retried yet").doesNotContain("<strong>Retry</strong>");

        HttpResponse<String> done = post("/queue", with(retry, "csrf", csrf), cookie, Map.of());
        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(get("/queue", cookie).body()).contains("Retrying " + id + " now.");
        assertThat(get("/message/" + id, null).body()).contains("<strong>Retry</strong> requested by the operator");

        // The bearer token alone also acts (no cookie, no CSRF token: no browser sends that header cross-site).
        HttpResponse<String> deleted = post("/queue", Map.of("action", "delete", "id", id.value()), null,
                Map.of("Authorization", "Bearer " + token));
        assertThat(deleted.statusCode()).isEqualTo(303);
        Eventually.await(id + " in Badmail", () -> Files.exists(dir.resolve("data/badmail/" + id + ".bad")));
        assertThat(get("/queue", null).body()).contains("0 of 0 queued messages");

        HttpResponse<String> out = post("/logout", Map.of("csrf", csrf), cookie, Map.of());
        assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
        assertThat(post("/queue", with(retry, "csrf", csrf), cookie, Map.of()).statusCode()).as("signed out").isEqualTo(401);
    }

    @Test
    void withoutAConfigurationFileTheSettingsPageIsReadOnlyAndSaysWhy() {
        String page = get("/settings", null).body();
        assertThat(page).contains("runs without a configuration file").contains("this page is read-only")
                .doesNotContain("<form method=\"post\" action=\"/settings\"");
        assertThat(page).contains("<label for=\"f-delivery.retry.first\">First retry interval</label>");
    }

    private static Map<String, String> with(Map<String, String> fields, String name, String value) {
        Map<String, String> out = new LinkedHashMap<>(fields);
        out.put(name, value);
        return out;
    }

    static String csrf(String page) {
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page);
        assertThat(m.find()).as("a CSRF field on the page").isTrue();
        return m.group(1);
    }

    private HttpResponse<String> get(String path, String cookie) {
        var request = HttpRequest.newBuilder(URI.create(base + path.replace("<", "%3C").replace(">", "%3E")));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return send(request.GET().build());
    }

    private HttpResponse<String> post(String path, Map<String, String> form, String cookie, Map<String, String> headers) {
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        var request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded");
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        headers.forEach(request::header);
        return send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
