package tern.admin.console;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.admin.AdminRequest;
import tern.admin.AdminResponse;
import tern.admin.AdminToken;

/**
 * The web console on the admin listener: routes each request to its page and decides who may
 * act.
 *
 * <p><b>Who may act.</b> Reading needs nothing: whoever reaches the admin listener (loopback by
 * default) may look, as they may scrape {@code /metrics}. Acting (retry, delete, settings)
 * needs the admin token, presented one of two ways:
 * <ul>
 * <li>a session: {@code POST /login} with the token starts one, held in an HttpOnly,
 *     SameSite=Strict cookie; every form then carries the session's CSRF token, and a form post
 *     is accepted only with both the cookie and the matching token (the synchronizer token
 *     pattern). A form another site makes the browser send has neither;
 * <li>{@code Authorization: Bearer <token>}, as the API takes it: a header no cross-site form
 *     can set.
 * </ul>
 * The API paths ({@code /queue/retry}, {@code /reload}...) keep refusing form bodies; the
 * console's paths are others, so the two rules do not meet.
 */
public final class Console implements Function<AdminRequest, AdminResponse> {

    private static final Logger log = LoggerFactory.getLogger(Console.class);
    static final String STYLESHEET = "/console.css";

    /** What the pages show and act on, all supplied by the running server. */
    public record Sources(ServerFacts facts, QueueView queue, MessageHistory history, ConsoleSettings settings) {
    }

    private final AdminToken token;
    private final String tokenFile;
    private final ConsoleSessions sessions;
    private final InstantSource clock;
    private final OverviewPage overview;
    private final QueuePage queue;
    private final MessagePage message;
    private final SettingsPage settings;
    private final byte[] stylesheet;

    /**
     * @param token     what signs in
     * @param tokenFile where the operator finds it, for the pages to say
     */
    public Console(AdminToken token, String tokenFile, ConsoleSessions sessions, InstantSource clock, Sources sources) {
        this.token = token;
        this.tokenFile = tokenFile;
        this.sessions = sessions;
        this.clock = clock;
        this.overview = new OverviewPage(sources.facts());
        this.queue = new QueuePage(sources.queue());
        this.message = new MessagePage(sources.queue(), sources.history());
        this.settings = new SettingsPage(sources.settings());
        this.stylesheet = resource("console.css");
    }

    @Override
    public AdminResponse apply(AdminRequest request) {
        if (request.path().equals(STYLESHEET) && !request.isPost()) {
            return new AdminResponse(200, "text/css; charset=utf-8", new String(stylesheet, StandardCharsets.UTF_8))
                    .withHeader("X-Content-Type-Options", "nosniff");
        }
        Optional<ConsoleSessions.Session> session = sessions.find(request.header("cookie"));
        Viewer viewer = session.map(s -> new Viewer(true, s.csrf, tokenFile, sessions.takeNotice(s)))
                .orElse(Viewer.readOnly(tokenFile));
        return request.isPost() ? post(request, session, viewer) : get(request, viewer);
    }

    private AdminResponse get(AdminRequest request, Viewer viewer) {
        String path = request.path();
        if (path.equals("/")) {
            return overview.render(viewer, clock.instant());
        }
        if (path.equals("/queue")) {
            return queue.render(request, viewer, clock.instant());
        }
        if (path.startsWith("/message/")) {
            return message.render(path.substring("/message/".length()), request.param("body").equals("1"), viewer,
                    clock.instant());
        }
        if (path.equals("/settings")) {
            return settings.render(viewer);
        }
        if (path.equals("/login")) {
            return LoginPage.render(viewer, LoginPage.safeNext(request.param("next")), null, 200);
        }
        return Layout.page(404, "Not found", "", viewer, "<p>No page at " + Html.text(path) + ". Try the <a href=\"/\">overview</a>.</p>\n");
    }

    private AdminResponse post(AdminRequest request, Optional<ConsoleSessions.Session> session, Viewer viewer) {
        if ("cross-site".equals(request.header("sec-fetch-site"))) {
            // The CSRF token already stops these; a browser that says so outright is turned away first.
            return refuse(403, "A form from another site cannot act here.", viewer);
        }
        if (request.path().equals("/login")) {
            return login(request, viewer);
        }
        boolean bearer = token.authorizes(request.header("authorization"));
        if (!bearer) {
            if (session.isEmpty()) {
                return refuse(401, "Sign in with the admin token to act.", viewer);
            }
            if (!ConsoleSessions.csrfMatches(session.get(), request.field("csrf"))) {
                log.warn("admin console: refused POST {} without a valid CSRF token", request.path());
                return refuse(403, "This form has no valid CSRF token: reload the page and try again.", viewer);
            }
        }
        java.util.function.Consumer<String> notice = text -> session.ifPresent(s -> sessions.notice(s, text));
        switch (request.path()) {
            case "/logout" -> {
                session.ifPresent(sessions::end);
                return Layout.secured(AdminResponse.seeOther("/").withHeader("Set-Cookie", ConsoleSessions.expiredCookie()));
            }
            case "/queue" -> {
                String text;
                try {
                    text = queue.act(request);
                } catch (IllegalArgumentException e) {
                    return refuse(400, "Unknown action.", viewer);
                }
                log.info("admin console: {} {} {}", request.field("action"), request.field("id"), request.field("domain"));
                notice.accept(text);
                String back = request.field("back").equals("message") ? QueuePage.id(request)
                        .map(id -> "/message/" + id).orElse("/queue") : "/queue";
                return Layout.secured(AdminResponse.seeOther(back));
            }
            case "/settings" -> {
                return Layout.secured(settings.change(request, viewer, notice));
            }
            default -> {
                return refuse(404, "Nothing to post to here.", viewer);
            }
        }
    }

    private AdminResponse login(AdminRequest request, Viewer viewer) {
        String next = LoginPage.safeNext(request.field("next"));
        if (!token.matches(request.field("token").strip())) {
            log.warn("admin console: sign-in with a wrong token");
            return LoginPage.render(viewer, next, "That is not the admin token.", 401);
        }
        ConsoleSessions.Session s = sessions.start();
        sessions.notice(s, "Signed in.");
        return Layout.secured(AdminResponse.seeOther(next).withHeader("Set-Cookie", ConsoleSessions.cookie(s)));
    }

    private static AdminResponse refuse(int status, String why, Viewer viewer) {
        return Layout.page(status, status == 401 ? "Sign in needed" : "Refused", "", viewer,
                "<p class=\"error\" role=\"alert\" id=\"refused\">" + Html.text(why) + "</p>\n");
    }

    private static byte[] resource(String name) {
        try (InputStream in = Console.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the console's " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the console's " + name, e);
        }
    }
}
