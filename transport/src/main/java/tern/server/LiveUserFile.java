package tern.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.time.InstantSource;
import tern.auth.LoginCache;
import tern.auth.UserFile;
import tern.config.ConfigException;

/**
 * The users file as AUTH sees it: loaded at start, and loaded again when its modification
 * time changes, so that {@code tern user add} takes effect without a restart. A file that
 * became unreadable or malformed keeps the users last loaded (and says so in the log).
 *
 * <p>A successful verification is remembered for a few minutes in a {@link LoginCache}
 * (keyed by an HMAC of user and password, never the password), so that a client logging in
 * for every message pays the key derivation once: {@link #verifiedRecently} answers from it.
 * A change of the file clears it. A failed verification is never remembered.
 *
 * <p>{@link #verify} is slow (a key derivation) and touches the file system: call it off the
 * event loop only, and bound how many run at once. The lock guards a reload, never a
 * verification.
 */
final class LiveUserFile {

    private static final Logger log = LoggerFactory.getLogger(LiveUserFile.class);

    /** The key derivation, a seam for tests that count how often it runs. */
    @FunctionalInterface
    interface PasswordCheck {
        boolean verify(UserFile users, String user, char[] password);
    }

    private final Path path;
    private final PasswordCheck check;
    private final LoginCache recent;
    private final ReentrantLock reloading = new ReentrantLock();
    private volatile UserFile users;
    private volatile FileTime loadedAt;

    /** Loads {@code path} now; a missing file is no users, a malformed one stops start-up. */
    LiveUserFile(Path path, InstantSource clock) {
        this(path, new LoginCache(clock), UserFile::verify);
    }

    LiveUserFile(Path path, LoginCache recent, PasswordCheck check) {
        this.path = path;
        this.check = check;
        this.recent = recent;
        this.loadedAt = modified(path);
        this.users = UserFile.load(path);
    }

    /** True when this user logged in with this password a moment ago; cheap (one HMAC). */
    boolean verifiedRecently(String user, char[] password) {
        refresh();
        return recent.contains(user, password);
    }

    /** The key derivation; a success is remembered for {@link #verifiedRecently}. */
    boolean verify(String user, char[] password) {
        refresh();
        UserFile current = users;
        boolean ok = check.verify(current, user, password);
        if (ok && current == users) { // not if the file changed while we hashed
            recent.remember(user, password);
        }
        return ok;
    }

    Path path() {
        return path;
    }

    int size() {
        return users.size();
    }

    private void refresh() {
        FileTime now = modified(path);
        if (Objects.equals(now, loadedAt)) {
            return;
        }
        reloading.lock();
        try {
            if (Objects.equals(now, loadedAt)) {
                return;
            }
            try {
                recent.clear(); // a removed user or a new password counts from now
                users = UserFile.load(path);
                log.info("users file {} reloaded: {} users", path, users.size());
            } catch (ConfigException | java.io.UncheckedIOException e) {
                log.warn("users file {} could not be reloaded, keeping the {} users loaded before: {}",
                        path, users.size(), e.getMessage());
            }
            loadedAt = now;
        } finally {
            reloading.unlock();
        }
    }

    private static FileTime modified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }
}
