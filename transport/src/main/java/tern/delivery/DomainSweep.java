package tern.delivery;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import tern.envelope.Envelope;
import tern.journal.JournalEvent;
import tern.journal.JournalEvent.Badmailed;
import tern.journal.JournalEvent.RetryRequested;
import tern.logging.MailLogLine;
import tern.queue.QueueId;
import tern.queue.QueueState;

/**
 * {@code tern queue retry|delete --domain D} in a running server: every queued message with a
 * recipient waiting at D is made due now, or moved to Badmail, a chunk at a time.
 *
 * <p>Why chunks: the queue manager's one thread also dispatches every other destination's
 * mail. A sweep over 100,000 recipients done in one go would hold that thread for seconds;
 * here each turn of its loop takes messages with at most {@link #CHUNK_RECIPIENTS} of their
 * recipients, asks the journal for their events (written together in one group commit) and
 * gives the thread back; the next chunk starts once those events are journaled and folded in.
 * Badmail files are written on a delivery worker, never on the manager's thread.
 *
 * <p>The messages are selected once, at the start, in one pass over the queue in memory (a
 * few tens of milliseconds at a million recipients); a message delivered or deleted meanwhile
 * is skipped when its chunk comes. Deleting acts on whole messages, as {@code queue delete ID}
 * does: a message that also waits for other domains goes to Badmail with them.
 */
public final class DomainSweep {

    /** Recipients per turn of the manager's loop. */
    static final int CHUNK_RECIPIENTS = 1_000;
    private static final String REASON = "deleted by operator";

    /** What the sweep does to each message. */
    public enum Kind {
        RETRY, DELETE;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Where a sweep stands: how many messages (and their recipients at the domain) it selected,
     * how many it has done, whether it is over and, if it failed, why.
     */
    public record Progress(long job, Kind kind, String domain, int messages, int recipients, int done,
                           boolean finished, String error) {

        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("job", job);
            f.put("action", kind.word());
            f.put("domain", domain);
            f.put("messages", messages);
            f.put("recipients", recipients);
            f.put("done", done);
            f.put("finished", finished);
            f.put("error", error);
            return f;
        }
    }

    private final QueueManager manager;
    private final long job;
    private final Kind kind;
    private final String domain;
    private final String suffix;
    private List<QueueId> selected = List.of();
    private int[] weights = new int[0];
    private int next;
    /** Set on the owner thread when a chunk could not be done: the sweep stops after journaling what was. */
    private String failure;
    private volatile Progress progress;
    private final CompletableFuture<Progress> done = new CompletableFuture<>();

    DomainSweep(QueueManager manager, long job, Kind kind, String domain) {
        this.manager = manager;
        this.job = job;
        this.kind = kind;
        this.domain = domain.strip().toLowerCase(Locale.ROOT);
        this.suffix = "@" + this.domain;
        this.progress = new Progress(job, kind, this.domain, 0, 0, 0, false, null);
    }

    public Progress progress() {
        return progress;
    }

    /** Completes with the last progress once the sweep is over. */
    public CompletableFuture<Progress> finished() {
        return done;
    }

    /** On the owner thread: selects the messages, then starts the first chunk. */
    void start() {
        Map<QueueId, int[]> found = new LinkedHashMap<>();
        manager.state.forEachRecipient((envelope, recipient, state, attempts) -> {
            if (state == QueueState.State.PENDING && atDomain(recipient)) {
                found.computeIfAbsent(envelope.id(), id -> new int[1])[0]++;
            }
        });
        List<QueueId> ids = new ArrayList<>(found.keySet());
        ids.sort(null); // queue ids sort by arrival: oldest first
        weights = new int[ids.size()];
        int recipients = 0;
        for (int i = 0; i < ids.size(); i++) {
            weights[i] = found.get(ids.get(i))[0];
            recipients += weights[i];
        }
        selected = ids;
        progress = new Progress(job, kind, domain, ids.size(), recipients, 0, false, null);
        QueueManager.log.info("queue {} --domain {}: {} messages, {} recipients at the domain",
                kind.word(), domain, ids.size(), recipients);
        step();
    }

    private boolean atDomain(String recipient) {
        return recipient.regionMatches(true, recipient.length() - suffix.length(), suffix, 0, suffix.length());
    }

    /** On the owner thread: the next chunk, or the end. */
    private void step() {
        if (failure != null || next >= selected.size()) {
            finish(failure);
            return;
        }
        List<Envelope> chunk = new ArrayList<>();
        int budget = 0;
        int from = next;
        while (next < selected.size() && budget < CHUNK_RECIPIENTS) {
            budget += weights[next];
            manager.state.envelope(selected.get(next++)).ifPresent(chunk::add);
        }
        int handled = next - from;
        if (chunk.isEmpty()) {
            advance(handled);
            manager.post(this::step);
            return;
        }
        switch (kind) {
            case RETRY -> journal(retries(chunk), handled);
            case DELETE -> manager.workers.execute(() -> badmail(chunk, handled));
        }
    }

    private List<JournalEvent> retries(List<Envelope> chunk) {
        Instant now = manager.clock.instant();
        List<JournalEvent> events = new ArrayList<>(chunk.size());
        for (Envelope e : chunk) {
            events.add(new RetryRequested(e.id(), now));
        }
        return events;
    }

    /** On a worker: the Badmail files first (as {@code queue delete ID}), then the events. */
    private void badmail(List<Envelope> chunk, int handled) {
        Instant now = manager.clock.instant();
        List<JournalEvent> events = new ArrayList<>(chunk.size());
        try {
            for (Envelope e : chunk) {
                manager.badmail.store(e, manager.bodies.read(e.id()), REASON, now);
                events.add(new Badmailed(e.id(), now, REASON));
            }
        } catch (IOException | RuntimeException e) {
            // The files written so far are journaled; the rest stay queued.
            String why = "Badmail could not be written: " + e.getMessage();
            manager.post(() -> {
                failure = why;
                journal(events, events.size());
            });
            return;
        }
        manager.post(() -> journal(events, handled));
    }

    /** On the owner thread: the chunk's events go to the journal together; folded in once written. */
    private void journal(List<JournalEvent> events, int handled) {
        if (events.isEmpty()) {
            advance(handled);
            manager.post(this::step);
            return;
        }
        CompletableFuture<?>[] writes = events.stream().map(manager.journal::append).toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(writes).whenComplete((v, error) -> manager.post(() -> {
            for (int i = 0; i < events.size(); i++) {
                if (!writes[i].isCompletedExceptionally()) {
                    apply(events.get(i));
                }
            }
            if (error != null) {
                finish("the journal could not be written: " + error.getMessage());
                return;
            }
            advance(handled);
            step();
        }));
    }

    private void apply(JournalEvent event) {
        manager.state.apply(event);
        if (event instanceof Badmailed b) {
            manager.bodies.forget(b.id());
            manager.metrics.messageBadmailed();
            MailLogLine.about(b.id()).status("badmailed", REASON).info(QueueManager.log);
        }
    }

    private void advance(int handled) {
        Progress p = progress;
        progress = new Progress(job, kind, domain, p.messages(), p.recipients(), p.done() + handled, false, null);
    }

    private void finish(String error) {
        if (done.isDone()) {
            return;
        }
        Progress p = progress;
        progress = new Progress(job, kind, domain, p.messages(), p.recipients(), p.done(), true, error);
        QueueManager.log.info("queue {} --domain {}: {} of {} messages done{}", kind.word(), domain, p.done(),
                p.messages(), error == null ? "" : "; stopped: " + error);
        done.complete(progress);
    }
}
