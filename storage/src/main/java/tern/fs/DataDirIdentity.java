package tern.fs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * What a data directory is, wherever it is mounted: a random id in {@code <dataDir>/node.id},
 * written once by whoever first needs it (the server at start, or {@code tern queue evacuate
 * --data-dir}). It travels with the disk: a dead node's volume attached to another machine
 * under another path is still the same queue, which the path alone would not say.
 */
public final class DataDirIdentity {

    public static final String FILE = "node.id";

    private DataDirIdentity() {
    }

    /** The data directory's id, made now when it has none. */
    public static String of(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (Files.exists(file)) {
            return read(file);
        }
        Files.createDirectories(dataDir);
        Path temporary = dataDir.resolve(FILE + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(temporary); // left by a process of the same id that died here
        AtomicFiles.write(temporary, temporary, (UUID.randomUUID() + "\n").getBytes(StandardCharsets.US_ASCII));
        try {
            // A link fails when the name exists: two writers at once both end up with the first one's id.
            Files.createLink(file, temporary);
            AtomicFiles.syncDirectory(dataDir);
        } catch (FileAlreadyExistsException e) {
            // someone else was first
        } finally {
            Files.deleteIfExists(temporary);
        }
        return read(file);
    }

    private static String read(Path file) throws IOException {
        String id = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (id.isEmpty()) {
            throw new IOException(file + " is empty: it should hold the data directory's id");
        }
        return id;
    }
}
