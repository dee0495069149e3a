package tern.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tern.config.ConfigException;
import tern.metrics.TernMetrics;

class AdminServerTest {

    private final TernMetrics metrics = new TernMetrics();
    private final AtomicReference<Health> health = new AtomicReference<>(
            Health.up(orderedFacts("queueMessages", 3, "journalWritable", true)));
    private static final String TOKEN = "s3cret-Token_for-tests";
    private final AdminServer admin = new AdminServer(metrics, health::get, AdminToken.of(TOKEN));
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @AfterEach
    void stop() {
        admin.stop();
        metrics.close();
        http.close();
    }

    @Test
    void metricsServesThePrometheusTextFormatWithTheExactCounts() throws Exception {
        start();
        for (int i = 0; i < 7; i++) {
            metrics.messageAccepted();
        }
        for (int i = 0; i < 4; i++) {
            metrics.recipientDelivered(Duration.ofMillis(250));
        }
        metrics.recipientDelivered(Duration.ofMillis(1500));
        metrics.recipientDeferred();
        metrics.recipientDeferred();
        metrics.recipientFailed();
        metrics.nonDeliveryReportSent();

        HttpResponse<String> scrape = get("/metrics");

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("content-type"))
                .hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(scrape.body())
                .contains("# TYPE tern_messages_accepted_total counter")
                .contains("\ntern_messages_accepted_total 7.0\n")
                .contains("\ntern_recipients_delivered_total 5.0\n")
                .contains("\ntern_recipients_deferred_total 2.0\n")
                .contains("\ntern_recipients_failed_total 1.0\n")
                .contains("\ntern_dsns_sent_total{action=\"failed\"} 1.0\n")
                .contains("\ntern_dsns_sent_total{action=\"delayed\"} 0.0\n")
                .contains("# TYPE tern_delivery_latency_seconds histogram")
                .contains("\ntern_delivery_latency_seconds_bucket{le=\"0.25\"} 4\n")
                .contains("\ntern_delivery_latency_seconds_bucket{le=\"1.0\"} 4\n")
                .contains("\ntern_delivery_latency_seconds_bucket{le=\"2.0\"} 5\n")
                .contains("\ntern_delivery_latency_seconds_bucket{le=\"+Inf\"} 5\n")
                .contains("\ntern_delivery_latency_seconds_count 5\n")
                .contains("\ntern_delivery_latency_seconds_sum 2.5\n")
                .contains("\ntern_delivery_latency_seconds_max 1.5\n");
    }

    @Test
    void healthIsUpWithTheSuppliedFactsInOrder() throws Exception {
        start();

        HttpResponse<String> answer = get("/health");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(answer.body())
                .startsWith("{\"status\":\"UP\",\"queueMessages\":3,\"journalWritable\":true,\"uptimeSeconds\":");
    }

    @Test
    void healthIs503DownWhenACheckFails() throws Exception {
        start();
        health.set(Health.down(orderedFacts("journalWritable", false, "reason", "disk \"full\"")));

        HttpResponse<String> answer = get("/health");

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.body())
                .startsWith("{\"status\":\"DOWN\",\"journalWritable\":false,\"reason\":\"disk \\\"full\\\"\"");
    }

    @Test
    void healthIs503WhenTheCheckItselfThrows() throws Exception {
        AdminServer throwing = new AdminServer(metrics, () -> {
            throw new IllegalStateException("journal closed");
        }).start("127.0.0.1:0");
        try {
            HttpResponse<String> answer = get(throwing, "/health");
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.body()).contains("\"status\":\"DOWN\"").contains("\"error\":\"journal closed\"");
        } finally {
            throwing.stop();
        }
    }

    @Test
    void aViewAnswersGetWithoutTheTokenAndRefusesPost() throws Exception {
        admin.view("/queue/messages", params -> AdminResponse.ok(Map.of("limit", params.getOrDefault("limit", "none"))));
        start();

        HttpResponse<String> page = get("/queue/messages?limit=7&after=X1");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("{\"limit\":\"7\"}");
        assertThat(post("/queue/messages", "").statusCode()).isEqualTo(405);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> admin.route("/queue/messages", p -> null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownPathIs404() throws Exception {
        start();

        assertThat(get("/queue").statusCode()).isEqualTo(404);
        assertThat(get("/metrics/extra").statusCode()).isEqualTo(404);
    }

    @Test
    void wrongMethodOnAKnownPathIs405WithAllow() throws Exception {
        start();
        admin.route("/queue/retry", params -> AdminResponse.ok(params));

        HttpResponse<String> postMetrics = post("/metrics", "");
        HttpResponse<String> getRetry = get("/queue/retry");

        assertThat(postMetrics.statusCode()).isEqualTo(405);
        assertThat(postMetrics.headers().firstValue("allow")).hasValue("GET");
        assertThat(getRetry.statusCode()).isEqualTo(405);
        assertThat(getRetry.headers().firstValue("allow")).hasValue("POST");
    }

    @Test
    void postRouteGetsQueryParameters() throws Exception {
        List<Map<String, String>> calls = new CopyOnWriteArrayList<>();
        admin.route("/queue/retry", params -> {
            calls.add(params);
            return AdminResponse.ok(Map.of("retried", params.get("id")));
        });
        start();

        HttpResponse<String> byQuery = post("/queue/retry?id=1A2B3C&all=false", "");

        assertThat(byQuery.statusCode()).isEqualTo(200);
        assertThat(byQuery.body()).isEqualTo("{\"retried\":\"1A2B3C\"}");
        assertThat(calls).containsExactly(Map.of("id", "1A2B3C", "all", "false"));
    }

    @Test
    void anActionWithoutTheTokenIs401WithABearerChallengeAndDoesNotRun() throws Exception {
        List<Map<String, String>> calls = new CopyOnWriteArrayList<>();
        admin.route("/queue/delete", params -> {
            calls.add(params);
            return AdminResponse.ok(params);
        });
        start();

        HttpResponse<String> none = send(HttpRequest.newBuilder(uri(admin, "/queue/delete?id=1A2B3C"))
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"tern\"");
        assertThat(none.body()).contains("admin.token");
        assertThat(calls).isEmpty();
    }

    @Test
    void anActionWithAWrongTokenIs401InvalidTokenAndDoesNotRun() throws Exception {
        List<Map<String, String>> calls = new CopyOnWriteArrayList<>();
        admin.route("/reload", params -> {
            calls.add(params);
            return AdminResponse.ok(params);
        });
        start();

        for (String authorization : List.of("Bearer " + TOKEN + "x", "Bearer " + TOKEN.substring(1), "Bearer ",
                "Basic " + TOKEN, TOKEN)) {
            HttpResponse<String> wrong = send(HttpRequest.newBuilder(uri(admin, "/reload"))
                    .header("Authorization", authorization)
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(wrong.statusCode()).as(authorization).isEqualTo(401);
            assertThat(wrong.headers().firstValue("www-authenticate"))
                    .hasValue("Bearer realm=\"tern\", error=\"invalid_token\"");
        }
        assertThat(calls).isEmpty();
    }

    @Test
    void theBearerSchemeIsCaseInsensitiveAndTheTokenIsNot() throws Exception {
        admin.route("/reload", params -> AdminResponse.ok(Map.of("reloaded", true)));
        start();

        HttpResponse<String> lower = send(HttpRequest.newBuilder(uri(admin, "/reload"))
                .header("Authorization", "bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()));
        HttpResponse<String> upperToken = send(HttpRequest.newBuilder(uri(admin, "/reload"))
                .header("Authorization", "Bearer " + TOKEN.toUpperCase()).POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(lower.statusCode()).isEqualTo(200);
        assertThat(upperToken.statusCode()).isEqualTo(401);
    }

    @Test
    void formAndTextPostsAreRefusedWith415EvenWithTheToken() throws Exception {
        List<Map<String, String>> calls = new CopyOnWriteArrayList<>();
        admin.route("/queue/retry", params -> {
            calls.add(params);
            return AdminResponse.ok(params);
        });
        start();

        for (String type : List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "text/plain;charset=UTF-8", "Application/X-WWW-Form-Urlencoded")) {
            HttpResponse<String> form = send(HttpRequest.newBuilder(uri(admin, "/queue/retry"))
                    .header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString("id=4D5E6F&all=true")));
            assertThat(form.statusCode()).as(type).isEqualTo(415);
        }
        assertThat(calls).isEmpty();
    }

    @Test
    void aServerWithoutATokenRefusesEveryAction() throws Exception {
        AdminServer closed = new AdminServer(metrics, health::get).start("127.0.0.1:0");
        try {
            closed.route("/reload", params -> AdminResponse.ok(params));
            HttpResponse<String> answer = send(HttpRequest.newBuilder(uri(closed, "/reload"))
                    .header("Authorization", "Bearer anything").POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(answer.statusCode()).isEqualTo(401);
        } finally {
            closed.stop();
        }
    }

    @Test
    void liveIs200WhileReadyAndHealthAre503() throws Exception {
        start();
        health.set(Health.down(orderedFacts("reasons", List.of("journal: disk full"))));

        HttpResponse<String> live = get("/health/live");
        HttpResponse<String> ready = get("/health/ready");
        HttpResponse<String> alias = get("/health");

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).startsWith("{\"status\":\"UP\"");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).startsWith("{\"status\":\"DOWN\",\"reasons\":[\"journal: disk full\"]");
        assertThat(alias.statusCode()).isEqualTo(503);
        assertThat(alias.body()).startsWith("{\"status\":\"DOWN\",\"reasons\":[\"journal: disk full\"]");
        assertThat(post("/health/ready", "").statusCode()).isEqualTo(405);
    }

    @Test
    void postRouteAddedAfterStartIsServed() throws Exception {
        start();
        admin.route("/reload", params -> AdminResponse.ok(Map.of("reloaded", true)));

        assertThat(post("/reload", "").body()).isEqualTo("{\"reloaded\":true}");
    }

    @Test
    void actionRejectingItsParametersGives400AndAFailingOneGives500() throws Exception {
        admin.route("/queue/delete", params -> {
            if (!params.containsKey("id")) {
                throw new IllegalArgumentException("id is required");
            }
            throw new IllegalStateException("journal closed");
        });
        start();

        HttpResponse<String> noId = post("/queue/delete", "");
        HttpResponse<String> broken = post("/queue/delete?id=X", "");

        assertThat(noId.statusCode()).isEqualTo(400);
        assertThat(noId.body()).isEqualTo("{\"error\":\"id is required\"}");
        assertThat(broken.statusCode()).isEqualTo(500);
    }

    @Test
    void actionsRunOnVirtualThreadsSoTheyMayBlock() throws Exception {
        admin.route("/whoami", params -> AdminResponse.ok(Map.of("virtual", Thread.currentThread().isVirtual())));
        start();

        assertThat(post("/whoami", "").body()).isEqualTo("{\"virtual\":true}");
    }

    @Test
    void nullOrBlankListenLeavesTheAdminListenerOff() {
        assertThat(admin.start(null).boundAddress()).isEmpty();
        assertThat(admin.start("").boundAddress()).isEmpty();
    }

    @Test
    void aListenThatIsNotHostPortNamesTheKey() {
        assertThatThrownBy(() -> admin.start("8025"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("admin.listen: '8025' is not valid");
    }

    @Test
    void routesMayNotShadowMetricsOrHealth() {
        assertThatThrownBy(() -> admin.route("/metrics", p -> AdminResponse.ok(p)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> admin.route("/health/live", p -> AdminResponse.ok(p)))
                .isInstanceOf(IllegalArgumentException.class);
        admin.route("/queue/retry", p -> AdminResponse.ok(p));
        assertThatThrownBy(() -> admin.route("/queue/retry", p -> AdminResponse.ok(p)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stopReleasesThePort() throws Exception {
        start();
        InetSocketAddress bound = admin.boundAddress().orElseThrow();

        admin.stop();

        assertThat(admin.boundAddress()).isEmpty();
        try (var again = new java.net.ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", bound.getPort()));
        }
    }

    private void start() {
        admin.start("127.0.0.1:0");
        assertThat(admin.boundAddress()).get()
                .satisfies(a -> assertThat(a.getAddress().isLoopbackAddress()).isTrue())
                .satisfies(a -> assertThat(a.getPort()).isPositive());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return get(admin, path);
    }

    private HttpResponse<String> get(AdminServer server, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(server, path)).GET());
    }

    /** A POST with the token, as {@code tern queue} sends it. */
    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(admin, path)).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(AdminServer server, String path) {
        InetSocketAddress at = server.boundAddress().orElseThrow();
        return URI.create("http://127.0.0.1:" + at.getPort() + path);
    }

    private static Map<String, Object> orderedFacts(Object... namesAndValues) {
        Map<String, Object> facts = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            facts.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return facts;
    }
}
