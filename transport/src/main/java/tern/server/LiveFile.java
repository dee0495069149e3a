package tern.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.config.ConfigException;

/**
 * A file an operator edits while Tern runs (the users file, the local recipients): read at
 * start, and read again when its modification time or size changes, so that an edit takes
 * effect without a restart or a reload. A file that became unreadable or malformed keeps what
 * was loaded last, and says so in the log; at start the same trouble stops start-up.
 *
 * <p>{@link #current} costs one {@code stat} when nothing changed. The lock guards a reload
 * only: readers of the loaded value never wait.
 *
 * @param <T> the file's content as Tern uses it, immutable
 */
final class LiveFile<T> {

    private static final Logger log = LoggerFactory.getLogger(LiveFile.class);

    private record Stamp(FileTime modified, long size) {
    }

    private final Path path;
    private final String what;
    private final Function<Path, T> loader;
    private final Function<T, String> summary;
    private final ReentrantLock reloading = new ReentrantLock();
    private volatile T loaded;
    private volatile Stamp loadedAt;

    /**
     * Loads {@code path} now.
     *
     * @param what    the file in log lines, e.g. "users file"
     * @param loader  reads the file; throws {@link ConfigException} or {@link UncheckedIOException}
     *                for a file it cannot use (propagated from here: start-up stops)
     * @param summary what was loaded, for the log line of a reload (e.g. "3 users")
     */
    LiveFile(Path path, String what, Function<Path, T> loader, Function<T, String> summary) {
        this.path = path;
        this.what = what;
        this.loader = loader;
        this.summary = summary;
        this.loadedAt = stamp(path); // before reading: an edit while loading is seen next time
        this.loaded = loader.apply(path);
    }

    Path path() {
        return path;
    }

    /** The content, read again first when the file changed. */
    T current() {
        Stamp now = stamp(path);
        if (Objects.equals(now, loadedAt)) {
            return loaded;
        }
        reloading.lock();
        try {
            if (!Objects.equals(now, loadedAt)) {
                try {
                    loaded = loader.apply(path);
                    log.info("{} {} reloaded: {}", what, path, summary.apply(loaded));
                } catch (ConfigException | UncheckedIOException e) {
                    log.warn("{} {} could not be reloaded, keeping the {} loaded before: {}",
                            what, path, summary.apply(loaded), e.getMessage());
                }
                loadedAt = now;
            }
            return loaded;
        } finally {
            reloading.unlock();
        }
    }

    /** The content as loaded last, without looking at the file. */
    T loaded() {
        return loaded;
    }

    /** Null when the file does not exist or cannot be examined. */
    private static Stamp stamp(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime(), a.size());
        } catch (IOException e) {
            return null;
        }
    }
}
