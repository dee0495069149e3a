package tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.auth.LoginCache;
import tern.auth.PasswordHash;
import tern.auth.UserFile;
import tern.testing.MovableClock;

/** Logins through the users file: the slow hash runs once per login that the cache has not seen. */
class LiveUserFileTest {

    @TempDir
    Path dir;

    private final AtomicInteger hashes = new AtomicInteger();

    private LiveUserFile users(Path file, MovableClock clock) {
        return new LiveUserFile(file, new LoginCache(clock, Duration.ofMinutes(5), 100), (f, user, password) -> {
            hashes.incrementAndGet();
            return f.verify(user, password);
        });
    }

    /** What SmtpSession does: the cache first, the hash only when it says no. */
    private static boolean login(LiveUserFile users, String user, String password) {
        return users.verifiedRecently(user, password.toCharArray()) || users.verify(user, password.toCharArray());
    }

    @Test
    void theSecondLoginWithTheSameCredentialsDoesNotHashAgainUntilTheEntryExpires() throws Exception {
        Path file = dir.resolve("users");
        UserFile.load(file, new PasswordHash(1000)).add("alice@example.test", "right".toCharArray());
        var clock = new MovableClock(Instant.parse("2026-03-01T10:00:00Z"));
        LiveUserFile users = users(file, clock);

        assertThat(login(users, "alice@example.test", "right")).isTrue();
        assertThat(hashes).hasValue(1);
        assertThat(login(users, "alice@example.test", "right")).isTrue();
        assertThat(hashes).as("answered from the cache").hasValue(1);

        clock.advance(Duration.ofMinutes(6));
        assertThat(login(users, "alice@example.test", "right")).isTrue();
        assertThat(hashes).as("expired: hashed again").hasValue(2);
    }

    @Test
    void aWrongPasswordIsNeverCached() throws Exception {
        Path file = dir.resolve("users");
        UserFile.load(file, new PasswordHash(1000)).add("alice@example.test", "right".toCharArray());
        LiveUserFile users = users(file, new MovableClock(Instant.parse("2026-03-01T10:00:00Z")));

        assertThat(login(users, "alice@example.test", "wrong")).isFalse();
        assertThat(login(users, "alice@example.test", "wrong")).isFalse();
        assertThat(hashes).as("every wrong guess pays the hash").hasValue(2);
        assertThat(login(users, "nobody@example.test", "x")).isFalse();
        assertThat(hashes).hasValue(3);
    }

    @Test
    void aChangedUsersFileInvalidatesWhatWasRemembered() throws Exception {
        Path file = dir.resolve("users");
        UserFile.load(file, new PasswordHash(1000)).add("alice@example.test", "old".toCharArray());
        LiveUserFile users = users(file, new MovableClock(Instant.parse("2026-03-01T10:00:00Z")));
        assertThat(login(users, "alice@example.test", "old")).isTrue();

        UserFile.load(file, new PasswordHash(1000)).add("alice@example.test", "new".toCharArray());
        // A modification time surely different from the first load's, however coarse the file system's clock.
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

        assertThat(login(users, "alice@example.test", "old")).as("the old password no longer works").isFalse();
        assertThat(login(users, "alice@example.test", "new")).isTrue();
        assertThat(hashes).as("old cached, then hashed again after the change, twice").hasValue(3);
    }
}
