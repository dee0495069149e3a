package tern.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.queue.QueueId;

/**
 * {@code <server.dataDir>/spool/}: where a message too large to keep in memory goes while it
 * arrives, one file per message, named after its queue id. A file lives as long as its message
 * is being received: it is deleted once the message is in the journal (or refused, or the
 * client went away). These files are never a durable copy: the journal is; so files left by
 * a crash are deleted at the next start, when no session can own one (one server per data
 * directory).
 *
 * <p>The directory is made on first use, so a server that never receives a large message
 * never creates it.
 */
final class SpoolDirectory {

    private static final Logger log = LoggerFactory.getLogger(SpoolDirectory.class);
    private static final String SUFFIX = ".msg";

    private final Path dir;

    SpoolDirectory(Path dataDir) {
        this.dir = dataDir.resolve("spool");
    }

    Path path() {
        return dir;
    }

    /** Deletes what a previous run left behind. */
    void clearLeftovers() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            int n = 0;
            for (Path f : files) {
                Files.deleteIfExists(f);
                n++;
            }
            if (n > 0) {
                log.info("spool {}: deleted {} files of messages never acknowledged", dir, n);
            }
        } catch (NoSuchFileException e) {
            // never used
        } catch (IOException e) {
            log.warn("spool {}: could not clear leftovers: {}", dir, e.toString());
        }
    }

    /** A new file for {@code id}'s content. */
    SpoolFile create(QueueId id) throws IOException {
        Files.createDirectories(dir);
        Path path = dir.resolve(id.value() + SUFFIX);
        // Not DELETE_ON_CLOSE: on Linux that unlinks the file at once, and an operator looking
        // at a full disk could not see where the space went.
        return new SpoolFile(path, FileChannel.open(path, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    /** One message's spool file; {@link #close} deletes it. */
    record SpoolFile(Path path, FileChannel channel) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                channel.close();
            } finally {
                Files.deleteIfExists(path);
            }
        }
    }
}
