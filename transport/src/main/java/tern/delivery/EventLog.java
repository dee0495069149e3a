package tern.delivery;

import java.util.concurrent.CompletableFuture;
import tern.journal.JournalEvent;

/** Where the queue manager records its decisions: the journal, in production. */
@FunctionalInterface
public interface EventLog {
    /** Completes once {@code event} is durable. */
    CompletableFuture<Void> append(JournalEvent event);

    /** Like {@link #append}, with where the event went (a journal index), or -1 when unknown. */
    default CompletableFuture<Long> appendLocated(JournalEvent event) {
        return append(event).thenApply(v -> -1L);
    }
}
