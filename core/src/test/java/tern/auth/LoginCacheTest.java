package tern.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoginCacheTest {

    private final TestClock clock = new TestClock();

    @Test
    void aVerifiedLoginIsRememberedForItsTimeToLiveAndNoLonger() {
        LoginCache cache = new LoginCache(clock, Duration.ofMinutes(5), 100);
        assertThat(cache.contains("alice@example.test", "pw".toCharArray())).isFalse();
        cache.remember("alice@example.test", "pw".toCharArray());
        assertThat(cache.contains("alice@example.test", "pw".toCharArray())).isTrue();
        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertThat(cache.contains("alice@example.test", "pw".toCharArray())).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.contains("alice@example.test", "pw".toCharArray())).isFalse();
        assertThat(cache.size()).as("expired entries leave").isZero();
    }

    @Test
    void onlyTheSameUserWithTheSamePasswordMatches() {
        LoginCache cache = new LoginCache(clock);
        cache.remember("alice@example.test", "pw".toCharArray());
        assertThat(cache.contains("alice@example.test", "pw2".toCharArray())).isFalse();
        assertThat(cache.contains("bob@example.test", "pw".toCharArray())).isFalse();
        // The separator keeps user and password apart: "a" + "\0bc" is not "a\0b" + "c".
        cache.remember("a", "\0bc".toCharArray());
        assertThat(cache.contains("a\0b", "c".toCharArray())).isFalse();
    }

    @Test
    void theCacheIsBoundedTheOldestLeavingFirstAndClearForgetsAll() {
        LoginCache cache = new LoginCache(clock, Duration.ofMinutes(5), 3);
        for (int i = 0; i < 5; i++) {
            cache.remember("u" + i, "pw".toCharArray());
        }
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.contains("u0", "pw".toCharArray())).isFalse();
        assertThat(cache.contains("u4", "pw".toCharArray())).isTrue();
        cache.clear();
        assertThat(cache.contains("u4", "pw".toCharArray())).isFalse();
    }

    @Test
    void twoProcessesDoNotShareKeys() {
        // Each cache draws its own HMAC key: what one remembers means nothing to another.
        LoginCache one = new LoginCache(clock);
        LoginCache two = new LoginCache(clock);
        one.remember("alice@example.test", "pw".toCharArray());
        assertThat(two.contains("alice@example.test", "pw".toCharArray())).isFalse();
    }
}
