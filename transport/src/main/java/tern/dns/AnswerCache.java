package tern.dns;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.Name;

/**
 * Answers kept for their TTL, negative ones too (RFC 2308). Our own map rather than
 * dnsjava's Cache so that time comes from an injected clock and tests need not sleep.
 * Failures are never cached. Expired entries are dropped when met, and swept once the
 * map grows past a bound, so a flood of distinct names cannot grow it forever.
 */
final class AnswerCache {
    /** RFC 2308 5: negative answers are kept no longer than a few hours; we keep less. */
    static final long MAX_NEGATIVE_TTL = 3600;
    static final long MAX_POSITIVE_TTL = 86_400;
    private static final int SWEEP_ABOVE = 100_000;

    record Key(Name name, int type) {
    }

    private record Entry(DnsAnswer answer, Instant expires) {
    }

    private final InstantSource clock;
    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

    AnswerCache(InstantSource clock) {
        this.clock = clock;
    }

    DnsAnswer get(Key key) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (!clock.instant().isBefore(e.expires())) {
            entries.remove(key, e);
            return null;
        }
        return e.answer();
    }

    void put(Key key, DnsAnswer answer) {
        long ttl = switch (answer) {
            case DnsAnswer.Records r -> Math.min(r.ttl(), MAX_POSITIVE_TTL);
            case DnsAnswer.Alias a -> Math.min(a.ttl(), MAX_POSITIVE_TTL);
            case DnsAnswer.NoData n -> Math.min(n.ttl(), MAX_NEGATIVE_TTL);
            case DnsAnswer.NxDomain n -> Math.min(n.ttl(), MAX_NEGATIVE_TTL);
            case DnsAnswer.Failure f -> 0;
        };
        if (ttl <= 0) {
            return;
        }
        Instant now = clock.instant();
        if (entries.size() > SWEEP_ABOVE) {
            entries.values().removeIf(e -> !now.isBefore(e.expires()));
        }
        entries.put(key, new Entry(answer, now.plusSeconds(ttl)));
    }
}
