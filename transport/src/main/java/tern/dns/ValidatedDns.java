package tern.dns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;
import tern.config.TernConfig;

/**
 * DNS answers with their DNSSEC verdict, for DANE (RFC 7672): Tern validates them itself
 * with dnsjava's {@link ValidatingResolver}, from the root trust anchor (or the one in
 * {@code dns.trustAnchor}) down, so it needs no validating resolver on the machine, only
 * DNS servers that pass DNSSEC records on (the DO bit).
 *
 * <p>Servers that strip them would make every answer bogus and every DANE domain
 * undeliverable. So before trusting any verdict, Tern checks that it can validate the
 * anchor's own DNSKEY records through {@code dns.servers}; when it cannot, every answer
 * counts as insecure (delivery goes on as without DANE), a warning says so, and the check is
 * repeated after {@link #RECHECK_FAILED}.
 *
 * <p>Answers are cached for their TTL (at most an hour); failures are not cached.
 */
public final class ValidatedDns implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("tern.dane");
    static final Duration RECHECK_WORKING = Duration.ofHours(1);
    static final Duration RECHECK_FAILED = Duration.ofMinutes(5);
    private static final long MAX_TTL = 3600;
    private static final long NEGATIVE_TTL = 60;
    private static final int MAX_CACHED = 50_000;

    private record Key(Name name, int type) {
    }

    /** A validated answer: the records of the asked type (empty for NODATA or NXDOMAIN). */
    private record Entry(DnssecResult<List<Record>> result, Instant expires) {
    }

    private record Check(boolean working, Instant until) {
    }

    private final QueryWindow window;
    private final ExecutorService executor;
    private final InstantSource clock;
    private final List<Name> anchors;
    private final Map<Key, Entry> cache = new ConcurrentHashMap<>();
    private final Map<Key, CompletableFuture<DnssecResult<List<Record>>>> inFlight = new ConcurrentHashMap<>();
    private volatile Check check;

    private ValidatedDns(Builder b) {
        if (b.servers.isEmpty()) {
            throw new IllegalArgumentException("at least one DNS server address is needed");
        }
        Resolver head;
        if (b.servers.size() == 1) {
            head = simple(b.servers.getFirst(), b.timeout);
        } else {
            ExtendedResolver extended = new ExtendedResolver(b.servers.stream().map(s -> (Resolver) simple(s, b.timeout)).toList());
            extended.setTimeout(b.timeout);
            head = extended;
        }
        Clock validationClock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return b.clock.instant();
            }
        };
        ValidatingResolver validator = new ValidatingResolver(head, validationClock);
        try (InputStream in = new ByteArrayInputStream(b.trustAnchors.getBytes(StandardCharsets.US_ASCII))) {
            validator.loadTrustAnchors(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("trust anchors not readable: " + e.getMessage(), e);
        }
        List<Name> names = new ArrayList<>();
        for (RRset anchor : validator.getTrustAnchors().items()) {
            names.add(anchor.getName());
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no DS or DNSKEY record among the trust anchors");
        }
        validator.setAddReasonToAdditional(true);
        validator.setTimeout(b.timeout);
        this.anchors = List.copyOf(names);
        this.clock = b.clock;
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("dnssec-", 0).factory());
        this.window = new QueryWindow(validator, executor, b.maxInFlight);
    }

    private static SimpleResolver simple(InetSocketAddress server, Duration timeout) {
        SimpleResolver r = new SimpleResolver(server);
        r.setTimeout(timeout);
        return r;
    }

    /** For {@code tern serve}: {@code dns.servers} (or the system's), the anchor file or the root's. */
    public static ValidatedDns forServing(TernConfig.Dns dns, String trustAnchors) {
        Builder b = builder(NameServers.forServing(dns)).timeout(dns.timeout());
        return (trustAnchors == null ? b : b.trustAnchors(trustAnchors)).build();
    }

    public static Builder builder(List<InetSocketAddress> servers) {
        return new Builder(servers);
    }

    /** The IANA root trust anchors Tern ships. */
    public static String rootAnchors() {
        try (InputStream in = ValidatedDns.class.getResourceAsStream("root-anchors.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("root-anchors.txt missing from the jar", e);
        }
    }

    public static final class Builder {
        private final List<InetSocketAddress> servers;
        private Duration timeout = Duration.ofSeconds(5);
        private int maxInFlight = 100;
        private InstantSource clock = InstantSource.system();
        private String trustAnchors = rootAnchors();

        private Builder(List<InetSocketAddress> servers) {
            this.servers = List.copyOf(servers);
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** DS or DNSKEY records in zone-file form; default the root's. */
        public Builder trustAnchors(String zoneFileText) {
            this.trustAnchors = zoneFileText;
            return this;
        }

        /** The clock signatures' validity and TTLs are counted on. */
        public Builder clock(InstantSource clock) {
            this.clock = clock;
            return this;
        }

        public ValidatedDns build() {
            return new ValidatedDns(this);
        }
    }

    /** Whether the MX RRset of {@code domain} (or its absence: the implicit MX) is secure. */
    public CompletableFuture<DnssecResult<Void>> mx(String domain) {
        return lookup(domain, Type.MX).thenApply(ValidatedDns::verdict);
    }

    /**
     * Whether the address records of {@code host} are secure: both A and AAAA secure (a
     * secure denial counts), insecure when either is, failed when either failed.
     */
    public CompletableFuture<DnssecResult<Void>> addresses(String host) {
        return lookup(host, Type.A).thenCombine(lookup(host, Type.AAAA), (a, aaaa) -> {
            if (a instanceof DnssecResult.Failed<List<Record>> f) {
                return new DnssecResult.Failed<>(f.reason());
            }
            if (aaaa instanceof DnssecResult.Failed<List<Record>> f) {
                return new DnssecResult.Failed<>(f.reason());
            }
            return a instanceof DnssecResult.Secure && aaaa instanceof DnssecResult.Secure
                    ? new DnssecResult.Secure<>(null) : new DnssecResult.Insecure<>(null);
        });
    }

    /** The TLSA records at {@code _port._tcp.host} (RFC 7672 2.2.3). */
    public CompletableFuture<DnssecResult<List<Tlsa>>> tlsa(String host, int port) {
        return lookup("_" + port + "._tcp." + host, Type.TLSA).thenApply(result -> switch (result) {
            case DnssecResult.Secure<List<Record>> s -> new DnssecResult.Secure<>(tlsaOf(s.value()));
            case DnssecResult.Insecure<List<Record>> i -> new DnssecResult.Insecure<>(tlsaOf(i.value()));
            case DnssecResult.Failed<List<Record>> f -> new DnssecResult.Failed<>(f.reason());
        });
    }

    private static List<Tlsa> tlsaOf(List<Record> records) {
        List<Tlsa> out = new ArrayList<>(records.size());
        for (Record r : records) {
            if (r instanceof TLSARecord t) {
                out.add(new Tlsa(t.getCertificateUsage(), t.getSelector(), t.getMatchingType(), t.getCertificateAssociationData()));
            }
        }
        return out;
    }

    private static DnssecResult<Void> verdict(DnssecResult<List<Record>> result) {
        return switch (result) {
            case DnssecResult.Secure<List<Record>> s -> new DnssecResult.Secure<>(null);
            case DnssecResult.Insecure<List<Record>> i -> new DnssecResult.Insecure<>(null);
            case DnssecResult.Failed<List<Record>> f -> new DnssecResult.Failed<>(f.reason());
        };
    }

    private CompletableFuture<DnssecResult<List<Record>>> lookup(String name, int type) {
        Name absolute;
        try {
            absolute = Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(new DnssecResult.Failed<>("invalid name " + name));
        }
        return validating().thenCompose(working -> {
            if (!working) {
                return CompletableFuture.completedFuture(new DnssecResult.Insecure<>(List.of()));
            }
            return cached(new Key(absolute, type));
        });
    }

    /** Whether validation works through these servers at all: the anchors' DNSKEY records validate. */
    private CompletableFuture<Boolean> validating() {
        Check c = check;
        if (c != null && clock.instant().isBefore(c.until())) {
            return CompletableFuture.completedFuture(c.working());
        }
        List<CompletableFuture<DnssecResult<List<Record>>>> probes = anchors.stream()
                .map(n -> query(new Key(n, Type.DNSKEY))).toList();
        return CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new)).thenApply(done -> {
            boolean working = probes.stream().anyMatch(p -> p.join() instanceof DnssecResult.Secure);
            Check previous = check;
            check = new Check(working, clock.instant().plus(working ? RECHECK_WORKING : RECHECK_FAILED));
            if (!working && (previous == null || previous.working())) {
                String why = probes.getFirst().join() instanceof DnssecResult.Failed<List<Record>> f ? f.reason() : "not signed";
                log.warn("DNSSEC cannot be validated through the DNS servers ({}): DANE is not applied until it can", why);
            } else if (working && previous != null && !previous.working()) {
                log.info("DNSSEC validates again through the DNS servers: DANE applies");
            }
            return working;
        });
    }

    private CompletableFuture<DnssecResult<List<Record>>> cached(Key key) {
        Entry entry = cache.get(key);
        if (entry != null && clock.instant().isBefore(entry.expires())) {
            return CompletableFuture.completedFuture(entry.result());
        }
        CompletableFuture<DnssecResult<List<Record>>> mine = new CompletableFuture<>();
        CompletableFuture<DnssecResult<List<Record>>> theirs = inFlight.putIfAbsent(key, mine);
        if (theirs != null) {
            return theirs;
        }
        query(key).whenComplete((result, error) -> {
            DnssecResult<List<Record>> r = error != null ? new DnssecResult.Failed<>("lookup failed") : result;
            if (!(r instanceof DnssecResult.Failed)) {
                if (cache.size() >= MAX_CACHED) {
                    cache.clear(); // crude, and rare: a sender that talks to fifty thousand names an hour
                }
                cache.put(key, new Entry(r, clock.instant().plusSeconds(ttlOf(r))));
            }
            inFlight.remove(key, mine);
            mine.complete(r);
        });
        return mine;
    }

    private static long ttlOf(DnssecResult<List<Record>> r) {
        List<Record> records = switch (r) {
            case DnssecResult.Secure<List<Record>> s -> s.value();
            case DnssecResult.Insecure<List<Record>> i -> i.value();
            case DnssecResult.Failed<List<Record>> f -> List.of();
        };
        long ttl = records.isEmpty() ? NEGATIVE_TTL : MAX_TTL;
        for (Record rec : records) {
            ttl = Math.min(ttl, rec.getTTL());
        }
        return ttl;
    }

    private CompletableFuture<DnssecResult<List<Record>>> query(Key key) {
        Message question = Message.newQuery(Record.newRecord(key.name(), key.type(), DClass.IN));
        return window.send(question).handle((response, error) -> {
            if (error != null) {
                return new DnssecResult.Failed<>(QueryWindow.isTimeout(error) ? "timeout" : "lookup failed");
            }
            return resultOf(key, response);
        });
    }

    static DnssecResult<List<Record>> resultOf(Key key, Message response) {
        int rcode = response.getRcode();
        boolean secure = response.getHeader().getFlag(Flags.AD);
        if (rcode == Rcode.NXDOMAIN) {
            return secure ? new DnssecResult.Secure<>(List.of()) : new DnssecResult.Insecure<>(List.of());
        }
        if (rcode != Rcode.NOERROR) {
            return new DnssecResult.Failed<>(reason(response, Rcode.string(rcode)));
        }
        List<Record> records = new ArrayList<>();
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r.getType() == key.type()) {
                records.add(r);
            }
        }
        return secure ? new DnssecResult.Secure<>(records) : new DnssecResult.Insecure<>(records);
    }

    /** The validator's own reason, which it puts in a TXT record of a private class. */
    private static String reason(Message response, String fallback) {
        for (Record r : response.getSection(Section.ADDITIONAL)) {
            if (r instanceof TXTRecord txt && r.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS) {
                return String.join(" ", txt.getStrings());
            }
        }
        return fallback;
    }

    @Override
    public void close() {
        executor.shutdown();
    }
}
