package tern.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tern.admin.AdminResponse;
import tern.admin.AdminServer;
import tern.delivery.DomainSweep;
import tern.delivery.QueueManager;
import tern.delivery.QueueQuery;
import tern.queue.QueueId;
import tern.queue.QueueState;

/**
 * The queue's reads on the admin listener, and the start of a bulk action:
 * <ul>
 * <li>{@code GET /queue/messages?limit=N&after=ID&domain=D&state=S}: one page of queued
 *     messages, oldest first, {@code {"messages":[...],"next":"ID"}}; {@code next} is the
 *     {@code after} of the following page, null on the last one (see {@link QueueQuery});
 * <li>{@code GET /queue/sweep?job=N}: how far a {@code retry|delete --domain} got;
 * <li>{@code GET /queue/list}: this node's queue as {@code tern queue list --cluster} prints it;
 * <li>{@code POST /queue/retry|delete?domain=D} (with the token, through the server's existing
 *     actions): starts a {@link DomainSweep} and answers 202 with its job at once.
 * </ul>
 */
final class QueueApi {
    static final int DEFAULT_LIMIT = 100;
    private static final long WAIT_SECONDS = 30;

    private QueueApi() {
    }

    static void register(AdminServer admin, QueueManager queue, java.time.InstantSource clock) {
        admin.view("/queue/messages", params -> page(queue, params));
        admin.view("/queue/list", params -> AdminResponse.text(200,
                answer(queue, q -> tern.cluster.QueueReport.text(q.list(), clock.instant()))));
        admin.view("/queue/sweep", params -> {
            long job;
            try {
                job = Long.parseLong(params.getOrDefault("job", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("job is the number POST /queue/retry|delete?domain= answered");
            }
            return queue.sweep(job).map(s -> AdminResponse.ok(s.progress().fields()))
                    .orElseGet(() -> AdminResponse.notFound("no such job (or long finished): " + job));
        });
    }

    /** {@code POST /queue/retry|delete?domain=D}: 202 and the sweep's job number, its progress so far. */
    static AdminResponse sweep(QueueManager queue, DomainSweep.Kind kind, String domain) {
        DomainSweep sweep = queue.sweep(kind, domain);
        return AdminResponse.json(202, sweep.progress().fields());
    }

    private static AdminResponse page(QueueManager queue, Map<String, String> params) {
        int limit;
        try {
            limit = Integer.parseInt(params.getOrDefault("limit", Integer.toString(DEFAULT_LIMIT)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit is a number from 1 to " + QueueQuery.MAX_LIMIT);
        }
        String after = params.get("after");
        QueueQuery query = new QueueQuery(params.get("domain"), params.get("state"),
                after == null || after.isBlank() ? null : new QueueId(after.strip()), limit);
        QueueQuery.Page page = answer(queue, query::apply);
        List<Map<String, Object>> messages = new ArrayList<>(page.messages().size());
        for (QueueState.QueuedMessage m : page.messages()) {
            messages.add(fields(m));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("messages", messages);
        body.put("next", page.next() == null ? null : page.next().value());
        return AdminResponse.ok(body);
    }

    /** What the queue manager's owner thread answers to {@code question}, within a bounded wait. */
    private static <T> T answer(QueueManager queue, java.util.function.Function<QueueState, T> question) {
        try {
            return queue.ask(question).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the queue", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the queue did not answer: " + e, e);
        }
    }

    /** A message as {@code tern queue list --json} prints it. */
    static Map<String, Object> fields(QueueState.QueuedMessage m) {
        List<Map<String, Object>> recipients = new ArrayList<>(m.recipients().size());
        for (QueueState.RecipientStatus r : m.recipients()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("address", r.name());
            f.put("state", QueueQuery.word(r.state(), r.attempts()));
            f.put("attempts", r.attempts());
            f.put("next", r.nextAttempt() == null ? null : r.nextAttempt().toString());
            f.put("lastReply", r.lastReply());
            recipients.add(f);
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("id", m.id().value());
        f.put("arrival", m.arrival().toString());
        f.put("size", m.size());
        f.put("sender", m.sender().toString());
        f.put("recipients", recipients);
        return f;
    }
}
