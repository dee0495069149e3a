package tern.tls;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.dns.MailDns;
import tern.dns.TxtResult;
import tern.sts.StsPolicy;
import tern.sts.StsPolicyCache;
import tern.sts.StsPolicyException;
import tern.sts.StsRecord;

/**
 * A recipient domain's MTA-STS policy (RFC 8461) as a delivery needs it: the
 * {@code _mta-sts} TXT record asked each time (through the DNS cache), the policy fetched
 * over HTTPS when the record's id is new to us or the kept policy expired, and kept in
 * memory by its {@code max_age} ({@link StsPolicyCache}). One fetch per domain at a time:
 * deliveries that need the same policy meanwhile wait for that fetch.
 *
 * <p>Blocking: called from delivery workers' virtual threads.
 */
public final class MtaSts {
    private static final Logger log = LoggerFactory.getLogger("tern.sts");
    /** A whole fetch: connect, TLS, the answer. */
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(30);
    /** After a failed fetch, the same policy id is not fetched again for this long. */
    static final Duration RETRY_AFTER = Duration.ofMinutes(5);
    static final int MAX_DOMAINS = 100_000;

    private final MailDns dns;
    private final StsPolicyFetcher fetcher;
    private final StsPolicyCache cache;
    private final Map<String, CompletableFuture<Optional<StsPolicy>>> fetching = new ConcurrentHashMap<>();

    /** @param trustAnchors CAs trusted for policy hosts besides the JDK's ({@code delivery.trustAnchors}) */
    public MtaSts(MailDns dns, List<X509Certificate> trustAnchors, InstantSource clock) {
        this(dns, new StsPolicyFetcher(trustAnchors, FETCH_TIMEOUT, PolicyLocator.dns(dns)), clock);
    }

    MtaSts(MailDns dns, StsPolicyFetcher fetcher, InstantSource clock) {
        this.dns = dns;
        this.fetcher = fetcher;
        this.cache = new StsPolicyCache(clock, RETRY_AFTER, MAX_DOMAINS);
    }

    /** The policy that applies to mail for {@code domain} now; empty when it has none. */
    public Optional<StsPolicy> policy(String domain) {
        StsPolicyCache.Txt txt = switch (dns.txt("_mta-sts." + domain).join()) {
            case TxtResult.Texts t -> StsRecord.of(t.texts()).<StsPolicyCache.Txt>map(StsPolicyCache.Txt.Found::new)
                    .orElse(new StsPolicyCache.Txt.Absent());
            case TxtResult.None n -> new StsPolicyCache.Txt.Absent();
            case TxtResult.Failure f -> new StsPolicyCache.Txt.Failed();
        };
        return switch (cache.next(domain, txt)) {
            case StsPolicyCache.Step.Apply apply -> apply.policy();
            case StsPolicyCache.Step.Fetch fetch -> fetchOnce(domain, fetch.id()).join();
        };
    }

    private CompletableFuture<Optional<StsPolicy>> fetchOnce(String domain, String id) {
        CompletableFuture<Optional<StsPolicy>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<StsPolicy>> theirs = fetching.putIfAbsent(domain, mine);
        if (theirs != null) {
            return theirs;
        }
        fetcher.fetch(domain).handle((policy, error) -> {
            Optional<StsPolicy> result;
            if (error == null) {
                log.info("MTA-STS policy of {} (id {}): mode {}, mx {}, max_age {}s", domain, id,
                        policy.mode().name().toLowerCase(java.util.Locale.ROOT), policy.mx(), policy.maxAge().toSeconds());
                result = cache.fetched(domain, id, policy);
            } else {
                result = cache.fetchFailed(domain, id);
                log.warn("MTA-STS policy of {} (id {}) not fetched: {}; {}", domain, id, reason(error),
                        result.isPresent() ? "the kept policy still applies" : "no policy applies");
            }
            fetching.remove(domain, mine);
            mine.complete(result);
            return null;
        });
        return mine;
    }

    private static String reason(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof StsPolicyException e) {
                return e.getMessage();
            }
        }
        return "fetch failed";
    }
}
