package tern.runtime;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tern.admin.console.QueueView;
import tern.delivery.QueueManager;
import tern.queue.QueueId;
import tern.queue.QueueState;

/**
 * The console's view of the queue, through the queue manager: every read is a question the
 * manager's owner thread answers with a copy (as {@code tern queue list} gets its answer from
 * the API), and every action is the one the API's {@code /queue/retry} and {@code /queue/delete}
 * take, journaled first.
 */
final class ManagerQueueView implements QueueView {
    private static final long WAIT_SECONDS = 30;

    private final QueueManager runner;
    private final InstantSource clock;

    ManagerQueueView(QueueManager runner, InstantSource clock) {
        this.runner = runner;
        this.clock = clock;
    }

    @Override
    public List<Message> messages() {
        Instant now = clock.instant();
        return await(runner.ask(state -> state.list().stream().map(m -> message(m, now)).toList()));
    }

    @Override
    public Page page(String domain, Optional<RecipientState> state, QueueId after, int limit) {
        Instant now = clock.instant();
        var query = new tern.delivery.QueueQuery(domain, state.map(RecipientState::word).orElse(null), after, limit);
        return await(runner.ask(s -> {
            var page = query.apply(s);
            return new Page(page.messages().stream().map(m -> message(m, now)).toList(), page.next(), page.matching(),
                    page.total());
        }));
    }

    @Override
    public List<tern.admin.console.QueueShape.Row> shape(Instant now) {
        return await(runner.ask(s -> {
            var tally = new tern.admin.console.QueueShape.Tally(now);
            s.forEachRecipient((envelope, recipient, state, attempts) -> {
                if (state == QueueState.State.PENDING) {
                    tally.add(recipient.substring(recipient.lastIndexOf('@') + 1), envelope.arrival());
                }
            });
            return tally.rows();
        }));
    }

    @Override
    public Optional<Message> message(QueueId id) {
        Instant now = clock.instant();
        return await(runner.ask(state -> state.message(id).map(m -> message(m, now))));
    }

    @Override
    public boolean retry(QueueId id) {
        return await(runner.retry(id));
    }

    @Override
    public boolean delete(QueueId id) {
        return await(runner.delete(id));
    }

    /** As {@code tern queue retry --domain}: in chunks on the manager's thread; waits until it is done. */
    @Override
    public int retryDestination(String domain) {
        var sweep = runner.sweep(tern.delivery.DomainSweep.Kind.RETRY, domain);
        return await(sweep.finished()).done();
    }

    private static Message message(QueueState.QueuedMessage m, Instant now) {
        List<Recipient> recipients = new ArrayList<>(m.recipients().size());
        for (QueueState.RecipientStatus r : m.recipients()) {
            recipients.add(new Recipient(r.name(), state(r, now), r.attempts(), r.nextAttempt(), r.lastAttempt(),
                    r.relay(), r.lastReply()));
        }
        return new Message(m.id(), m.arrival(), m.sender().toString(), m.size(), List.copyOf(recipients));
    }

    private static RecipientState state(QueueState.RecipientStatus r, Instant now) {
        return switch (r.state()) {
            case DELIVERED -> RecipientState.DELIVERED;
            case FAILED -> RecipientState.FAILED;
            case PENDING -> r.attempts() > 0 && r.nextAttempt() != null && r.nextAttempt().isAfter(now)
                    ? RecipientState.DEFERRED : RecipientState.PENDING;
        };
    }

    private static <T> T await(CompletableFuture<T> answer) {
        try {
            return answer.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the queue", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the queue did not answer: " + e, e);
        }
    }
}
