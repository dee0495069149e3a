package tern.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import tern.config.TernConfig;
import tern.smtp.Replies;

/**
 * The DNS questions a mail server asks: where to deliver a domain's mail (MX), a host's
 * addresses (A and AAAA), and whether a client is who its HELO says (PTR, confirmed
 * forward). Every method returns at once; futures complete on this object's executor
 * (virtual threads) or, for a cached answer, at once on the caller's thread, so a Netty
 * event loop can call it without ever blocking.
 *
 * <p>Answers are cached for their TTL, negative answers for the SOA minimum (at most an
 * hour, RFC 2308); queries in flight are bounded and a timed-out query is sent once more.
 */
public final class MailDns implements AutoCloseable {
    /** A client with dozens of PTR names gets no more forward lookups than this. */
    private static final int MAX_PTR_NAMES = 10;

    private final CachingResolver answers;
    private final RandomGenerator random;

    private MailDns(Builder b) {
        this.answers = new CachingResolver(b.servers, b.timeout, b.maxInFlight, b.clock);
        this.random = b.random;
    }

    /** For {@code tern serve}: the configured servers, or the system's when none are. */
    public static MailDns forServing(TernConfig.Dns dns) {
        return builder(NameServers.forServing(dns)).timeout(dns.timeout()).build();
    }

    /** Explicit servers only: this is how tests (and everything but {@code serve}) build one. */
    public static Builder builder(List<InetSocketAddress> servers) {
        return new Builder(servers);
    }

    public static final class Builder {
        private final List<InetSocketAddress> servers;
        private Duration timeout = Duration.ofSeconds(5);
        private int maxInFlight = 200;
        private InstantSource clock = InstantSource.system();
        private RandomGenerator random = new Random();

        private Builder(List<InetSocketAddress> servers) {
            this.servers = List.copyOf(servers);
        }

        /** Per query and per try; a timed-out query is tried once more. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Queries on the wire at once; the rest wait their turn. Default 200. */
        public Builder maxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
            return this;
        }

        /** The clock TTLs are counted on. */
        public Builder clock(InstantSource clock) {
            this.clock = clock;
            return this;
        }

        /** Shuffles MX hosts of equal preference. */
        public Builder random(RandomGenerator random) {
            this.random = random;
            return this;
        }

        public MailDns build() {
            return new MailDns(this);
        }
    }

    /** MX hosts by preference (RFC 5321 5.1), or why mail cannot go to the domain. */
    public CompletableFuture<MxResult> mx(String domain) {
        Name name;
        try {
            name = absolute(domain);
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(
                    MxResult.Failure.of(MxResult.Cause.NO_SUCH_DOMAIN, Replies.DOMAIN_NOT_FOUND, "invalid domain name " + domain));
        }
        return resolve(name, Type.MX).thenApply(answer -> switch (answer) {
            case DnsAnswer.Records r -> exchangers(domain, r.records());
            case DnsAnswer.NoData n -> new MxResult.Hosts(List.of(new MxHost(plain(name), 0))); // implicit MX
            case DnsAnswer.NxDomain n -> MxResult.Failure.of(MxResult.Cause.NO_SUCH_DOMAIN, Replies.DOMAIN_NOT_FOUND,
                    "domain " + domain + " does not exist (NXDOMAIN)");
            case DnsAnswer.Failure f -> MxResult.Failure.of(MxResult.Cause.TEMPORARY, Replies.DNS_TEMPORARY_FAILURE,
                    "MX lookup for " + domain + " failed: " + f.text());
            case DnsAnswer.Alias a -> throw new IllegalStateException("aliases are followed by resolve");
        });
    }

    private MxResult exchangers(String domain, List<Record> records) {
        List<MxHost> hosts = new ArrayList<>(records.size());
        for (Record r : records) {
            if (r instanceof MXRecord mx && !mx.getTarget().equals(Name.root)) {
                hosts.add(new MxHost(plain(mx.getTarget()), mx.getPriority()));
            }
        }
        if (hosts.isEmpty()) {
            // RFC 7505: the null MX "0 ." says the domain takes no mail at all. We also treat
            // any set made of root targets only as null MX: there is nowhere else to go.
            return MxResult.Failure.of(MxResult.Cause.NULL_MX, Replies.NULL_MX, "domain " + domain + " accepts no mail (null MX)");
        }
        hosts.sort(Comparator.comparingInt(MxHost::preference));
        int from = 0;
        for (int i = 1; i <= hosts.size(); i++) {
            if (i == hosts.size() || hosts.get(i).preference() != hosts.get(from).preference()) {
                if (i - from > 1) {
                    Collections.shuffle(hosts.subList(from, i), random); // RFC 5321 5.1: spread the load
                }
                from = i;
            }
        }
        return new MxResult.Hosts(hosts);
    }

    /**
     * A host's IPv4 and IPv6 addresses, interleaved IPv6 first (RFC 8305 4: prefer IPv6 as
     * RFC 6724 does, but alternate families so a broken IPv6 path costs one attempt, not
     * all). Completes exceptionally with {@link HostLookupException} when there is none:
     * permanently for NXDOMAIN or no A/AAAA at all, transiently for timeout or SERVFAIL.
     * One family answering is enough: the other's failure is then ignored.
     */
    public CompletableFuture<List<InetAddress>> addresses(String host) {
        Name name;
        try {
            name = absolute(host);
        } catch (TextParseException e) {
            return CompletableFuture.failedFuture(new HostLookupException(
                    MxResult.Failure.of(MxResult.Cause.NO_SUCH_DOMAIN, Replies.DOMAIN_NOT_FOUND, "invalid host name " + host)));
        }
        CompletableFuture<DnsAnswer> v4 = resolve(name, Type.A);
        CompletableFuture<DnsAnswer> v6 = resolve(name, Type.AAAA);
        return v4.thenCombine(v6, (a, aaaa) -> {
            List<InetAddress> four = addressesOf(a);
            List<InetAddress> six = addressesOf(aaaa);
            if (four.isEmpty() && six.isEmpty()) {
                throw new HostLookupException(noAddress(host, a, aaaa));
            }
            List<InetAddress> out = new ArrayList<>(four.size() + six.size());
            for (int i = 0; i < Math.max(four.size(), six.size()); i++) {
                if (i < six.size()) {
                    out.add(six.get(i));
                }
                if (i < four.size()) {
                    out.add(four.get(i));
                }
            }
            return List.copyOf(out);
        });
    }

    private static MxResult.Failure noAddress(String host, DnsAnswer a, DnsAnswer aaaa) {
        if (a instanceof DnsAnswer.Failure || aaaa instanceof DnsAnswer.Failure) {
            String why = a instanceof DnsAnswer.Failure fa ? fa.text() : ((DnsAnswer.Failure) aaaa).text();
            return MxResult.Failure.of(MxResult.Cause.TEMPORARY, Replies.DNS_TEMPORARY_FAILURE, "address lookup for " + host + " failed: " + why);
        }
        if (a instanceof DnsAnswer.NxDomain || aaaa instanceof DnsAnswer.NxDomain) {
            return MxResult.Failure.of(MxResult.Cause.NO_SUCH_DOMAIN, Replies.DOMAIN_NOT_FOUND, "host " + host + " does not exist (NXDOMAIN)");
        }
        return MxResult.Failure.of(MxResult.Cause.NO_ADDRESS, Replies.DOMAIN_NOT_FOUND, "host " + host + " has no A or AAAA record");
    }

    private static List<InetAddress> addressesOf(DnsAnswer answer) {
        if (!(answer instanceof DnsAnswer.Records r)) {
            return List.of();
        }
        List<InetAddress> out = new ArrayList<>(r.records().size());
        for (Record rec : r.records()) {
            switch (rec) {
                case ARecord a -> out.add(a.getAddress());
                case AAAARecord a -> out.add(a.getAddress());
                default -> { }
            }
        }
        return out;
    }

    /**
     * The TXT records at {@code name}, each record's character-strings joined into one text
     * (as RFC 7208 and RFC 8461 read them).
     */
    public CompletableFuture<TxtResult> txt(String name) {
        Name absolute;
        try {
            absolute = absolute(name);
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(new TxtResult.None());
        }
        return resolve(absolute, Type.TXT).thenApply(answer -> switch (answer) {
            case DnsAnswer.Records r -> new TxtResult.Texts(r.records().stream()
                    .filter(TXTRecord.class::isInstance).map(t -> String.join("", ((TXTRecord) t).getStrings())).toList());
            case DnsAnswer.NoData n -> new TxtResult.None();
            case DnsAnswer.NxDomain n -> new TxtResult.None();
            case DnsAnswer.Failure f -> new TxtResult.Failure(f.text());
            case DnsAnswer.Alias a -> throw new IllegalStateException("aliases are followed by resolve");
        });
    }

    /** The PTR names of an address. */
    public CompletableFuture<PtrResult> ptr(InetAddress address) {
        return resolve(ReverseMap.fromAddress(address), Type.PTR).thenApply(answer -> switch (answer) {
            case DnsAnswer.Records r -> {
                List<String> names = new ArrayList<>();
                for (Record rec : r.records()) {
                    if (rec instanceof PTRRecord p) {
                        names.add(plain(p.getTarget()));
                    }
                }
                yield names.isEmpty() ? new PtrResult.NoName() : new PtrResult.Names(names);
            }
            case DnsAnswer.NoData n -> new PtrResult.NoName();
            case DnsAnswer.NxDomain n -> new PtrResult.NoName();
            case DnsAnswer.Failure f -> new PtrResult.Failure(f.text());
            case DnsAnswer.Alias a -> throw new IllegalStateException("aliases are followed by resolve");
        });
    }

    /**
     * Whether {@code name} resolves to {@code client}: VERIFIED when it does, UNVERIFIED when
     * it answers without it, FAILED on a timeout or SERVFAIL (nothing is known). Only the
     * client's own address family is asked (A for an IPv4 client, AAAA for IPv6): the other
     * cannot confirm it, and a name without records of the other family would cost an
     * uncacheable NODATA query per connection where the server sends no SOA.
     */
    private CompletableFuture<ReverseDnsVerdict> confirms(String name, InetAddress client) {
        Name absolute;
        try {
            absolute = absolute(name);
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(ReverseDnsVerdict.UNVERIFIED);
        }
        int type = client instanceof java.net.Inet6Address ? Type.AAAA : Type.A;
        return resolve(absolute, type).handle((answer, error) -> {
            if (error != null || answer instanceof DnsAnswer.Failure) {
                return ReverseDnsVerdict.FAILED; // timeout or SERVFAIL: no verdict either way
            }
            return addressesOf(answer).contains(client) ? ReverseDnsVerdict.VERIFIED : ReverseDnsVerdict.UNVERIFIED;
        });
    }

    /**
     * Forward-confirmed reverse DNS of a client against its HELO name. The verdict is VERIFIED
     * when the HELO name is a forward-confirmed PTR name of the client, or an address literal
     * ({@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]}) equal to the client's address: a claim
     * that is true needs no DNS. It is FAILED when no PTR name could be had (none, SERVFAIL,
     * a timeout) or the forward lookup of the HELO name timed out, UNVERIFIED otherwise.
     *
     * <p>The PTR names are tried in order, the one equal to the HELO name first, until one
     * resolves back to the client (at most {@value #MAX_PTR_NAMES} names): that one is the
     * client's confirmed name for the Received field.
     */
    public CompletableFuture<ReverseDnsCheck> verify(InetAddress client, String heloName) {
        boolean literalMatches = isLiteralOf(heloName, client);
        String helo = normalized(heloName);
        return ptr(client).thenCompose(result -> switch (result) {
            case PtrResult.NoName n -> CompletableFuture.completedFuture(literalMatches
                    ? new ReverseDnsCheck(ReverseDnsVerdict.VERIFIED, null) : ReverseDnsCheck.FAILED);
            case PtrResult.Failure f -> CompletableFuture.completedFuture(literalMatches
                    ? new ReverseDnsCheck(ReverseDnsVerdict.VERIFIED, null) : ReverseDnsCheck.FAILED);
            case PtrResult.Names names -> {
                List<String> ordered = new ArrayList<>(names.names().stream().limit(MAX_PTR_NAMES).toList());
                ordered.sort(Comparator.comparing(n -> !normalized(n).equals(helo))); // stable: HELO's first
                yield firstConfirmed(ordered, 0, client, helo, literalMatches, null);
            }
        });
    }

    /** Confirms {@code names} from {@code index} on, one query at a time, until one resolves back. */
    private CompletableFuture<ReverseDnsCheck> firstConfirmed(List<String> names, int index, InetAddress client,
                                                             String helo, boolean literalMatches,
                                                             ReverseDnsVerdict heloVerdict) {
        if (index >= names.size()) {
            ReverseDnsVerdict verdict = literalMatches ? ReverseDnsVerdict.VERIFIED
                    : heloVerdict == ReverseDnsVerdict.FAILED ? ReverseDnsVerdict.FAILED : ReverseDnsVerdict.UNVERIFIED;
            return CompletableFuture.completedFuture(new ReverseDnsCheck(verdict, null));
        }
        String name = names.get(index);
        boolean isHelo = normalized(name).equals(helo);
        return confirms(name, client).thenCompose(v -> {
            if (v == ReverseDnsVerdict.VERIFIED) {
                ReverseDnsVerdict verdict = isHelo || literalMatches ? ReverseDnsVerdict.VERIFIED
                        : heloVerdict == ReverseDnsVerdict.FAILED ? ReverseDnsVerdict.FAILED : ReverseDnsVerdict.UNVERIFIED;
                return CompletableFuture.completedFuture(new ReverseDnsCheck(verdict, plainName(name)));
            }
            return firstConfirmed(names, index + 1, client, helo, literalMatches, isHelo ? v : heloVerdict);
        });
    }

    /** An address literal of RFC 5321 4.1.3 that names {@code client}; parsed without DNS. */
    static boolean isLiteralOf(String heloName, InetAddress client) {
        if (heloName.length() < 3 || heloName.charAt(0) != '[' || heloName.charAt(heloName.length() - 1) != ']') {
            return false;
        }
        String inside = heloName.substring(1, heloName.length() - 1);
        boolean six = inside.regionMatches(true, 0, "IPv6:", 0, 5);
        String text = six ? inside.substring(5) : inside;
        if (six ? !tern.address.IpLiterals.isIpv6(text) : !tern.address.IpLiterals.isIpv4(text)) {
            return false;
        }
        try {
            return InetAddress.ofLiteral(text).equals(client);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String plainName(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static String normalized(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /** Most queries that were ever on the wire at once. */
    public int peakQueriesInFlight() {
        return answers.peakQueriesInFlight();
    }

    private CompletableFuture<DnsAnswer> resolve(Name name, int type) {
        return answers.resolve(name, type);
    }

    /** A name as DNS knows it: an internationalized one in A-labels, never raw UTF-8 octets. */
    private static Name absolute(String name) throws TextParseException {
        try {
            return Name.fromString(tern.address.DomainName.toAscii(name), Name.root);
        } catch (IllegalArgumentException e) {
            throw new TextParseException("not a valid internationalized domain name: " + name);
        }
    }

    private static String plain(Name name) {
        return name.toString(true).toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        answers.close();
    }
}
