package tern.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One owner per data directory: {@code <dataDir>/lock}, held with an exclusive file lock
 * for as long as the owner runs, with the owner's process id written in it for operators.
 *
 * <p>Why a lock rather than a PID file alone: the operating system releases it when the
 * process dies, even by {@code kill -9}, so a stale file never keeps a server from starting;
 * and two processes cannot both believe they own the queue. The file itself is left in
 * place on release (deleting it would race a process that just opened it).
 *
 * <p>Within one process the lock file is never opened a second time while held: on Linux the
 * lock is a POSIX record lock, which closing <em>any</em> descriptor of the file in the
 * process would release. Owners in this process are known from a set instead.
 */
public final class DataDirLock implements AutoCloseable {

    /** The data directory is owned by another process (or another server in this one). */
    public static final class HeldException extends IOException {
        private final Path lockFile;
        private final String holder;

        HeldException(Path lockFile, String holder) {
            super(lockFile + " is held by process " + holder + ": another Tern owns this data directory");
            this.lockFile = lockFile;
            this.holder = holder;
        }

        public Path lockFile() {
            return lockFile;
        }

        /** The holder's process id as it wrote it, or "unknown". */
        public String holder() {
            return holder;
        }
    }

    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code dataDir} (creating the directory) and writes this process's id.
     *
     * @throws HeldException when another process, or another owner in this one, holds it
     */
    public static DataDirLock acquire(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.toRealPath().resolve("lock");
        if (!HELD_HERE.add(file)) {
            throw new HeldException(file, String.valueOf(ProcessHandle.current().pid()));
        }
        try {
            return lock(file);
        } catch (IOException | RuntimeException e) {
            HELD_HERE.remove(file);
            throw e;
        }
    }

    private static DataDirLock lock(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            String holder = holder(channel);
            channel.close();
            throw new HeldException(file, holder);
        }
        try {
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            channel.force(true);
        } catch (IOException e) {
            lock.release();
            channel.close();
            throw e;
        }
        return new DataDirLock(file, channel, lock);
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            int n = channel.read(buffer, 0);
            String text = n <= 0 ? "" : new String(buffer.array(), 0, n, StandardCharsets.US_ASCII).strip();
            return text.matches("\\d{1,19}") ? text : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // the channel's close releases it too
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
        HELD_HERE.remove(file);
    }
}
