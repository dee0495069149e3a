package tern.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.LongAdder;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted, slow password hashes: PBKDF2-HMAC-SHA256 with a random 16-byte salt, written as
 * the self-describing string {@code pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>}.
 *
 * <p>The iteration count travels inside each encoded hash, so raising the default later
 * only affects new or re-set passwords and old lines keep verifying. 600,000 iterations is
 * OWASP's 2023 figure for HMAC-SHA256 (210,000 is its figure for SHA-512); one verification
 * then costs a few hundred milliseconds of one core, which is why callers must run
 * {@link #verify} off the SMTP event loop.
 *
 * <p>Plaintext is only ever held in the caller's {@code char[]}; nothing here keeps, logs or
 * puts it into an exception message.
 */
public final class PasswordHash {
    public static final String SCHEME = "pbkdf2-sha256";
    public static final int DEFAULT_ITERATIONS = 600_000;
    /** Refuse absurd counts read from a file: a typo must not stall every login for minutes. */
    static final int MAX_ITERATIONS = 10_000_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;

    private final int iterations;
    private final SecureRandom random;
    private final LongAdder derivations = new LongAdder();

    public PasswordHash() {
        this(DEFAULT_ITERATIONS, new SecureRandom());
    }

    public PasswordHash(int iterations) {
        this(iterations, new SecureRandom());
    }

    public PasswordHash(int iterations, SecureRandom random) {
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations out of range: " + iterations);
        }
        this.iterations = iterations;
        this.random = random;
    }

    public int iterations() {
        return iterations;
    }

    /** A fresh salted hash of {@code password}, encoded; the password must not be empty. */
    public String hash(char[] password) {
        if (password.length == 0) {
            throw new IllegalArgumentException("empty password");
        }
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, iterations);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /**
     * True when {@code password} matches {@code encoded}. The comparison takes the same time
     * wherever the bytes differ. A malformed {@code encoded} is false, never an exception, but
     * still costs one derivation at this hasher's count so that it cannot be told apart by timing.
     */
    public boolean verify(char[] password, String encoded) {
        Parsed p = parse(encoded);
        if (p == null || password.length == 0) {
            derive(new char[] {'x'}, new byte[SALT_BYTES], iterations);
            return false;
        }
        byte[] actual = derive(password, p.salt, p.iterations);
        return MessageDigest.isEqual(actual, p.hash);
    }

    /** True when {@code encoded} has the form this class writes (for checking a users file on load). */
    public static boolean isWellFormed(String encoded) {
        return parse(encoded) != null;
    }

    /** How many keys this hasher derived since it was made: the AUTH cost, for metrics and tests. */
    public long derivations() {
        return derivations.sum();
    }

    private byte[] derive(char[] password, byte[] salt, int rounds) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, rounds, HASH_BITS);
        try {
            // SunJCE encodes the chars as UTF-8, so non-ASCII passwords hash the same everywhere.
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            // Every Java SE runtime must provide PBKDF2WithHmacSHA256; this is a broken JDK.
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
        } finally {
            spec.clearPassword();
            derivations.increment();
        }
    }

    private record Parsed(int iterations, byte[] salt, byte[] hash) {
    }

    private static Parsed parse(String encoded) {
        if (encoded == null) {
            return null;
        }
        String[] parts = encoded.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME) || parts[1].isEmpty() || parts[1].length() > 8
                || !parts[1].chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        int rounds = Integer.parseInt(parts[1]);
        if (rounds < 1 || rounds > MAX_ITERATIONS) {
            return null;
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[2].getBytes(StandardCharsets.US_ASCII));
            byte[] hash = Base64.getDecoder().decode(parts[3].getBytes(StandardCharsets.US_ASCII));
            if (salt.length < 8 || hash.length != HASH_BITS / 8) {
                return null;
            }
            return new Parsed(rounds, salt, hash);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Overwrites a password buffer once it is no longer needed. */
    public static void erase(char[] password) {
        if (password != null) {
            Arrays.fill(password, '\0');
        }
    }
}
