package tern.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tern.config.TernConfig;
import tern.delivery.Evacuation;
import tern.journal.Journal;
import tern.journal.JournalEvent;
import tern.journal.JournalEvent.Accepted;
import tern.queue.QueueId;
import tern.queue.QueueState;

/**
 * A stopped node's queue for {@code tern queue evacuate --data-dir}: the fold of its journal,
 * as the server would replay it, with hand-overs appended to that same journal. The caller
 * holds the data directory's lock, so no server runs on it meanwhile. Every append is
 * fsynced before the next message goes, whatever {@code journal.sync} that node had.
 */
final class StoppedNodeQueue implements Evacuation.Queue, AutoCloseable {

    private final Journal journal;
    private final QueueState state = new QueueState();
    private final Map<QueueId, Long> located = new HashMap<>();

    StoppedNodeQueue(Path journalDir, InstantSource clock) {
        this.journal = Journal.open(journalDir, TernConfig.Sync.BATCH, clock);
        journal.replay(state::apply);
        journal.replayLocated((index, event) -> {
            if (event instanceof Accepted a && state.isPending(a.id())) {
                located.put(a.id(), index); // the last Accepted of an id is the one that counts
            }
        });
    }

    @Override
    public List<QueueId> ids() {
        return state.list().stream().map(QueueState.QueuedMessage::id).toList();
    }

    @Override
    public Optional<Evacuation.Held> hold(QueueId id) {
        return state.message(id).map(m -> new Evacuation.Held(m.envelope(), m.recipients().stream()
                .filter(r -> r.state() == QueueState.State.PENDING).map(QueueState.RecipientStatus::recipient).toList()));
    }

    @Override
    public byte[] message(QueueId id) throws IOException {
        Long index = located.get(id);
        if (index == null || !(journal.read(index) instanceof Accepted a)) {
            throw new IOException(id + ": its message is not in the journal");
        }
        return a.message();
    }

    @Override
    public void handedOver(JournalEvent.HandedOver event) throws IOException {
        try {
            journal.append(event).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        }
        state.apply(event);
    }

    @Override
    public void release(QueueId id) {
        // nothing runs here that would deliver it meanwhile
    }

    @Override
    public void close() {
        journal.close();
    }
}
