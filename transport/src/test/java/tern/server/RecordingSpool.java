package tern.server;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import tern.envelope.Envelope;
import tern.queue.Spool;

/**
 * A spool in memory that records what it was given. By default it stores at once; with
 * {@link #holdCommits()} every commit waits until {@link #releaseCommits()}, and with
 * {@link #failing()} every commit fails, as a journal out of disk would.
 */
final class RecordingSpool implements Spool {

    record Stored(Envelope envelope, byte[] message) {
        String text() {
            return new String(message, StandardCharsets.UTF_8);
        }

        /** The message without our Received header (its first field, three folded lines). */
        String body() {
            String t = text();
            int end = t.indexOf("\r\n", t.indexOf(" +0000"));
            return t.substring(end + 2);
        }
    }

    private final List<Stored> stored = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();
    private volatile boolean hold;
    private volatile boolean fail;
    private volatile long delayMillis;

    RecordingSpool holdCommits() {
        hold = true;
        return this;
    }

    /** Every commit completes this much later, on another thread, like a journal's group commit. */
    RecordingSpool answeringAfter(long millis) {
        delayMillis = millis;
        return this;
    }

    RecordingSpool failing() {
        fail = true;
        return this;
    }

    void releaseCommits() {
        hold = false;
        held.forEach(f -> f.complete(null));
    }

    int commitsWaiting() {
        return (int) held.stream().filter(f -> !f.isDone()).count();
    }

    List<Stored> messages() {
        return List.copyOf(stored);
    }

    @Override
    public CompletionStage<Void> accept(Envelope envelope, byte[] message) {
        if (fail) {
            return CompletableFuture.failedFuture(new IllegalStateException("journal full"));
        }
        stored.add(new Stored(envelope, message));
        if (hold) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            held.add(f);
            return f;
        }
        if (delayMillis > 0) {
            return CompletableFuture.runAsync(() -> { },
                    CompletableFuture.delayedExecutor(delayMillis, java.util.concurrent.TimeUnit.MILLISECONDS));
        }
        return CompletableFuture.completedFuture(null);
    }
}
