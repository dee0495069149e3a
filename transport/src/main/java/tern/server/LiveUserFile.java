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
import tern.auth.UserFile;
import tern.config.ConfigException;

/**
 * The users file as AUTH sees it: loaded at start, and loaded again when its modification
 * time changes, so that {@code tern user add} takes effect without a restart. A file that
 * became unreadable or malformed keeps the users last loaded (and says so in the log).
 *
 * <p>{@link #verify} is slow (a key derivation) and touches the file system: call it off the
 * event loop only. The lock guards a reload, never a verification.
 */
final class LiveUserFile {

    private static final Logger log = LoggerFactory.getLogger(LiveUserFile.class);

    private final Path path;
    private final ReentrantLock reloading = new ReentrantLock();
    private volatile UserFile users;
    private volatile FileTime loadedAt;

    /** Loads {@code path} now; a missing file is no users, a malformed one stops start-up. */
    LiveUserFile(Path path) {
        this.path = path;
        this.loadedAt = modified(path);
        this.users = UserFile.load(path);
    }

    boolean verify(String user, char[] password) {
        refresh();
        return users.verify(user, password);
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
