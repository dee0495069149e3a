package tern.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Logins verified a moment ago, so that a client that logs in for every message (most
 * submission clients do) pays the deliberately slow password hash once every few minutes,
 * not every time.
 *
 * <p>What is kept is neither the password nor its stored hash: an entry is the HMAC-SHA256 of
 * user and password under a key drawn at random when the process starts and never written
 * anywhere. Memory read by an attacker yields values that check nothing outside this process,
 * and guessing against them costs as much as against any HMAC key.
 *
 * <p>Only successful verifications are kept, each for {@link #DEFAULT_TIME_TO_LIVE}; a wrong
 * password always goes to the hash. At most {@link #DEFAULT_CAPACITY} entries, the oldest
 * leaving first. The owner {@link #clear}s the cache whenever the users file changes, so a
 * removed user or a changed password takes effect at once.
 *
 * <p>Thread-safe: every method holds this object's monitor for a map operation, never for a hash.
 */
public final class LoginCache {

    /** How long a verified login is remembered. */
    public static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofMinutes(5);
    /** The most logins remembered at once. */
    public static final int DEFAULT_CAPACITY = 10_000;

    private final InstantSource clock;
    private final Duration timeToLive;
    private final int capacity;
    private final SecretKeySpec key;
    /** Insertion order: the first entry is the oldest, and the first to expire. */
    private final LinkedHashMap<String, Instant> verified = new LinkedHashMap<>();

    public LoginCache(InstantSource clock) {
        this(clock, DEFAULT_TIME_TO_LIVE, DEFAULT_CAPACITY);
    }

    public LoginCache(InstantSource clock, Duration timeToLive, int capacity) {
        this.clock = clock;
        this.timeToLive = timeToLive;
        this.capacity = capacity;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** Whether {@code user} logged in with exactly this password within the time to live. */
    public boolean contains(String user, char[] password) {
        String k = keyOf(user, password);
        Instant now = clock.instant();
        synchronized (this) {
            expire(now);
            Instant until = verified.get(k);
            return until != null && now.isBefore(until);
        }
    }

    /** Remembers a login the hash has just verified. */
    public void remember(String user, char[] password) {
        String k = keyOf(user, password);
        Instant now = clock.instant();
        synchronized (this) {
            expire(now);
            verified.remove(k); // re-inserted last: it is the newest now
            verified.put(k, now.plus(timeToLive));
            while (verified.size() > capacity) {
                Iterator<Map.Entry<String, Instant>> oldest = verified.entrySet().iterator();
                oldest.next();
                oldest.remove();
            }
        }
    }

    /** Forgets every login (the users file changed). */
    public synchronized void clear() {
        verified.clear();
    }

    public synchronized int size() {
        return verified.size();
    }

    private void expire(Instant now) {
        Iterator<Map.Entry<String, Instant>> it = verified.entrySet().iterator();
        while (it.hasNext() && !now.isBefore(it.next().getValue())) {
            it.remove();
        }
    }

    private String keyOf(String user, char[] password) {
        ByteBuffer pw = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] pwBytes = new byte[pw.remaining()];
        pw.get(pwBytes);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(user.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0); // no user name holds a NUL: "a"+"\0bc" and "a\0b"+"c" differ
            mac.update(pwBytes);
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        } finally {
            Arrays.fill(pwBytes, (byte) 0);
            if (pw.hasArray()) {
                Arrays.fill(pw.array(), (byte) 0);
            }
        }
    }
}
