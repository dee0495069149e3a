package tern.server;

import java.nio.file.Path;
import tern.auth.UserFile;

/**
 * The users file as AUTH sees it: loaded at start, and loaded again when it changes
 * ({@link LiveFile}), so that {@code tern user add} takes effect without a restart. A file
 * that became unreadable or malformed keeps the users last loaded (and says so in the log).
 *
 * <p>{@link #verify} is slow (a key derivation) and touches the file system: call it off the
 * event loop only.
 */
final class LiveUserFile {

    private final LiveFile<UserFile> file;

    /** Loads {@code path} now; a missing file is no users, a malformed one stops start-up. */
    LiveUserFile(Path path) {
        this.file = new LiveFile<>(path, "users file", UserFile::load, users -> users.size() + " users");
    }

    boolean verify(String user, char[] password) {
        return file.current().verify(user, password);
    }

    Path path() {
        return file.path();
    }

    int size() {
        return file.loaded().size();
    }
}
