package tern.server;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * The heap that message content being received may hold, shared by every inbound session of
 * a server: the bytes of messages not yet in the journal. Without it, each session's message
 * could grow to {@code server.maxMessageSize} in memory, and a few dozen clients sending large
 * messages at once (or never ending one) would exhaust any heap.
 *
 * <p>The budget is {@value #HEAP_SHARE_PERCENT}% of the maximum heap by default: the rest is
 * for the queue, delivery, TLS, Netty and the garbage collector's headroom. Two kinds of
 * holdings count against it:
 * <ul>
 *   <li>the in-memory part of a message as it arrives ({@link #tryReserve}): a session that
 *       cannot have more writes the rest of its message to a spool file instead, so reading
 *       never stops for it and the heap does not grow;</li>
 *   <li>a whole message made into one array for the journal ({@link #reserve}): when the
 *       budget is spent, the session waits for its turn (first come, first served) and reads
 *       nothing meanwhile; its client sees a slow end of DATA, never a dead server.</li>
 * </ul>
 * A request larger than the whole budget is trimmed to the budget, so that it waits for an
 * idle moment instead of for ever. Everything is guarded by this object's monitor: calls are
 * a few per message, not per byte.
 */
final class MessageMemory {

    /** The share of the maximum heap (-Xmx) given to messages being received. */
    static final int HEAP_SHARE_PERCENT = 25;

    private final long budget;
    private long used;
    private long peak;
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();

    private record Waiter(long bytes, CompletableFuture<Long> granted) {
    }

    MessageMemory(long budget) {
        if (budget <= 0) {
            throw new IllegalArgumentException("budget must be positive: " + budget);
        }
        this.budget = budget;
    }

    /** {@value #HEAP_SHARE_PERCENT}% of this JVM's maximum heap. */
    static MessageMemory ofHeap() {
        return new MessageMemory(Runtime.getRuntime().maxMemory() / 100 * HEAP_SHARE_PERCENT);
    }

    /** Takes {@code bytes} now if they are free and nobody is waiting before us; false otherwise. */
    synchronized boolean tryReserve(long bytes) {
        if (!waiting.isEmpty() || used + bytes > budget) {
            return false;
        }
        take(bytes);
        return true;
    }

    /**
     * Takes {@code bytes} (at most the whole budget) as soon as they are free, in the order
     * asked. The stage completes with the amount taken, which is what to {@link #release}.
     */
    CompletableFuture<Long> reserve(long bytes) {
        long amount = Math.min(bytes, budget);
        CompletableFuture<Long> granted = new CompletableFuture<>();
        synchronized (this) {
            if (waiting.isEmpty() && used + amount <= budget) {
                take(amount);
                granted.complete(amount);
            } else {
                waiting.add(new Waiter(amount, granted));
            }
        }
        return granted;
    }

    /** Gives back what {@link #tryReserve} or {@link #reserve} took; lets waiters in. */
    void release(long bytes) {
        if (bytes <= 0) {
            return;
        }
        synchronized (this) {
            used -= bytes;
        }
        grantWaiters();
    }

    /**
     * The session behind {@code wait} (from {@link #reserve}) is gone: takes it out of the line,
     * or gives back what it was granted, and lets those behind it in.
     */
    void giveUp(CompletableFuture<Long> wait) {
        boolean waited;
        synchronized (this) {
            waited = waiting.removeIf(w -> w.granted() == wait);
        }
        if (!waited && !wait.cancel(false) && !wait.isCompletedExceptionally()) {
            release(wait.join()); // granted before the session could take it
            return;
        }
        wait.cancel(false);
        grantWaiters();
    }

    private void grantWaiters() {
        ArrayDeque<Waiter> ready = new ArrayDeque<>();
        synchronized (this) {
            while (!waiting.isEmpty()) {
                Waiter first = waiting.peek();
                if (used + first.bytes() > budget) {
                    break;
                }
                waiting.poll();
                take(first.bytes());
                ready.add(first);
            }
        }
        // Completed outside the monitor: what runs next must not run under our lock.
        for (Waiter w : ready) {
            if (!w.granted().complete(w.bytes())) {
                release(w.bytes()); // given up in the meantime
            }
        }
    }

    private void take(long bytes) {
        used += bytes;
        peak = Math.max(peak, used);
    }

    long budget() {
        return budget;
    }

    synchronized long used() {
        return used;
    }

    /** The most held at once since start. */
    synchronized long peak() {
        return peak;
    }
}
