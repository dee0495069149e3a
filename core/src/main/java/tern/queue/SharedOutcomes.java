package tern.queue;

import java.util.HashMap;
import tern.outcome.Outcome;

/**
 * Outcomes repeat across recipients (one host's 451, one tarpit's timeout, a destination
 * that is down): the state keeps one copy of each, and packs the rest into bytes.
 */
final class SharedOutcomes {

    /** Bounded: a flood of one-off replies must not grow it forever. */
    private static final int MAX_SHARED = 10_000;

    private final HashMap<Outcome, Outcome> shared = new HashMap<>();
    private final SharedWords words;

    SharedOutcomes(SharedWords words) {
        this.words = words;
    }

    /** What the state keeps for an outcome: a shared {@link Outcome}, its packed bytes, or null. */
    Object keep(Outcome outcome) {
        if (outcome == null) {
            return null;
        }
        Outcome one = shared.get(outcome);
        if (one != null) {
            return one;
        }
        if (shared.size() < MAX_SHARED) {
            shared.put(outcome, outcome);
            return outcome;
        }
        return PackedOutcome.pack(outcome, words);
    }

    /** The outcome {@link #keep} kept. */
    Outcome read(Object kept) {
        return kept instanceof byte[] packed ? PackedOutcome.unpack(packed, words) : (Outcome) kept;
    }
}
