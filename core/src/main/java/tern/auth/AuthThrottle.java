package tern.auth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Slows down password guessing: each client address may fail AUTH a few times freely; after
 * that, every further attempt waits before it is answered, the wait doubling with each
 * failure up to a cap (1 s, 2 s, 4 s ... 30 s by default). A success, or a quiet spell as long
 * as the window since the last failure, forgets the address.
 *
 * <p>Waiting rather than refusing keeps a user who mistyped able to log in, while making a
 * guesser pay seconds per try. The session applies the wait without blocking (a scheduled
 * reply), so slowed clients cost no threads.
 *
 * <p>IPv6 clients are counted per /64, since one host usually owns a whole /64 and could
 * otherwise start afresh from each of its addresses. Memory is bounded: at most
 * {@code maxAddresses} are tracked, the one that failed longest ago is dropped first, and
 * addresses past the window are evicted as new failures come in.
 *
 * <p>Thread-safe; the lock is held only for a map operation, never across I/O.
 */
public final class AuthThrottle {
    public static final int DEFAULT_FREE_FAILURES = 3;
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);
    public static final Duration DEFAULT_FIRST_DELAY = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_ADDRESSES = 100_000;

    private final InstantSource clock;
    private final int freeFailures;
    private final Duration window;
    private final Duration firstDelay;
    private final Duration maxDelay;
    private final int maxAddresses;
    private final ReentrantLock lock = new ReentrantLock();
    /** In order of last failure, oldest first: the head is both the LRU victim and the first to expire. */
    private final LinkedHashMap<String, Failures> byAddress;

    private static final class Failures {
        int count;
        Instant last;
    }

    public AuthThrottle(InstantSource clock) {
        this(clock, DEFAULT_FREE_FAILURES, DEFAULT_WINDOW, DEFAULT_FIRST_DELAY, DEFAULT_MAX_DELAY, DEFAULT_MAX_ADDRESSES);
    }

    /**
     * @param freeFailures how many failures an address may have before attempts are delayed
     * @param window       how long after its last failure an address is forgotten
     * @param firstDelay   the delay once {@code freeFailures} is reached; doubles per further failure
     * @param maxDelay     the longest delay
     * @param maxAddresses how many addresses are tracked at most
     */
    public AuthThrottle(InstantSource clock, int freeFailures, Duration window, Duration firstDelay,
                        Duration maxDelay, int maxAddresses) {
        if (freeFailures < 0 || maxAddresses < 1 || window.isNegative() || window.isZero()
                || firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("bad throttle settings");
        }
        this.clock = clock;
        this.freeFailures = freeFailures;
        this.window = window;
        this.firstDelay = firstDelay;
        this.maxDelay = maxDelay;
        this.maxAddresses = maxAddresses;
        this.byAddress = new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
                return size() > AuthThrottle.this.maxAddresses;
            }
        };
    }

    /** How long to wait before answering the next AUTH attempt from this address; zero if at once. */
    public Duration delayFor(String clientAddress) {
        String key = key(clientAddress);
        Instant now = clock.instant();
        int count;
        lock.lock();
        try {
            Failures f = byAddress.get(key);
            if (f == null) {
                return Duration.ZERO;
            }
            if (expired(f, now)) {
                byAddress.remove(key);
                return Duration.ZERO;
            }
            count = f.count;
        } finally {
            lock.unlock();
        }
        return delayAfter(count);
    }

    /** Counts a failed attempt (wrong password, unknown user, refused credentials). */
    public void failed(String clientAddress) {
        String key = key(clientAddress);
        Instant now = clock.instant();
        lock.lock();
        try {
            evictExpired(now);
            Failures f = byAddress.remove(key);
            if (f == null || expired(f, now)) {
                f = new Failures();
            }
            f.count = f.count == Integer.MAX_VALUE ? f.count : f.count + 1;
            f.last = now;
            byAddress.put(key, f);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets the address's failures: whoever knows the password is not a guesser. */
    public void succeeded(String clientAddress) {
        String key = key(clientAddress);
        lock.lock();
        try {
            byAddress.remove(key);
        } finally {
            lock.unlock();
        }
    }

    /** The failures counted against this address right now. */
    public int failures(String clientAddress) {
        String key = key(clientAddress);
        Instant now = clock.instant();
        lock.lock();
        try {
            Failures f = byAddress.get(key);
            return f == null || expired(f, now) ? 0 : f.count;
        } finally {
            lock.unlock();
        }
    }

    /** How many addresses are tracked (bounded by {@code maxAddresses}). */
    public int trackedAddresses() {
        lock.lock();
        try {
            return byAddress.size();
        } finally {
            lock.unlock();
        }
    }

    Duration delayAfter(int failures) {
        if (failures < freeFailures) {
            return Duration.ZERO;
        }
        int doublings = Math.min(failures - freeFailures, 32);
        Duration d = firstDelay;
        for (int i = 0; i < doublings && d.compareTo(maxDelay) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }

    private boolean expired(Failures f, Instant now) {
        return !now.isBefore(f.last.plus(window));
    }

    private void evictExpired(Instant now) {
        Iterator<Failures> it = byAddress.values().iterator();
        while (it.hasNext()) {
            if (!expired(it.next(), now)) {
                return;
            }
            it.remove();
        }
    }

    /** The address itself, or its /64 for IPv6; text that is no IP literal is used as it is. */
    static String key(String clientAddress) {
        String s = clientAddress;
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.indexOf(':') < 0) {
            return s;
        }
        int percent = s.indexOf('%');
        if (percent >= 0) {
            s = s.substring(0, percent);
        }
        try {
            // ofLiteral parses without any name lookup; an IPv4-mapped address comes back as IPv4.
            InetAddress a = InetAddress.ofLiteral(s);
            if (a instanceof Inet6Address) {
                return HexFormat.of().formatHex(a.getAddress(), 0, 8) + "::/64";
            }
            return a.getHostAddress();
        } catch (IllegalArgumentException e) {
            return clientAddress;
        }
    }
}
