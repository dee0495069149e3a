package tern.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What this node holds of a cluster's shared limits, destination by destination: connection
 * slots leased from the shared store (each in use by a delivery, or idle for a moment), rate
 * tokens taken in a small batch, whether a request is out, and until when the store said to
 * wait. It is what spares the queue manager a round trip per message: a delivery that finds
 * an idle slot and a token here starts at once.
 *
 * <p>The rules, with the reasons:
 * <ul>
 *   <li>A finished delivery's slot stays leased, idle, for {@code linger}: under load the next
 *       delivery to the same destination takes it without asking. An idle slot older than
 *       {@code maxHold} is given back instead of reused, so a node with a long backlog cannot
 *       keep the cluster's slots from the other nodes for good.</li>
 *   <li>Tokens in hand are dropped after {@code tokenLife}: a token kept for long and spent
 *       later would make a burst the shared rate never allowed.</li>
 *   <li>One request per destination at a time: a lane that asks again while an answer is
 *       coming waits for the same answer.</li>
 *   <li>A delivery granted without the store (it was unreachable) holds no lease; finishing
 *       gives back such a local grant first.</li>
 * </ul>
 *
 * <p>Pure and not thread-safe: the caller holds a lock and passes the time (epoch ms).
 */
public final class LeaseBook {

    /**
     * @param linger    how long a finished delivery's slot stays leased for the next one
     * @param maxHold   how long one lease may be reused before it is given back to the cluster
     * @param tokenLife how long rate tokens taken in a batch may wait to be spent
     */
    public record Settings(Duration linger, Duration maxHold, Duration tokenLife) {
        public static final Settings DEFAULT = new Settings(Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(1));
    }

    /** One slot leased from the shared store. */
    public record Lease(String destination, String id) {
    }

    /** What {@link #take} decided. */
    public sealed interface Step permits Grant, Ask, Wait, NotBefore {
    }

    /** Start: served from what this node holds. */
    public record Grant() implements Step {
        static final Grant INSTANCE = new Grant();
    }

    /** Ask the store for a slot (if {@code slot}) and {@code tokens} rate tokens, then take again. */
    public record Ask(boolean slot, int tokens) implements Step {
    }

    /** An answer is coming: take again when it has. */
    public record Wait() implements Step {
        static final Wait INSTANCE = new Wait();
    }

    /** The store said to wait until {@code at}. */
    public record NotBefore(long at) implements Step {
    }

    private static final class Held {
        final String id;
        final long since;
        boolean inUse;
        boolean lost;
        long idleSince;

        Held(String id, long since) {
            this.id = id;
            this.since = since;
            this.idleSince = since;
        }
    }

    private static final class Share {
        final List<Held> leases = new ArrayList<>(2);
        int localGrants;
        int tokens;
        long tokensUntil;
        boolean asking;
        long notBefore = Long.MIN_VALUE;

        boolean isEmpty() {
            return leases.isEmpty() && localGrants == 0 && !asking && tokens == 0;
        }
    }

    private final Settings settings;
    private final Map<String, Share> shares = new HashMap<>();

    public LeaseBook(Settings settings) {
        this.settings = settings;
    }

    /**
     * The next delivery to {@code destination} at {@code now}: it needs a slot, and a token
     * when {@code rated}; {@code batch} is how many tokens to ask for at once.
     */
    public Step take(String destination, boolean rated, int batch, long now) {
        Share s = shares.computeIfAbsent(destination, k -> new Share());
        if (s.asking) {
            return Wait.INSTANCE;
        }
        if (now < s.notBefore) {
            return new NotBefore(s.notBefore);
        }
        if (s.tokens > 0 && now >= s.tokensUntil) {
            s.tokens = 0;
        }
        Held idle = reusable(s, now);
        boolean needToken = rated && s.tokens == 0;
        if (idle != null && !needToken) {
            idle.inUse = true;
            if (rated) {
                s.tokens--;
            }
            return Grant.INSTANCE;
        }
        return new Ask(idle == null, needToken ? Math.max(1, batch) : 0);
    }

    /** A request for {@code destination} went out. */
    public void asked(String destination) {
        shares.computeIfAbsent(destination, k -> new Share()).asking = true;
    }

    /**
     * The store answered: a leased slot ({@code leaseId}, or null), {@code tokens} rate
     * tokens, and, when it granted nothing, the time to ask again ({@code retryAt}).
     */
    public void answered(String destination, String leaseId, int tokens, long retryAt, long now) {
        Share s = shares.computeIfAbsent(destination, k -> new Share());
        s.asking = false;
        if (leaseId != null) {
            s.leases.add(new Held(leaseId, now));
        }
        if (tokens > 0) {
            s.tokens += tokens;
            s.tokensUntil = now + settings.tokenLife().toMillis();
        }
        if (leaseId == null && tokens == 0) {
            s.notBefore = retryAt;
        }
    }

    /** The store could not be asked: nothing held changes; the destination asks again from {@code retryAt}. */
    public void failed(String destination, long retryAt) {
        Share s = shares.get(destination);
        if (s != null) {
            s.asking = false;
            s.notBefore = retryAt;
        }
    }

    /** A delivery started without the store (unreachable): finishing it gives back no lease. */
    public void grantedLocally(String destination) {
        shares.computeIfAbsent(destination, k -> new Share()).localGrants++;
    }

    /** A granted delivery to {@code destination} finished at {@code now}. */
    public void released(String destination, long now) {
        Share s = shares.get(destination);
        if (s == null) {
            return;
        }
        if (s.localGrants > 0) {
            s.localGrants--;
            return;
        }
        for (Iterator<Held> it = s.leases.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (h.inUse) {
                h.inUse = false;
                h.idleSince = now;
                if (h.lost) {
                    it.remove(); // the store no longer knows it: nothing to give back
                }
                return;
            }
        }
    }

    /**
     * The idle leases to give back at {@code now} (idle longer than {@code linger}, or held
     * longer than {@code maxHold}); they leave the book.
     */
    public List<Lease> expired(long now) {
        List<Lease> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, Share>> shareIt = shares.entrySet().iterator(); shareIt.hasNext(); ) {
            Map.Entry<String, Share> e = shareIt.next();
            Share s = e.getValue();
            for (Iterator<Held> it = s.leases.iterator(); it.hasNext(); ) {
                Held h = it.next();
                if (!h.inUse && (now - h.idleSince >= settings.linger().toMillis() || tooOld(h, now))) {
                    it.remove();
                    out.add(new Lease(e.getKey(), h.id));
                }
            }
            if (s.tokens > 0 && now >= s.tokensUntil) {
                s.tokens = 0;
            }
            if (s.isEmpty() && now >= s.notBefore) {
                shareIt.remove();
            }
        }
        return out;
    }

    /** Every lease held (in use or idle), to be renewed before it expires in the store. */
    public List<Lease> held() {
        List<Lease> out = new ArrayList<>();
        shares.forEach((d, s) -> s.leases.forEach(h -> {
            if (!h.lost) {
                out.add(new Lease(d, h.id));
            }
        }));
        return out;
    }

    /**
     * The store no longer has {@code lease} (this node did not renew it in time): an idle one
     * is forgotten, one in use is given back by nobody when its delivery ends.
     */
    public void lost(Lease lease) {
        Share s = shares.get(lease.destination());
        if (s == null) {
            return;
        }
        for (Iterator<Held> it = s.leases.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (h.id.equals(lease.id())) {
                if (h.inUse) {
                    h.lost = true;
                } else {
                    it.remove();
                }
                return;
            }
        }
    }

    /** Slots this node holds for {@code destination}, in use or idle. */
    public int leases(String destination) {
        Share s = shares.get(destination);
        return s == null ? 0 : s.leases.size();
    }

    /** Deliveries to {@code destination} under way on a lease. */
    public int inUse(String destination) {
        Share s = shares.get(destination);
        return s == null ? 0 : (int) s.leases.stream().filter(h -> h.inUse).count();
    }

    /**
     * How many tokens to take at once for a rate of one start per {@code interval}: about a
     * tenth of a second's worth, at least one, at most 32. Slow rates take one at a time (a
     * round trip per message costs nothing at two a second); fast ones take enough that a
     * round trip is shared by many messages, but not so many that one node's batch is a burst.
     */
    public static int batch(Duration interval) {
        long ms = Math.max(1, interval.toMillis());
        return (int) Math.max(1, Math.min(32, 100 / ms));
    }

    private boolean tooOld(Held h, long now) {
        return now - h.since >= settings.maxHold().toMillis();
    }

    /** An idle lease young enough to reuse, or null. */
    private Held reusable(Share s, long now) {
        for (Held h : s.leases) {
            if (!h.inUse && !h.lost && !tooOld(h, now)) {
                return h;
            }
        }
        return null;
    }
}
