package tern.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;

/**
 * One DNS question answered from the cache or the wire: CNAME chains followed, answers cached
 * for their TTL and negative ones for the SOA minimum (RFC 2308), concurrent askers of one
 * question sharing one query, queries on the wire bounded. {@link MailDns} asks the mail
 * questions on top of it.
 */
final class CachingResolver implements AutoCloseable {
    private static final int MAX_CNAME_HOPS = 8;

    private final QueryWindow window;
    private final AnswerCache cache;
    private final ExecutorService ownExecutor;
    private final Map<AnswerCache.Key, CompletableFuture<DnsAnswer>> inFlight = new ConcurrentHashMap<>();

    CachingResolver(List<InetSocketAddress> servers, Duration timeout, int maxInFlight, InstantSource clock) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("at least one DNS server address is needed");
        }
        Resolver resolver;
        if (servers.size() == 1) {
            resolver = simple(servers.getFirst(), timeout);
        } else {
            ExtendedResolver extended = new ExtendedResolver(
                    servers.stream().map(s -> (Resolver) simple(s, timeout)).toList());
            extended.setTimeout(timeout);
            extended.setRetries(1);
            resolver = extended;
        }
        this.ownExecutor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("dns-", 0).factory());
        this.window = new QueryWindow(resolver, ownExecutor, maxInFlight);
        this.cache = new AnswerCache(clock);
    }

    private static SimpleResolver simple(InetSocketAddress server, Duration timeout) {
        SimpleResolver r = new SimpleResolver(server);
        r.setTimeout(timeout);
        return r;
    }

    int peakQueriesInFlight() {
        return window.peakInFlight();
    }

    CompletableFuture<DnsAnswer> resolve(Name name, int type) {
        return resolve(name, type, 0);
    }

    private CompletableFuture<DnsAnswer> resolve(Name name, int type, int hops) {
        return query(name, type).thenCompose(answer -> {
            if (answer instanceof DnsAnswer.Alias alias) {
                return hops < MAX_CNAME_HOPS ? resolve(alias.target(), type, hops + 1)
                        : CompletableFuture.completedFuture(new DnsAnswer.Failure("CNAME chain too long at " + name));
            }
            return CompletableFuture.completedFuture(answer);
        });
    }

    /** One question, from the cache or the wire; concurrent askers of one question share one query. */
    private CompletableFuture<DnsAnswer> query(Name name, int type) {
        AnswerCache.Key key = new AnswerCache.Key(name, type);
        DnsAnswer cached = cache.get(key);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        CompletableFuture<DnsAnswer> mine = new CompletableFuture<>();
        CompletableFuture<DnsAnswer> theirs = inFlight.putIfAbsent(key, mine);
        if (theirs != null) {
            return theirs;
        }
        Message question = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        window.send(question).handle((response, error) -> {
            DnsAnswer answer = error != null
                    ? new DnsAnswer.Failure(QueryWindow.isTimeout(error) ? "timeout" : String.valueOf(error.getMessage()))
                    : answerOf(name, type, response);
            cache.put(key, answer);
            inFlight.remove(key, mine);
            mine.complete(answer);
            return null;
        });
        return mine;
    }

    static DnsAnswer answerOf(Name name, int type, Message response) {
        int rcode = response.getRcode();
        if (rcode == Rcode.NXDOMAIN) {
            return new DnsAnswer.NxDomain(negativeTtl(response));
        }
        if (rcode != Rcode.NOERROR) {
            return new DnsAnswer.Failure(Rcode.string(rcode));
        }
        // Walk the CNAME chain the server may have put in the answer section.
        Name owner = name;
        long ttl = Long.MAX_VALUE;
        List<Record> answers = response.getSection(Section.ANSWER);
        for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
            List<Record> found = new ArrayList<>();
            CNAMERecord alias = null;
            for (Record r : answers) {
                if (r.getName().equals(owner)) {
                    if (r.getType() == type) {
                        found.add(r);
                    } else if (r instanceof CNAMERecord c) {
                        alias = c;
                    }
                }
            }
            if (!found.isEmpty()) {
                for (Record r : found) {
                    ttl = Math.min(ttl, r.getTTL());
                }
                return new DnsAnswer.Records(found, ttl);
            }
            if (alias == null) {
                break;
            }
            ttl = Math.min(ttl, alias.getTTL());
            owner = alias.getTarget();
        }
        if (!owner.equals(name)) {
            return new DnsAnswer.Alias(owner, ttl);
        }
        return new DnsAnswer.NoData(negativeTtl(response));
    }

    /** RFC 2308 5: the lesser of the SOA's own TTL and its MINIMUM field; 0 without SOA. */
    private static long negativeTtl(Message response) {
        for (Record r : response.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord soa) {
                return Math.min(soa.getTTL(), soa.getMinimum());
            }
        }
        return 0;
    }

    @Override
    public void close() {
        ownExecutor.shutdown(); // not close(): a query to a silent server would hold it for the timeout
    }
}
