package tern.dns;

import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.xbill.DNS.Message;
import org.xbill.DNS.Resolver;

/**
 * Sends queries with at most {@code limit} in flight, the rest waiting in line; a query
 * that times out is sent once more. Both because a burst of thousands of UDP queries
 * loses packets, and dnsjava's SimpleResolver never retries.
 */
final class QueryWindow {
    private final Resolver resolver;
    private final Executor executor;
    private final int limit;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int inFlight;
    private int peak;

    QueryWindow(Resolver resolver, Executor executor, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        this.resolver = resolver;
        this.executor = executor;
        this.limit = limit;
    }

    /** The response, completed on the executor; exceptionally only on timeout or I/O error. */
    CompletableFuture<Message> send(Message query) {
        CompletableFuture<Message> result = new CompletableFuture<>();
        enter(() -> attempt(query, 1, result));
        return result;
    }

    private void attempt(Message query, int retriesLeft, CompletableFuture<Message> result) {
        CompletableFuture<Message> sent;
        try {
            sent = resolver.sendAsync(query, executor).toCompletableFuture();
        } catch (RuntimeException e) {
            leave();
            result.completeExceptionally(e);
            return;
        }
        sent.whenComplete((response, error) -> {
            if (error != null && retriesLeft > 0 && isTimeout(error)) {
                attempt(query, retriesLeft - 1, result); // keeps its place in the window
                return;
            }
            leave();
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(response);
            }
        });
    }

    static boolean isTimeout(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof TimeoutException) {
                return true;
            }
            if (!(t instanceof CompletionException) && t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private void enter(Runnable start) {
        lock.lock();
        try {
            if (inFlight >= limit) {
                waiting.add(start);
                return;
            }
            inFlight++;
            peak = Math.max(peak, inFlight);
        } finally {
            lock.unlock();
        }
        start.run();
    }

    private void leave() {
        Runnable next;
        lock.lock();
        try {
            next = waiting.poll();
            if (next == null) {
                inFlight--;
            }
        } finally {
            lock.unlock();
        }
        if (next != null) {
            next.run(); // the finished query's slot passes straight to the next in line
        }
    }

    /** Most queries ever in flight at once; for tests and metrics. */
    int peakInFlight() {
        lock.lock();
        try {
            return peak;
        } finally {
            lock.unlock();
        }
    }
}
