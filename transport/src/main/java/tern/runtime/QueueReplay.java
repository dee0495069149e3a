package tern.runtime;

import tern.delivery.JournalBodies;
import tern.journal.Journal;
import tern.journal.JournalEvent;
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
public record QueueReplay(QueueState state, JournalBodies bodies, Journal.Replayed replayed) {

    public static QueueReplay of(Journal journal) {
        QueueState state = new QueueState(new Scheduler(), 1024);
        JournalBodies bodies = new JournalBodies(journal::read);
        // The message bytes are not read: only their size counts here, and a million of them
        // copied out of the journal would be a gigabyte of garbage to collect while starting.
        Journal.Replayed replayed = journal.replayWithoutMessages(new Journal.Visitor() {
            @Override
            public void event(long index, JournalEvent event) {
                state.apply(event);
            }

            @Override
            public void accepted(long index, Accepted accepted, int size) {
                state.accepted(accepted.envelope(), size);
                if (state.isPending(accepted.id())) {
                    bodies.located(accepted.id(), index);
                }
            }
        });
        bodies.retain(state::isPending);
        return new QueueReplay(state, bodies, replayed);
    }
}
