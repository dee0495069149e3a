package tern.server;

import java.nio.file.Path;
import java.time.InstantSource;
import tern.auth.LoginCache;
import tern.auth.UserFile;

/**
 * The users file as AUTH sees it: loaded at start, and loaded again when it changes
 * ({@link LiveFile}), so that {@code tern user add} takes effect without a restart. A file
 * that became unreadable or malformed keeps the users last loaded (and says so in the log).
 *
 * <p>A successful verification is remembered for a few minutes in a {@link LoginCache}
 * (keyed by an HMAC of user and password, never the password), so that a client logging in
 * for every message pays the key derivation once: {@link #verifiedRecently} answers from it.
 * A change of the file clears it. A failed verification is never remembered.
 *
 * <p>{@link #verify} is slow (a key derivation) and touches the file system: call it off the
 * event loop only, and bound how many run at once.
 */
final class LiveUserFile {

    /** The key derivation, a seam for tests that count how often it runs. */
    @FunctionalInterface
    interface PasswordCheck {
        boolean verify(UserFile users, String user, char[] password);
    }

    private final LiveFile<UserFile> file;
    private final PasswordCheck check;
    private final LoginCache recent;
    /** The content the cache's entries were verified against; another one clears the cache. */
    private volatile UserFile cachedFor;

    /** Loads {@code path} now; a missing file is no users, a malformed one stops start-up. */
    LiveUserFile(Path path, InstantSource clock) {
        this(path, new LoginCache(clock), UserFile::verify);
    }

    LiveUserFile(Path path, LoginCache recent, PasswordCheck check) {
        this.file = new LiveFile<>(path, "users file", UserFile::load, users -> users.size() + " users");
        this.check = check;
        this.recent = recent;
        this.cachedFor = file.loaded();
    }

    /** True when this user logged in with this password a moment ago; cheap (one HMAC). */
    boolean verifiedRecently(String user, char[] password) {
        current();
        return recent.contains(user, password);
    }

    /** The key derivation; a success is remembered for {@link #verifiedRecently}. */
    boolean verify(String user, char[] password) {
        UserFile users = current();
        boolean ok = check.verify(users, user, password);
        if (ok && users == file.loaded()) { // not if the file changed while we hashed
            recent.remember(user, password);
        }
        return ok;
    }

    Path path() {
        return file.path();
    }

    int size() {
        return file.loaded().size();
    }

    /** The users now; a removed user or a new password counts from the moment the file changed. */
    private UserFile current() {
        UserFile users = file.current();
        if (users != cachedFor) {
            synchronized (this) {
                if (users != cachedFor) {
                    recent.clear();
                    cachedFor = users;
                }
            }
        }
        return users;
    }
}
