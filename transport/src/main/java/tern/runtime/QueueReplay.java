package tern.runtime;

import tern.delivery.JournalBodies;
import tern.journal.Journal;
import tern.journal.JournalEvent.Accepted;
import tern.queue.QueueState;
import tern.queue.Scheduler;

/**
 * The queue as it stood before the restart: one pass over the journal folds every event into
 * the {@link QueueState} and notes where each message's bytes are (they stay in the journal
 * until an attempt needs them); the places of messages that finished later in the journal
 * are then forgotten. Deferred recipients keep their journaled due times.
 *
 * @param state    the replayed queue
 * @param bodies   where each queued message's bytes are
 * @param replayed how many events, and the highest queue id
 */
record QueueReplay(QueueState state, JournalBodies bodies, Journal.Replayed replayed) {

    static QueueReplay of(Journal journal) {
        QueueState state = new QueueState(new Scheduler(), 1024);
        JournalBodies bodies = new JournalBodies(journal::read);
        Journal.Replayed replayed = journal.replayLocated((index, event) -> {
            state.apply(event);
            if (event instanceof Accepted a && state.isPending(a.id())) {
                bodies.located(a.id(), index);
            }
        });
        bodies.retain(state::isPending);
        return new QueueReplay(state, bodies, replayed);
    }
}
