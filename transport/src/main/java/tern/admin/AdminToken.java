package tern.admin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.fs.AtomicFiles;

/**
 * The secret every mutating admin request carries as {@code Authorization: Bearer <token>}.
 * It lives in {@code <dataDir>/admin.token}, readable by the server's user only (mode 0600):
 * whoever can read it may act on the queue, just as whoever can read the journal can see it.
 * The command line reads the same file, so {@code tern queue retry} works for the operator
 * who runs the server and for root, and for nobody else.
 *
 * <p>The first start creates it: 32 random bytes, base64url. The file is written whole under
 * a temporary name with mode 0600 from its creation (never a window with the umask's mode),
 * then hard-linked into place, which fails rather than replaces if another process got there
 * first; either way everyone then reads the one file. An operator may put a token of their own
 * there (one line); it is read at every start.
 *
 * <p>Comparison is over SHA-256 digests with {@link MessageDigest#isEqual}, so the time taken
 * says nothing about how much of a guess was right, not even its length.
 */
public final class AdminToken {

    private static final Logger log = LoggerFactory.getLogger(AdminToken.class);

    /** The file name under the data directory. */
    public static final String FILE_NAME = "admin.token";
    private static final int RANDOM_BYTES = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final byte[] digest;

    private AdminToken(byte[] digest) {
        this.digest = digest;
    }

    /** A token with this value (tests; a server always uses {@link #loadOrCreate}). */
    public static AdminToken of(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("an admin token cannot be empty");
        }
        return new AdminToken(sha256(value.strip()));
    }

    /** A token no request can present: every mutating request is refused. */
    public static AdminToken none() {
        return new AdminToken(null);
    }

    /** Where the token of the server with this data directory lives. */
    public static Path file(Path dataDir) {
        return dataDir.resolve(FILE_NAME);
    }

    /**
     * Reads {@code <dataDir>/admin.token}, creating it first when there is none.
     *
     * @throws IOException when the file cannot be created or read, or is empty
     */
    public static AdminToken loadOrCreate(Path dataDir) throws IOException {
        Path file = file(dataDir);
        if (!Files.exists(file)) {
            create(dataDir, file);
        }
        warnIfOthersMayRead(file);
        return of(read(file).orElseThrow(() -> new IOException(file + " is empty: delete it to get a new token")));
    }

    /**
     * The token in {@code file}: its first line, stripped. Empty when the file is empty; the
     * command line uses this, and an unreadable file is its caller's error to report.
     */
    public static Optional<String> read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        int eol = text.indexOf('\n');
        String first = (eol < 0 ? text : text.substring(0, eol)).strip();
        return first.isEmpty() ? Optional.empty() : Optional.of(first);
    }

    /** True when {@code presented} is this token. */
    public boolean matches(String presented) {
        if (digest == null || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(presented));
    }

    /**
     * True when an {@code Authorization} header value carries this token as a bearer token
     * (RFC 6750 2.1; the scheme name is case-insensitive).
     */
    public boolean authorizes(String authorization) {
        if (authorization == null) {
            return false;
        }
        String value = authorization.strip();
        if (value.length() <= 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return matches(value.substring(7).strip());
    }

    private static void create(Path dataDir, Path file) throws IOException {
        AtomicFiles.createDirectories(dataDir);
        byte[] random = new byte[RANDOM_BYTES];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path tmp = Files.createTempFile(dataDir, "." + FILE_NAME + ".", ".tmp", ownerOnly(dataDir));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap((token + "\n").getBytes(StandardCharsets.US_ASCII));
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(true);
            }
            try {
                Files.createLink(file, tmp);
                log.info("created the admin token {} (mode 0600)", file);
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: read theirs
            } catch (UnsupportedOperationException noLinks) {
                Files.move(tmp, file); // no hard links here: a plain rename, which also refuses to replace
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        AtomicFiles.syncDirectory(dataDir);
    }

    private static FileAttribute<?>[] ownerOnly(Path dir) {
        boolean posix = Files.getFileAttributeView(dir, java.nio.file.attribute.PosixFileAttributeView.class) != null;
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
    }

    private static void warnIfOthersMayRead(Path file) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ)) {
                log.warn("{} is readable by others (mode {}): anyone who reads it can change the queue; chmod 600 it",
                        file, PosixFilePermissions.toString(mode));
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: nothing to check
        }
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
