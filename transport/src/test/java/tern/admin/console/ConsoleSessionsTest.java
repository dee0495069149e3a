package tern.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tern.testing.MovableClock;

class ConsoleSessionsTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final ConsoleSessions sessions = new ConsoleSessions(clock, Duration.ofMinutes(30), Duration.ofHours(8), 3);

    private static String cookieHeader(ConsoleSessions.Session s) {
        String setCookie = ConsoleSessions.cookie(s);
        return "theme=dark; " + setCookie.substring(0, setCookie.indexOf(';'));
    }

    @Test
    void theCookieIsHttpOnlySameSiteStrictForTheWholeConsoleAndCarriesOnlyARandomId() {
        var s = sessions.start();
        assertThat(ConsoleSessions.cookie(s)).matches("tern_session=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict");
        assertThat(s.csrf).isNotEqualTo(s.id).hasSize(43);
        assertThat(sessions.find(cookieHeader(s))).containsSame(s);
        assertThat(sessions.find("tern_session=forged")).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
    }

    @Test
    void aSessionEndsAfterThirtyIdleMinutesAndAfterEightHoursInAnyCase() {
        var idle = sessions.start();
        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.find(cookieHeader(idle))).isPresent(); // touched: the idle clock starts again
        clock.advance(Duration.ofMinutes(31));
        assertThat(sessions.find(cookieHeader(idle))).isEmpty();

        var busy = sessions.start();
        for (int i = 0; i < 8 * 3; i++) {
            clock.advance(Duration.ofMinutes(20));
            assertThat(sessions.find(cookieHeader(busy))).as("after %d minutes", (i + 1) * 20).isPresent();
        }
        clock.advance(Duration.ofMinutes(20));
        assertThat(sessions.find(cookieHeader(busy))).isEmpty();
    }

    @Test
    void theCsrfTokenMustBeThisSessionsOwn() {
        var a = sessions.start();
        var b = sessions.start();
        assertThat(ConsoleSessions.csrfMatches(a, a.csrf)).isTrue();
        assertThat(ConsoleSessions.csrfMatches(a, b.csrf)).isFalse();
        assertThat(ConsoleSessions.csrfMatches(a, "")).isFalse();
        assertThat(ConsoleSessions.csrfMatches(a, null)).isFalse();
    }

    @Test
    void signingOutForgetsTheSessionAndTheLeastRecentlyUsedGoesWhenFull() {
        var first = sessions.start();
        var second = sessions.start();
        var third = sessions.start();
        sessions.find(cookieHeader(first)); // used: second is now the least recently used
        var fourth = sessions.start();
        assertThat(sessions.find(cookieHeader(second))).isEmpty();
        assertThat(sessions.find(cookieHeader(first))).isPresent();
        sessions.end(first);
        assertThat(sessions.find(cookieHeader(first))).isEmpty();
        assertThat(sessions.find(cookieHeader(third))).isPresent();
        assertThat(sessions.find(cookieHeader(fourth))).isPresent();
    }
}
