package tern.admin;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;
import tern.config.ConfigException;
import tern.config.TernConfig;
import tern.metrics.TernMetrics;

/**
 * The admin listener ({@code admin.listen}): {@code GET /metrics} for Prometheus,
 * {@code GET /health/live} and {@code GET /health/ready} (with {@code /health} the same as
 * ready) for probes, the POST actions the running server registers with {@link #route}
 * (e.g. {@code POST /queue/retry?id=...}), and every other path for the web console's
 * {@link #pages}.
 *
 * <p><b>Who may act.</b> Every action changes something, so every one is a POST (a GET never
 * has a side effect) and needs {@code Authorization: Bearer <token>} with the
 * {@link AdminToken}; without it the answer is 401 with {@code WWW-Authenticate: Bearer}.
 * A web page in a browser on this host can still send a POST here, but only as a "simple"
 * cross-origin request: no Authorization header, and a body typed as a form or plain text.
 * Such bodies are refused with 415 before anything is read from them, and parameters come
 * from the query string only, so a form can neither authenticate nor smuggle parameters.
 * The console's own paths are another matter: their forms are meant for a browser, and the
 * console accepts a form post only with its session cookie and that session's CSRF token.
 *
 * <p>It runs on its own single event loop, and every handler runs on a virtual thread:
 * a slow scrape, health check or queue action never holds an SMTP event loop, and
 * actions may block (waiting for a journal commit, say).
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final String METRICS = "/metrics";
    private static final String HEALTH = "/health";
    private static final String LIVE = "/health/live";
    private static final String READY = "/health/ready";
    private static final String URL_ENCODED = "application/x-www-form-urlencoded";
    /** Console forms are a few fields; anything larger is not one of ours. */
    private static final int MAX_FORM_BYTES = 64 * 1024;
    /** The request headers a console page may read (names in lower case). */
    private static final List<String> PAGE_HEADERS = List.of(
            "authorization", "cookie", "content-type", "sec-fetch-site", "origin", "host");
    /** The body types a browser may POST cross-origin without asking first (the CORS "simple" ones). */
    private static final List<String> FORM_TYPES = List.of(
            "application/x-www-form-urlencoded", "multipart/form-data", "text/plain");

    private final TernMetrics metrics;
    private final Supplier<Health> health;
    private final AdminToken token;
    private final Map<String, Function<Map<String, String>, AdminResponse>> actions = new ConcurrentHashMap<>();
    private final Map<String, Function<Map<String, String>, AdminResponse>> views = new ConcurrentHashMap<>();
    private volatile Function<AdminRequest, AdminResponse> pages;

    private ExecutorService handlers;
    private Scheduler handlerScheduler;
    private LoopResources loops;
    private volatile DisposableServer server;

    /**
     * @param metrics what {@code /metrics} scrapes
     * @param health  asked at every {@code /health/ready} (and {@code /health}); a DOWN answer
     *                gives 503, a throwing supplier too
     * @param token   what every action's {@code Authorization: Bearer} must carry
     */
    public AdminServer(TernMetrics metrics, Supplier<Health> health, AdminToken token) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.health = Objects.requireNonNull(health, "health");
        this.token = Objects.requireNonNull(token, "token");
    }

    /** A listener whose actions no request may call: metrics and health only. */
    public AdminServer(TernMetrics metrics, Supplier<Health> health) {
        this(metrics, health, AdminToken.none());
    }

    /**
     * Adds {@code POST path}, callable with the token only: the action gets the query
     * parameters (first value of each) and answers with a status and a body. An
     * {@link IllegalArgumentException} from it becomes 400, any other exception 500. Routes may
     * be added before or after {@link #start}.
     */
    public AdminServer route(String path, Function<Map<String, String>, AdminResponse> action) {
        Objects.requireNonNull(action, "action");
        if (path == null || !path.startsWith("/") || path.equals(METRICS) || path.equals(HEALTH)
                || path.startsWith(HEALTH + "/") || views.containsKey(path)) {
            throw new IllegalArgumentException("an admin route is a path starting with / other than "
                    + METRICS + " and " + HEALTH + "[/...]: " + path);
        }
        if (actions.putIfAbsent(path, action) != null) {
            throw new IllegalArgumentException("admin route already taken: " + path);
        }
        return this;
    }

    /**
     * Adds {@code GET path}, a read that needs no token (whoever reaches the listener may read,
     * as they may scrape {@code /metrics}): the view gets the query parameters (first value of
     * each). An {@link IllegalArgumentException} from it becomes 400. A path is a view or an
     * action, not both.
     */
    public AdminServer view(String path, Function<Map<String, String>, AdminResponse> view) {
        Objects.requireNonNull(view, "view");
        if (path == null || !path.startsWith("/") || path.equals(METRICS) || path.startsWith(HEALTH)
                || actions.containsKey(path)) {
            throw new IllegalArgumentException("an admin view is a free path starting with / other than "
                    + METRICS + " and " + HEALTH + "[/...]: " + path);
        }
        if (views.putIfAbsent(path, view) != null) {
            throw new IllegalArgumentException("admin view already taken: " + path);
        }
        return this;
    }

    /**
     * Serves every other path (GET, and POST to paths that are not {@link #route actions}) with
     * {@code console}: the web console's pages and its form posts. Without it such paths are 404.
     */
    public AdminServer pages(Function<AdminRequest, AdminResponse> console) {
        this.pages = Objects.requireNonNull(console, "console");
        return this;
    }

    /**
     * Binds {@code listen} (host:port, IPv6 in brackets, port 0 = any free port).
     * Null or blank leaves the admin listener off.
     *
     * @throws ConfigException when {@code listen} is not host:port
     */
    public AdminServer start(String listen) {
        if (listen == null || listen.isBlank()) {
            return this;
        }
        if (server != null) {
            throw new IllegalStateException("admin listener already started on " + server.address());
        }
        TernConfig.Listener at;
        try {
            at = TernConfig.Listener.parse(listen.strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("admin.listen", listen, "host:port, e.g. 127.0.0.1:8025 or [::1]:8025 ("
                    + e.getMessage() + ")");
        }
        handlers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("tern-admin-", 0).factory());
        handlerScheduler = Schedulers.fromExecutorService(handlers, "tern-admin");
        loops = LoopResources.create("tern-admin", 1, true);
        try {
            server = HttpServer.create()
                    .host(at.host())
                    .port(at.port())
                    .runOn(loops)
                    .handle(this::serve)
                    .bindNow(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        log.info("admin listening on {} (/metrics, /health/live, /health/ready)", server.address());
        return this;
    }

    /** Where the listener is bound; empty when it is off or stopped. */
    public Optional<InetSocketAddress> boundAddress() {
        DisposableServer s = server;
        return s == null ? Optional.empty() : Optional.of((InetSocketAddress) s.address());
    }

    /** Closes the listener; requests in flight are cut. Safe to call twice, or when never started. */
    public void stop() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(5));
            server = null;
        }
        if (loops != null) {
            loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block();
            loops = null;
        }
        if (handlerScheduler != null) {
            handlerScheduler.dispose(); // also shuts the executor down
            handlerScheduler = null;
            handlers = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private Publisher<Void> serve(HttpServerRequest request, HttpServerResponse response) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        HttpMethod method = request.method();
        boolean get = HttpMethod.GET.equals(method);
        boolean post = HttpMethod.POST.equals(method);

        if (path.equals(METRICS) || path.equals(HEALTH) || path.equals(LIVE) || path.equals(READY)) {
            if (!get) {
                return send(response, methodNotAllowed("GET"), Map.of("Allow", "GET"));
            }
            Callable<AdminResponse> answer = switch (path) {
                case METRICS -> this::scrape;
                case LIVE -> AdminServer::liveAnswer;
                default -> this::healthAnswer;
            };
            return send(response, offload(answer), Map.of());
        }
        Function<Map<String, String>, AdminResponse> view = views.get(path);
        if (view != null) {
            if (!get) {
                return send(response, methodNotAllowed("GET"), Map.of("Allow", "GET"));
            }
            Map<String, String> params = parameters(uri);
            return send(response, offload(() -> act(view, params)), Map.of());
        }
        Function<Map<String, String>, AdminResponse> action = actions.get(path);
        if (action == null) {
            Function<AdminRequest, AdminResponse> console = pages;
            if (console == null) {
                return send(response, Mono.just(AdminResponse.notFound("no such admin path: " + path)), Map.of());
            }
            if (!get && !post) {
                return send(response, methodNotAllowed("GET or POST"), Map.of("Allow", "GET, POST"));
            }
            return send(response, page(console, request, uri, post), Map.of());
        }
        if (!post) {
            return send(response, methodNotAllowed("POST"), Map.of("Allow", "POST"));
        }
        String authorization = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        if (!token.authorizes(authorization)) {
            return refuse(response, "POST", path, request, authorization);
        }
        String type = request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE);
        if (isFormType(type)) {
            return send(response, Mono.just(AdminResponse.json(415, Map.of("error",
                    "form and text bodies are not accepted; send parameters in the query string"))), Map.of());
        }
        Map<String, String> params = parameters(uri);
        Mono<AdminResponse> answer = request.receive().then()
                .then(offload(() -> act(action, params)));
        return send(response, answer, Map.of());
    }

    private Publisher<Void> refuse(HttpServerResponse response, String method, String path, HttpServerRequest request,
                                   String authorization) {
        log.warn("admin: refused {} {} from {}: {}", method, path, request.remoteAddress(),
                authorization == null ? "no token" : "wrong token");
        // RFC 6750 3: no credentials get the bare challenge, wrong ones say invalid_token.
        String challenge = authorization == null ? "Bearer realm=\"tern\""
                : "Bearer realm=\"tern\", error=\"invalid_token\"";
        return send(response, Mono.just(AdminResponse.json(401, Map.of("error",
                "this action needs Authorization: Bearer <the token in admin.token under the data directory>"))),
                Map.of("WWW-Authenticate", challenge));
    }

    /**
     * A console page: the request, with a POST's form fields, goes to the pages handler on a
     * virtual thread. Whether a form post may act is the console's decision (session and CSRF
     * token); here a body is only read, up to {@link #MAX_FORM_BYTES}.
     */
    private Mono<AdminResponse> page(Function<AdminRequest, AdminResponse> console, HttpServerRequest request,
                                     QueryStringDecoder uri, boolean post) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : PAGE_HEADERS) {
            String value = request.requestHeaders().get(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        Map<String, String> query = parameters(uri);
        if (!post) {
            return offload(() -> render(console, new AdminRequest("GET", uri.path(), query, Map.of(), headers)));
        }
        String type = headers.getOrDefault("content-type", "").strip().toLowerCase(java.util.Locale.ROOT);
        boolean urlEncoded = type.equals(URL_ENCODED) || type.startsWith(URL_ENCODED + ";");
        return request.receive().asByteArray()
                .reduce(new java.io.ByteArrayOutputStream(), (body, chunk) -> {
                    if (body.size() + chunk.length > MAX_FORM_BYTES) {
                        throw new IllegalStateException("form too large");
                    }
                    body.writeBytes(chunk);
                    return body;
                })
                .defaultIfEmpty(new java.io.ByteArrayOutputStream())
                .flatMap(body -> {
                    Map<String, String> form = new LinkedHashMap<>();
                    if (urlEncoded) {
                        firstValues(new QueryStringDecoder(body.toString(StandardCharsets.UTF_8), StandardCharsets.UTF_8,
                                false).parameters(), form);
                    }
                    return offload(() -> render(console, new AdminRequest("POST", uri.path(), query, form, headers)));
                })
                .onErrorResume(IllegalStateException.class,
                        e -> Mono.just(AdminResponse.text(413, "the form is larger than " + MAX_FORM_BYTES + " bytes")));
    }

    private static AdminResponse render(Function<AdminRequest, AdminResponse> console, AdminRequest request) {
        try {
            return Objects.requireNonNull(console.apply(request), "console page answered null");
        } catch (RuntimeException e) {
            log.warn("admin console: {} {} failed", request.method(), request.path(), e);
            return AdminResponse.text(500, "the page failed; the server log has the details");
        }
    }

    private static boolean isFormType(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.strip().toLowerCase(java.util.Locale.ROOT);
        return FORM_TYPES.stream().anyMatch(t -> type.equals(t) || type.startsWith(t + ";") || type.startsWith(t + " "));
    }

    private static AdminResponse liveAnswer() {
        Map<String, Object> fields = new LinkedHashMap<>(); // status first, whatever Map.of's order
        fields.put("status", "UP");
        fields.put("uptimeSeconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
        return AdminResponse.json(200, fields);
    }

    private AdminResponse scrape() {
        return new AdminResponse(200, TernMetrics.CONTENT_TYPE, metrics.scrape());
    }

    private AdminResponse healthAnswer() {
        Health h;
        try {
            h = health.get();
        } catch (RuntimeException e) {
            // A check that cannot even answer is a failed check.
            h = Health.down(Map.of("error", String.valueOf(e.getMessage())));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("status", h.status());
        fields.putAll(h.facts());
        fields.putIfAbsent("uptimeSeconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
        return AdminResponse.json(h.up() ? 200 : 503, fields);
    }

    private static AdminResponse act(Function<Map<String, String>, AdminResponse> action, Map<String, String> params) {
        try {
            return Objects.requireNonNull(action.apply(params), "admin action answered null");
        } catch (IllegalArgumentException e) {
            return AdminResponse.badRequest(String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            log.warn("admin action failed", e);
            return AdminResponse.json(500, Map.of("error", String.valueOf(e)));
        }
    }

    private static Map<String, String> parameters(QueryStringDecoder uri) {
        Map<String, String> params = new LinkedHashMap<>();
        firstValues(uri.parameters(), params);
        return params;
    }

    private static void firstValues(Map<String, List<String>> decoded, Map<String, String> into) {
        decoded.forEach((name, values) -> {
            if (!values.isEmpty()) {
                into.putIfAbsent(name, values.getFirst());
            }
        });
    }

    private Mono<AdminResponse> offload(Callable<AdminResponse> work) {
        return Mono.fromCallable(work).subscribeOn(handlerScheduler);
    }

    private static Mono<AdminResponse> methodNotAllowed(String allowed) {
        return Mono.just(AdminResponse.json(405, Map.of("error", "method not allowed; use " + allowed)));
    }

    private static Publisher<Void> send(HttpServerResponse response, Mono<AdminResponse> answer,
                                        Map<String, String> headers) {
        return answer
                .onErrorResume(e -> Mono.just(AdminResponse.json(500, Map.of("error", String.valueOf(e)))))
                .flatMap(a -> {
                    byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
                    response.status(a.status())
                            .header(HttpHeaderNames.CONTENT_TYPE, a.contentType())
                            .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
                            .header(HttpHeaderNames.CACHE_CONTROL, "no-store");
                    headers.forEach(response::header);
                    a.headers().forEach(response::header);
                    return response.sendByteArray(Mono.just(body)).then();
                });
    }
}
