package tern.sts;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a sender knows of each domain's MTA-STS policy, and when it must fetch it again
 * (RFC 8461 3.3 and 5.1). Pure bookkeeping: the caller looks up the TXT record, asks
 * {@link #next} what to do, fetches when told, and reports the result back.
 *
 * <ul>
 *   <li>A policy is kept for its {@code max_age}; a TXT record with another {@code id} than
 *       the kept policy's makes it stale, and it is fetched again.</li>
 *   <li>Without a TXT record (or when the TXT lookup fails) a kept policy still holds until
 *       it expires: an attacker who suppresses the TXT record must not switch MTA-STS off.</li>
 *   <li>A fetch that fails leaves the kept policy in force; with none kept the domain has no
 *       policy (RFC 8461 5). The same {@code id} is not fetched again for {@code retryAfter},
 *       so a broken policy server costs one fetch per that time, not one per message.</li>
 * </ul>
 * At most {@code maxDomains} domains are remembered (least recently used go first).
 * Thread-safe.
 */
public final class StsPolicyCache {

    /** What the {@code _mta-sts} TXT lookup found. */
    public sealed interface Txt {
        record Found(StsRecord record) implements Txt {
        }

        /** NXDOMAIN, no TXT, or no single well-formed STS record. */
        record Absent() implements Txt {
        }

        /** SERVFAIL or timeout: nothing is known. */
        record Failed() implements Txt {
        }
    }

    /** What to do next for a domain. */
    public sealed interface Step {
        /** Apply this policy; empty = the domain has none. */
        record Apply(Optional<StsPolicy> policy) implements Step {
        }

        /**
         * Fetch the policy of TXT id {@code id}, then report it with {@link #fetched} or
         * {@link #fetchFailed}; both return the policy to apply.
         */
        record Fetch(String id) implements Step {
        }
    }

    private record Kept(String id, StsPolicy policy, Instant expires) {
    }

    private record Failure(String id, Instant until) {
    }

    private final InstantSource clock;
    private final Duration retryAfter;
    private final int maxDomains;
    private final Map<String, Kept> policies;
    private final Map<String, Failure> failures;

    public StsPolicyCache(InstantSource clock, Duration retryAfter, int maxDomains) {
        this.clock = clock;
        this.retryAfter = retryAfter;
        this.maxDomains = maxDomains;
        this.policies = lru();
        this.failures = lru();
    }

    private <V> Map<String, V> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > maxDomains;
            }
        };
    }

    public synchronized Step next(String domain, Txt txt) {
        String d = key(domain);
        Kept kept = valid(d);
        if (txt instanceof Txt.Found(StsRecord record)) {
            if (kept != null && kept.id().equals(record.id())) {
                return new Step.Apply(Optional.of(kept.policy()));
            }
            Failure failed = failures.get(d);
            if (failed != null && failed.id().equals(record.id()) && clock.instant().isBefore(failed.until())) {
                return apply(kept);
            }
            return new Step.Fetch(record.id());
        }
        return apply(kept);
    }

    /** The policy of TXT id {@code id} was fetched: kept for its max_age, and applied now. */
    public synchronized Optional<StsPolicy> fetched(String domain, String id, StsPolicy policy) {
        String d = key(domain);
        failures.remove(d);
        if (policy.maxAge().isZero()) {
            policies.remove(d);
        } else {
            policies.put(d, new Kept(id, policy, clock.instant().plus(policy.maxAge())));
        }
        return Optional.of(policy);
    }

    /** Fetching the policy of TXT id {@code id} failed: the kept policy, if any, still applies. */
    public synchronized Optional<StsPolicy> fetchFailed(String domain, String id) {
        String d = key(domain);
        failures.put(d, new Failure(id, clock.instant().plus(retryAfter)));
        Kept kept = valid(d);
        return kept == null ? Optional.empty() : Optional.of(kept.policy());
    }

    private Kept valid(String domain) {
        Kept kept = policies.get(domain);
        if (kept != null && !clock.instant().isBefore(kept.expires())) {
            policies.remove(domain);
            return null;
        }
        return kept;
    }

    private static Step apply(Kept kept) {
        return new Step.Apply(kept == null ? Optional.empty() : Optional.of(kept.policy()));
    }

    private static String key(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }
}
