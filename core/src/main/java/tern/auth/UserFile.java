package tern.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import tern.config.ConfigException;

/**
 * The users who may authenticate: a text file of {@code address:encoded-hash} lines
 * ({@link PasswordHash}), {@code #} comments and blank lines allowed, held in memory.
 *
 * <p>A user is usually a mail address; its domain is compared without regard to case
 * (domains are case-insensitive, RFC 5321 2.4) while the local part is compared exactly.
 *
 * <p>Lookups read an immutable map and may run on any number of threads. {@link #add}
 * rewrites the whole file (temporary file, fsync, rename, fsync of the directory), so a
 * crash leaves either the old file or the new one, never half of one; the file is created
 * with mode 0600 where the file system has POSIX permissions, since even salted hashes
 * should not be readable by every local user.
 */
public final class UserFile {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final PasswordHash hasher;
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile Map<String, String> hashes;
    /** A hash of a random password, verified against for unknown users so they cost the same time. */
    private volatile String decoy;

    private UserFile(Path file, PasswordHash hasher, Map<String, String> hashes) {
        this.file = file;
        this.hasher = hasher;
        this.hashes = hashes;
    }

    /** Reads {@code file}; a missing file is an empty list of users. */
    public static UserFile load(Path file, PasswordHash hasher) {
        return new UserFile(file, hasher, parse(file, read(file)));
    }

    /** Reads {@code file} with the default hash strength. */
    public static UserFile load(Path file) {
        return load(file, new PasswordHash());
    }

    public Path file() {
        return file;
    }

    public int size() {
        return hashes.size();
    }

    public boolean contains(String user) {
        return user != null && hashes.containsKey(key(user));
    }

    /**
     * True when {@code user} exists and {@code password} is theirs. An unknown user is checked
     * against a decoy hash first, so that the answer takes as long as for a wrong password and
     * does not tell which addresses have accounts. Slow on purpose: not for an event loop.
     */
    public boolean verify(String user, char[] password) {
        String encoded = user == null ? null : hashes.get(key(user));
        if (encoded == null) {
            hasher.verify(password, decoy());
            return false;
        }
        return hasher.verify(password, encoded);
    }

    /**
     * Sets {@code user}'s password, adding the user or replacing their hash, and rewrites the
     * file atomically; comments and other lines are kept as they were.
     *
     * @return true when the user is new, false when an existing password was replaced
     * @throws IllegalArgumentException when the name or the password cannot be stored
     * @throws UncheckedIOException when the file cannot be written (the old one is then intact)
     */
    public boolean add(String user, char[] password) {
        checkUserName(user);
        if (password.length == 0) {
            throw new IllegalArgumentException("the password is empty");
        }
        String encoded = hasher.hash(password);
        String key = key(user);
        writeLock.lock();
        try {
            // Re-read so that an edit made by hand since load is not lost.
            List<String> lines = read(file);
            Map<String, String> current = parse(file, lines);
            boolean added = !current.containsKey(key);
            List<String> out = new ArrayList<>(lines.size() + 1);
            for (String line : lines) {
                String name = userOf(line);
                out.add(name != null && key(name).equals(key) ? user + ":" + encoded : line);
            }
            if (added) {
                out.add(user + ":" + encoded);
            }
            write(out);
            Map<String, String> next = new HashMap<>(current);
            next.put(key, encoded);
            hashes = Map.copyOf(next);
            return added;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Refuses a name the file could not hold or that would confuse a reader of it: empty,
     * a {@code :} (the separator), white space or a control character, or longer than a
     * mail address may be (RFC 5321 4.5.3.1: 64 + 1 + 255).
     */
    public static void checkUserName(String user) {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("the user name is empty");
        }
        if (user.length() > 320) {
            throw new IllegalArgumentException("the user name is longer than 320 characters");
        }
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            if (c == ':' || c == '#' && i == 0 || Character.isWhitespace(c) || Character.isSpaceChar(c)
                    || Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                throw new IllegalArgumentException("the user name may not contain "
                        + (c == ':' ? "':'" : c == '#' ? "a leading '#'" : String.format("U+%04X", (int) c)));
            }
        }
    }

    /** The lookup key: the name with its domain (after the last {@code @}) in lower case. */
    static String key(String user) {
        int at = user.lastIndexOf('@');
        return at < 0 ? user : user.substring(0, at + 1) + user.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    private String decoy() {
        String d = decoy;
        if (d == null) {
            // Random, never stored: no password can match it. Racing threads may each make
            // one; any of them will do.
            char[] secret = new char[24];
            java.security.SecureRandom r = new java.security.SecureRandom();
            for (int i = 0; i < secret.length; i++) {
                secret[i] = (char) ('!' + r.nextInt(94));
            }
            d = hasher.hash(secret);
            PasswordHash.erase(secret);
            decoy = d;
        }
        return d;
    }

    private static String userOf(String line) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
            return null;
        }
        int colon = t.indexOf(':');
        return colon < 0 ? null : t.substring(0, colon);
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the users file " + file, e);
        }
    }

    private static Map<String, String> parse(Path file, List<String> lines) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            // Never echo the line: it holds a hash. The line number is enough to find it.
            String where = file + " line " + (i + 1);
            int colon = t.indexOf(':');
            if (colon <= 0) {
                throw new ConfigException(where, null, "address:" + PasswordHash.SCHEME + "$...");
            }
            String user = t.substring(0, colon);
            String encoded = t.substring(colon + 1);
            try {
                checkUserName(user);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where, null, "a user name without ':', white space or control characters");
            }
            if (!PasswordHash.isWellFormed(encoded)) {
                throw new ConfigException(where, null, "a hash written by 'tern user add' ("
                        + PasswordHash.SCHEME + "$ITERATIONS$SALT$HASH)");
            }
            if (map.put(key(user), encoded) != null) {
                throw new ConfigException(where, user, "each user once");
            }
        }
        return Map.copyOf(map);
    }

    private void write(List<String> lines) {
        Path dir = file.toAbsolutePath().getParent();
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append('\n');
        }
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
            FileAttribute<?>[] attrs = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                    : new FileAttribute<?>[0];
            tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", attrs);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            syncDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the users file " + file, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the rename failed already; that is the error worth reporting
                }
            }
        }
    }

    /** Makes the rename itself durable (Linux needs an fsync of the directory for that). */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (FileSystemException | UnsupportedOperationException e) {
            // Some platforms cannot open a directory for reading; the rename is still atomic.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync the directory " + dir, e);
        }
    }
}
