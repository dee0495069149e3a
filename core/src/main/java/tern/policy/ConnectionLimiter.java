package tern.policy;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How many connections each client address holds at once, and a cap on it, so that one
 * client cannot take all of {@code server.maxConnections}. Called from the event loops on
 * connect and on close: every change is one atomic {@link ConcurrentHashMap#compute} on the
 * address's bin, with no lock held beyond it, and an address with no connection left is
 * removed, so memory follows the clients connected now.
 *
 * <p>Each successful {@link #tryAcquire} must be paired with exactly one {@link #release}.
 */
public final class ConnectionLimiter {
    private final int perAddress;
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

    /** @param perAddress the most connections one address may hold; at least 1 */
    public ConnectionLimiter(int perAddress) {
        if (perAddress < 1) {
            throw new IllegalArgumentException("perAddress must be at least 1: " + perAddress);
        }
        this.perAddress = perAddress;
    }

    public int perAddress() {
        return perAddress;
    }

    /** Counts a new connection from {@code address}; false (and nothing counted) when it has its fill. */
    public boolean tryAcquire(String address) {
        boolean[] acquired = new boolean[1];
        open.compute(address, (a, n) -> {
            int now = n == null ? 0 : n;
            if (now >= perAddress) {
                return n;
            }
            acquired[0] = true;
            return now + 1;
        });
        return acquired[0];
    }

    /** Counts a connection from {@code address} closed. */
    public void release(String address) {
        open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    /** The connections open from {@code address}. */
    public int count(String address) {
        Integer n = open.get(address);
        return n == null ? 0 : n;
    }

    /** How many addresses have a connection open. */
    public int addresses() {
        return open.size();
    }
}
