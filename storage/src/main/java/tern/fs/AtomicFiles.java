package tern.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The one way Tern writes a file that must appear whole or not at all: write a temporary
 * file, fsync it, rename it into place, fsync the directory.
 *
 * <p>Why all four steps: without the first fsync a crash can leave the renamed name
 * pointing at an empty or partial file (ext4 delayed allocation); without the directory
 * fsync the rename itself may not survive. A message reported delivered must survive both.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes {@code parts} in order to {@code temporary}, then renames it to {@code target}. */
    public static void write(Path temporary, Path target, byte[]... parts) throws IOException {
        write(temporary, target, null, parts);
    }

    /**
     * As {@link #write(Path, Path, byte[]...)}, the new file created with {@code mode} from its
     * first byte (a file that replaces one only its owner could read must not pass through the
     * umask's mode); null: the umask decides.
     */
    public static void write(Path temporary, Path target, Set<PosixFilePermission> mode, byte[]... parts)
            throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileAttribute<?>[] attributes = mode == null ? new FileAttribute<?>[0]
                : new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)};
        try (FileChannel ch = FileChannel.open(temporary, options, attributes)) {
            for (byte[] part : parts) {
                ByteBuffer buf = ByteBuffer.wrap(part);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /** Makes a directory's entries (a rename, a new file) durable. */
    public static void syncDirectory(Path directory) throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    /** Creates {@code directory} and its parents, syncing each parent that gained an entry. */
    public static void createDirectories(Path directory) throws IOException {
        Path absolute = directory.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return;
        }
        Path parent = absolute.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(absolute);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return; // created concurrently
        }
        if (parent != null) {
            syncDirectory(parent);
        }
    }
}
