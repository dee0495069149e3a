package tern.admin.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The console's sign-ins. Signing in with the admin token starts a session: a random id the
 * browser holds in an HttpOnly, SameSite=Strict cookie, mapped here to the session's CSRF
 * token (the synchronizer token every form carries) and its expiry. Nothing in the cookie means
 * anything by itself; forgetting a session here signs it out.
 *
 * <p>A session ends after {@link #idle} without a request, and after {@link #lifetime} in any
 * case. At most {@link #capacity} live at once; beyond that the least recently used goes, so
 * a script that signs in over and over cannot grow the map without bound.
 */
public final class ConsoleSessions {

    /** The cookie's name. */
    static final String COOKIE = "tern_session";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** One sign-in. Mutable fields are guarded by the store's lock. */
    static final class Session {
        final String id;
        final String csrf;
        final Instant started;
        Instant lastSeen;
        String notice;

        private Session(String id, String csrf, Instant started) {
            this.id = id;
            this.csrf = csrf;
            this.started = started;
            this.lastSeen = started;
        }
    }

    private final InstantSource clock;
    private final Duration idle;
    private final Duration lifetime;
    private final int capacity;
    /** In access order: the eldest entry is the least recently used session. */
    private final LinkedHashMap<String, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);

    public ConsoleSessions(InstantSource clock, Duration idle, Duration lifetime, int capacity) {
        this.clock = clock;
        this.idle = idle;
        this.lifetime = lifetime;
        this.capacity = capacity;
    }

    /** 30 minutes idle, 8 hours at most, 100 at once. */
    public static ConsoleSessions withDefaults(InstantSource clock) {
        return new ConsoleSessions(clock, Duration.ofMinutes(30), Duration.ofHours(8), 100);
    }

    synchronized Session start() {
        Session s = new Session(random(), random(), clock.instant());
        sessions.put(s.id, s);
        if (sessions.size() > capacity) {
            Iterator<Map.Entry<String, Session>> eldest = sessions.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
        return s;
    }

    /** The live session named by the {@code Cookie} header, touched; empty when none or expired. */
    synchronized Optional<Session> find(String cookieHeader) {
        String id = cookieValue(cookieHeader);
        if (id == null) {
            return Optional.empty();
        }
        Session s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (now.isAfter(s.lastSeen.plus(idle)) || now.isAfter(s.started.plus(lifetime))) {
            sessions.remove(id);
            return Optional.empty();
        }
        s.lastSeen = now;
        return Optional.of(s);
    }

    synchronized void end(Session s) {
        sessions.remove(s.id);
    }

    synchronized void notice(Session s, String text) {
        s.notice = text;
    }

    /** The notice left by the last action, once. */
    synchronized String takeNotice(Session s) {
        String n = s.notice;
        s.notice = null;
        return n;
    }

    /** Whether {@code presented} is this session's CSRF token; compared in constant time. */
    static boolean csrfMatches(Session s, String presented) {
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(s.csrf.getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    /** The Set-Cookie value that hands the browser its session: never readable by script, never sent cross-site. */
    static String cookie(Session s) {
        return COOKIE + "=" + s.id + "; Path=/; HttpOnly; SameSite=Strict";
    }

    /** The Set-Cookie value that makes the browser forget the session. */
    static String expiredCookie() {
        return COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
    }

    private static String cookieValue(String header) {
        if (header == null) {
            return null;
        }
        for (String pair : header.split(";")) {
            String p = pair.strip();
            if (p.startsWith(COOKIE + "=")) {
                String v = p.substring(COOKIE.length() + 1);
                return v.isEmpty() ? null : v;
            }
        }
        return null;
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
