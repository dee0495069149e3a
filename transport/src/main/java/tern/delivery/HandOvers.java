package tern.delivery;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import tern.journal.JournalEvent.HandedOver;
import tern.logging.MailLogLine;
import tern.queue.QueueId;
import tern.queue.QueueState;

/**
 * Messages held for a hand-over to another MTA ({@code tern queue evacuate}), on the queue
 * manager's thread. A held message is not dispatched: whatever of it falls due is parked
 * here, and goes back to the scheduler when the hold ends without a hand-over. A message with
 * a delivery under way is held at once (nothing new starts) and answered when that round has
 * settled, so a recipient is never both delivered here and handed over.
 */
final class HandOvers {

    private static final class Hold {
        final List<String> parked = new ArrayList<>();
        CompletableFuture<Optional<Evacuation.Held>> waiting;
    }

    private final QueueManager m;
    private final Map<QueueId, Hold> held = new HashMap<>();

    HandOvers(QueueManager manager) {
        this.m = manager;
    }

    void hold(QueueId id, CompletableFuture<Optional<Evacuation.Held>> answer) {
        if (!m.state.isPending(id)) {
            answer.complete(Optional.empty());
            return;
        }
        if (held.containsKey(id)) {
            answer.completeExceptionally(new IllegalStateException(id + " is being handed over already"));
            return;
        }
        Hold hold = new Hold();
        held.put(id, hold);
        if (m.rounds.busy(id)) {
            hold.waiting = answer;
        } else {
            answer.complete(pending(id));
        }
    }

    /** A round of deliveries of {@code id} has settled: a hold that waited for it is answered now. */
    void roundEnded(QueueId id) {
        Hold hold = held.get(id);
        if (hold == null || hold.waiting == null) {
            return;
        }
        var answer = hold.waiting;
        hold.waiting = null;
        Optional<Evacuation.Held> now = pending(id);
        if (now.isEmpty()) {
            release(id);
        }
        answer.complete(now);
    }

    /**
     * Scheduler keys of a held message that fell due (retries and delay notices): kept back
     * until the hold ends. False when the message is not held, and the caller goes on as usual.
     */
    boolean park(QueueId id, List<String> keys) {
        Hold hold = held.get(id);
        if (hold == null) {
            return false;
        }
        hold.parked.addAll(keys);
        return true;
    }

    /** The hold ends: what was parked and is still pending is scheduled again, retries at their own time. */
    void release(QueueId id) {
        Hold hold = held.remove(id);
        if (hold == null) {
            return;
        }
        if (hold.waiting != null) {
            hold.waiting.complete(Optional.empty());
        }
        Instant now = m.clock.instant();
        for (String key : hold.parked) {
            String notice = QueueState.noticeOf(key);
            String name = notice != null ? notice : key;
            var status = m.state.recipient(id, name).filter(r -> r.state() == QueueState.State.PENDING);
            if (status.isEmpty()) {
                continue;
            }
            Instant due = notice != null || status.get().nextAttempt() == null || status.get().nextAttempt().isBefore(now)
                    ? now : status.get().nextAttempt();
            m.state.scheduler().schedule(id, key, due);
        }
    }

    /** Journals the hand-over, folds it in, and ends the hold. */
    void record(HandedOver event, CompletableFuture<Void> answer) {
        m.journal.append(event).whenComplete((v, error) -> m.post(() -> {
            if (error != null) {
                QueueManager.log.error("{}: the hand-over to {} could not be journaled; the message stays queued "
                        + "here and the peer has it too: {}", event.id(), event.peer(), error.toString());
                release(event.id());
                answer.completeExceptionally(error);
                return;
            }
            m.state.apply(event);
            for (String recipient : event.recipients()) {
                MailLogLine.about(event.id()).address("to", recipient).field("relay", event.peer())
                        .status("handed over", event.reply().text()).info(QueueManager.log);
            }
            release(event.id());
            if (!m.state.isPending(event.id())) {
                m.bodies.forget(event.id());
            }
            answer.complete(null);
        }));
    }

    /** The running server's queue as {@code tern queue evacuate} sees it: every step goes through the manager. */
    static Evacuation.Queue of(QueueManager m) {
        return new Evacuation.Queue() {
            @Override
            public List<QueueId> ids() throws IOException {
                return await(m.ask(s -> s.list().stream().map(QueueState.QueuedMessage::id).toList()));
            }

            @Override
            public Optional<Evacuation.Held> hold(QueueId id) throws IOException {
                return await(m.holdForHandOver(id));
            }

            @Override
            public byte[] message(QueueId id) throws IOException {
                return m.bodies.read(id);
            }

            @Override
            public void handedOver(HandedOver event) throws IOException {
                await(m.handedOver(event));
            }

            @Override
            public void release(QueueId id) {
                m.releaseHandOver(id);
            }
        };
    }

    private static <T> T await(CompletableFuture<T> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause().getMessage(), e.getCause());
        }
    }

    private Optional<Evacuation.Held> pending(QueueId id) {
        return m.state.message(id).map(message -> new Evacuation.Held(message.envelope(), message.recipients().stream()
                .filter(r -> r.state() == QueueState.State.PENDING).map(QueueState.RecipientStatus::recipient).toList()));
    }
}
