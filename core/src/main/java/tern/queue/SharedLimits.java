package tern.queue;

import java.util.Objects;
import java.util.function.Consumer;
import tern.route.Destination;

/**
 * The part of a destination's limits that other nodes share: whether one more delivery may
 * start when every node of a cluster counts against the same connection limit and rate. The
 * local {@link DestinationWindow} decides first (its window, its pacing, whether the
 * destination is down); only a delivery it would start is asked about here.
 *
 * <p>An answer never waits on the network: the queue manager's thread asks, and a source that
 * must ask elsewhere answers {@link Asking} at once and tells the {@link #onAnswer listener}
 * when it knows more; the dispatch then asks again. A single node uses {@link #LOCAL}, which
 * grants everything: its own windows are the whole limit.
 */
public interface SharedLimits {

    /** What the other nodes allow for the next delivery to a destination. */
    sealed interface Answer permits Granted, Asking, NotBefore {
    }

    /** Start it: a share of the limits is held for it until {@link #release}. */
    record Granted() implements Answer {
        public static final Granted INSTANCE = new Granted();
    }

    /** Not known yet: ask again when the listener names the destination. */
    record Asking() implements Answer {
        public static final Asking INSTANCE = new Asking();
    }

    /** Not before {@code at} (epoch ms): the shared slots are taken, or the shared rate says wait. */
    record NotBefore(long at) implements Answer {
    }

    /**
     * Whether a delivery to {@code destination}, whose limits are {@code limits}, may start at
     * {@code now}. Asked only for deliveries that count against the limits (remote hosts).
     */
    Answer take(Destination destination, Dispatch.Limits limits, long now);

    /** A delivery that was {@link Granted} finished: its share goes back. */
    void release(Destination destination, long now);

    /** Whom to tell, from any thread, that a destination that got {@link Asking} may ask again. */
    void onAnswer(Consumer<Destination> listener);

    /** One node alone: every delivery the local windows start is granted. */
    SharedLimits LOCAL = new SharedLimits() {
        @Override
        public Answer take(Destination destination, Dispatch.Limits limits, long now) {
            return Granted.INSTANCE;
        }

        @Override
        public void release(Destination destination, long now) {
        }

        @Override
        public void onAnswer(Consumer<Destination> listener) {
            Objects.requireNonNull(listener, "listener");
        }
    };
}
