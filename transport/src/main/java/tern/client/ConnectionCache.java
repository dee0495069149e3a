package tern.client;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Idle SMTP connections kept for reuse, keyed by next-hop address (Postfix's connection
 * cache). A worker {@link #borrow}s one before opening a new connection and
 * {@link #release}s it after its transaction; the dispatcher's per-destination limits
 * count borrowed connections as its own.
 *
 * <p>An idle connection is kept at most {@code maxIdle} (servers drop idle clients after
 * a few minutes; 30 s wastes little). On borrow, one idle for {@link #PROBE_AFTER} or
 * longer is proven alive with NOOP: one round trip, far cheaper than connect + EHLO + TLS,
 * and it catches a server that closed it. One that was released a moment ago (the usual
 * case under load, where a NOOP per message cost a quarter of the round trips) is only
 * checked for a 421 or other unasked input; if it turns out dead at MAIL anyway, the
 * caller retries on a fresh connection. Network I/O (NOOP, QUIT) happens outside the lock.
 */
public final class ConnectionCache implements AutoCloseable {
    private record Idle(SmtpConnection connection, Instant since) {
    }

    /** Idle at least this long, a connection is asked (NOOP) before it is lent again. */
    public static final Duration PROBE_AFTER = Duration.ofSeconds(2);

    private final Duration maxIdle;
    private final int maxIdlePerHost;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<SmtpConnection.Key, ArrayDeque<Idle>> idle = new HashMap<>();
    private boolean closed;

    public ConnectionCache(Duration maxIdle, int maxIdlePerHost, InstantSource clock) {
        this.maxIdle = maxIdle;
        this.maxIdlePerHost = maxIdlePerHost;
        this.clock = clock;
    }

    /** 30 s idle, 10 per host, the system clock. */
    public static ConnectionCache withDefaults() {
        return withDefaults(10);
    }

    /**
     * 30 s idle, {@code maxIdlePerHost} per host, the system clock. Give it the per-destination
     * connection limit: a cache smaller than the workers that use a host at once closes and
     * reopens connections all the time under load.
     */
    public static ConnectionCache withDefaults(int maxIdlePerHost) {
        return new ConnectionCache(Duration.ofSeconds(30), maxIdlePerHost, InstantSource.system());
    }

    /**
     * A live idle connection opened as {@code nextHop} (address, name and settings), most
     * recently used first; empty if none.
     */
    public Optional<SmtpConnection> borrow(SmtpConnection.Key nextHop) {
        while (true) {
            Idle candidate;
            List<SmtpConnection> expired = new ArrayList<>();
            lock.lock();
            try {
                ArrayDeque<Idle> queue = idle.get(nextHop);
                candidate = null;
                Instant now = clock.instant();
                while (queue != null && !queue.isEmpty()) {
                    Idle i = queue.pollFirst();
                    if (now.isBefore(i.since().plus(maxIdle))) {
                        candidate = i;
                        break;
                    }
                    expired.add(i.connection());
                }
                if (queue != null && queue.isEmpty()) {
                    idle.remove(nextHop);
                }
            } finally {
                lock.unlock();
            }
            expired.forEach(SmtpConnection::close);
            if (candidate == null) {
                return Optional.empty();
            }
            boolean fresh = now().isBefore(candidate.since().plus(PROBE_AFTER));
            if (fresh ? candidate.connection().looksAlive() : candidate.connection().isAlive()) {
                return Optional.of(candidate.connection());
            }
            candidate.connection().close();
        }
    }

    private Instant now() {
        return clock.instant();
    }

    /** Gives a connection back after use; a broken one, or one too many, is closed instead. */
    public void release(SmtpConnection connection) {
        if (!connection.isUsable()) {
            connection.close();
            return;
        }
        SmtpConnection surplus = null;
        lock.lock();
        try {
            if (closed) {
                surplus = connection;
            } else {
                ArrayDeque<Idle> queue = idle.computeIfAbsent(connection.key(), k -> new ArrayDeque<>());
                queue.addFirst(new Idle(connection, clock.instant()));
                if (queue.size() > maxIdlePerHost) {
                    surplus = queue.pollLast().connection();
                }
            }
        } finally {
            lock.unlock();
        }
        if (surplus != null) {
            surplus.close();
        }
    }

    /** Closes (QUIT) connections idle longer than the limit; call it now and then. */
    public void evictExpired() {
        List<SmtpConnection> expired = new ArrayList<>();
        lock.lock();
        try {
            Instant now = clock.instant();
            for (Iterator<ArrayDeque<Idle>> it = idle.values().iterator(); it.hasNext(); ) {
                ArrayDeque<Idle> queue = it.next();
                queue.removeIf(i -> {
                    boolean old = !now.isBefore(i.since().plus(maxIdle));
                    if (old) {
                        expired.add(i.connection());
                    }
                    return old;
                });
                if (queue.isEmpty()) {
                    it.remove();
                }
            }
        } finally {
            lock.unlock();
        }
        expired.forEach(SmtpConnection::close);
    }

    /** Idle connections held now. */
    public int idleCount() {
        lock.lock();
        try {
            return idle.values().stream().mapToInt(ArrayDeque::size).sum();
        } finally {
            lock.unlock();
        }
    }

    /** QUITs every idle connection; connections released later are closed at once. */
    @Override
    public void close() {
        List<SmtpConnection> all = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            idle.values().forEach(q -> q.forEach(i -> all.add(i.connection())));
            idle.clear();
        } finally {
            lock.unlock();
        }
        all.forEach(SmtpConnection::close);
    }
}
