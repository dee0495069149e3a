package tern.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * An authoritative DNS server on 127.0.0.1 (UDP and TCP on one ephemeral port) for tests.
 * It answers for every name: records that were added, NODATA for a known name without the
 * asked type, NXDOMAIN for an unknown name, with an SOA in the authority section so that
 * negative answers can be cached. Names can be made to SERVFAIL or never answer.
 *
 * <pre>{@code
 * try (TestDnsServer dns = TestDnsServer.start()) {
 *     dns.ttl(300).mx("example.test", 10, "mx1.example.test").a("mx1.example.test", "127.0.0.2");
 *     MailDns resolver = MailDns.builder(List.of(dns.address())).build();
 *     ...
 *     assertThat(dns.queries("example.test")).isEqualTo(1);
 * }
 * }</pre>
 */
public final class TestDnsServer implements AutoCloseable {
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
    private final Set<Name> failing = ConcurrentHashMap.newKeySet();
    private final Set<Name> silent = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();
    private final List<Socket> tcpClients = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService delayed = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("test-dns-delay").factory());
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger peakPending = new AtomicInteger();
    private volatile long ttl = 300;
    private volatile long negativeTtl = 60;
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean closed;
    private final SignedZones signed = new SignedZones();

    private TestDnsServer(DatagramSocket udp, ServerSocket tcp) {
        this.udp = udp;
        this.tcp = tcp;
        Thread.ofPlatform().daemon().name("test-dns-udp").start(this::serveUdp);
        Thread.ofPlatform().daemon().name("test-dns-tcp").start(this::serveTcp);
    }

    /** Binds UDP and TCP on one free port of 127.0.0.1. */
    public static TestDnsServer start() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (int tries = 0; ; tries++) {
            DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
            try {
                ServerSocket tcp = new ServerSocket();
                tcp.bind(new InetSocketAddress(loopback, udp.getLocalPort()));
                return new TestDnsServer(udp, tcp);
            } catch (IOException e) {
                udp.close(); // the TCP port of that number was taken: try another number
                if (tries > 20) {
                    throw e;
                }
            }
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    }

    /** As written in {@code dns.servers}: {@code 127.0.0.1:PORT}. */
    public String server() {
        return "127.0.0.1:" + udp.getLocalPort();
    }

    /** TTL in seconds of the records added after this call; default 300. */
    public TestDnsServer ttl(long seconds) {
        this.ttl = seconds;
        return this;
    }

    /** The SOA MINIMUM (and SOA TTL) sent with negative answers; default 60 s. */
    public TestDnsServer negativeTtl(long seconds) {
        this.negativeTtl = seconds;
        return this;
    }

    /** Every answer waits this long before it is sent (UDP). */
    public TestDnsServer delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    public TestDnsServer mx(String domain, int preference, String host) {
        return add(new MXRecord(name(domain), DClass.IN, ttl, preference, name(host)));
    }

    /** RFC 7505: {@code domain. MX 0 .} */
    public TestDnsServer nullMx(String domain) {
        return add(new MXRecord(name(domain), DClass.IN, ttl, 0, Name.root));
    }

    public TestDnsServer a(String host, String... addresses) {
        for (String address : addresses) {
            add(new ARecord(name(host), DClass.IN, ttl, InetAddress.ofLiteral(address)));
        }
        return this;
    }

    public TestDnsServer aaaa(String host, String... addresses) {
        for (String address : addresses) {
            add(new AAAARecord(name(host), DClass.IN, ttl, InetAddress.ofLiteral(address)));
        }
        return this;
    }

    /** A PTR record for {@code address} in in-addr.arpa or ip6.arpa. */
    public TestDnsServer ptr(String address, String hostName) {
        return add(new PTRRecord(ReverseMap.fromAddress(InetAddress.ofLiteral(address)), DClass.IN, ttl, name(hostName)));
    }

    public TestDnsServer cname(String alias, String target) {
        return add(new CNAMERecord(name(alias), DClass.IN, ttl, name(target)));
    }

    /**
     * Signs the zone at {@code apex} with DNSSEC (a fresh ECDSA P-256 key, its DNSKEY and an
     * SOA at the apex): queries with the DO bit for names under it get RRSIGs and NSEC proofs.
     * Returns the zone's DS record in zone-file form: the trust anchor a validator needs.
     */
    public String sign(String apex) {
        return signed.sign(name(apex), ttl, negativeTtl, this::add).toString();
    }

    /** TLSA record {@code _port._tcp.host} (RFC 6698). */
    public TestDnsServer tlsa(String host, int port, int usage, int selector, int matching, byte[] data) {
        return add(new org.xbill.DNS.TLSARecord(name("_" + port + "._tcp." + host), DClass.IN, ttl,
                usage, selector, matching, data));
    }

    /** One TXT record of one string. */
    public TestDnsServer txt(String name, String text) {
        return add(new TXTRecord(name(name), DClass.IN, ttl, text));
    }

    public TestDnsServer add(Record record) {
        records.computeIfAbsent(record.getName(), n -> new CopyOnWriteArrayList<>()).add(record);
        return this;
    }

    /** Removes the records of one type at {@code name} (to change an answer mid-test). */
    public TestDnsServer remove(String name, int type) {
        List<Record> here = records.get(name(name));
        if (here != null) {
            here.removeIf(r -> r.getType() == type);
        }
        return this;
    }

    /** Every question about this name gets SERVFAIL. */
    public TestDnsServer servfail(String name) {
        failing.add(name(name));
        return this;
    }

    /** Questions about this name are never answered, so the client times out. */
    public TestDnsServer silent(String name) {
        silent.add(name(name));
        return this;
    }

    /** Questions about {@code name} of any type, over UDP and TCP. */
    public int queries(String name) {
        AtomicInteger n = queries.get(key(name(name), -1));
        return n == null ? 0 : n.get();
    }

    /** Questions about {@code name} of one type ({@link Type#MX}, ...). */
    public int queries(String name, int type) {
        AtomicInteger n = queries.get(key(name(name), type));
        return n == null ? 0 : n.get();
    }

    /** All questions received. */
    public int queries() {
        return queries.values().stream().mapToInt(AtomicInteger::get).sum() / 2;
    }

    /** Most questions received but not yet answered at one time (meaningful with a delay). */
    public int peakPending() {
        return peakPending.get();
    }

    private static Name name(String s) {
        try {
            return Name.fromString(s, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String key(Name name, int type) {
        return name.toString().toLowerCase(Locale.ROOT) + "/" + type;
    }

    /** The response, or null for a silent name. */
    private Message answer(Message query) {
        Message response = answerPlain(query);
        if (response != null && query.getQuestion() != null) {
            signed.decorate(query, response, records);
        }
        return response;
    }

    private Message answerPlain(Message query) {
        Record question = query.getQuestion();
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        if (question == null) {
            response.getHeader().setRcode(Rcode.FORMERR);
            return response;
        }
        response.addRecord(question, Section.QUESTION);
        Name name = question.getName();
        int type = question.getType();
        queries.computeIfAbsent(key(name, -1), k -> new AtomicInteger()).incrementAndGet();
        queries.computeIfAbsent(key(name, type), k -> new AtomicInteger()).incrementAndGet();
        if (silent.contains(name)) {
            return null;
        }
        if (failing.contains(name)) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
            return response;
        }
        Name owner = name;
        for (int hop = 0; hop < 8; hop++) {
            List<Record> here = records.getOrDefault(owner, List.of());
            List<Record> matching = new ArrayList<>();
            Record alias = null;
            for (Record r : here) {
                if (r.getType() == type) {
                    matching.add(r);
                } else if (r instanceof CNAMERecord) {
                    alias = r;
                }
            }
            if (!matching.isEmpty()) {
                matching.forEach(r -> response.addRecord(r, Section.ANSWER));
                return response;
            }
            if (alias == null) {
                if (here.isEmpty() && !hasDescendants(owner)) {
                    response.getHeader().setRcode(Rcode.NXDOMAIN);
                }
                response.addRecord(soaFor(owner), Section.AUTHORITY);
                return response;
            }
            response.addRecord(alias, Section.ANSWER);
            owner = ((CNAMERecord) alias).getTarget();
        }
        return response;
    }

    private boolean hasDescendants(Name name) {
        for (Name n : records.keySet()) {
            if (n.subdomain(name) && !n.equals(name)) {
                return true; // an empty non-terminal: NODATA, not NXDOMAIN (RFC 8020)
            }
        }
        return false;
    }

    private SOARecord soaFor(Name name) {
        Name zone = name.labels() > 3 ? new Name(name, name.labels() - 3) : name;
        return new SOARecord(zone, DClass.IN, negativeTtl, name("ns.test"), name("hostmaster.test"),
                1, 3600, 600, 86400, negativeTtl);
    }

    private void serveUdp() {
        byte[] buffer = new byte[65535];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
            } catch (IOException e) {
                return; // closed
            }
            Message query;
            try {
                query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
            } catch (IOException e) {
                continue;
            }
            Message response = answer(query);
            if (response == null) {
                continue;
            }
            int limit = query.getOPT() == null ? 512 : Math.max(512, query.getOPT().getPayloadSize());
            byte[] wire = response.toWire();
            if (wire.length > limit) {
                Message truncated = new Message(query.getHeader().getID());
                truncated.getHeader().setFlag(Flags.QR);
                truncated.getHeader().setFlag(Flags.AA);
                truncated.getHeader().setFlag(Flags.TC);
                truncated.addRecord(query.getQuestion(), Section.QUESTION);
                wire = truncated.toWire();
            }
            InetSocketAddress to = (InetSocketAddress) packet.getSocketAddress();
            byte[] out = wire;
            int now = pending.incrementAndGet();
            peakPending.accumulateAndGet(now, Math::max);
            Runnable send = () -> {
                pending.decrementAndGet(); // before sending: the answer may release the client's next query
                try {
                    udp.send(new DatagramPacket(out, out.length, to));
                } catch (IOException ignored) {
                    // closed meanwhile
                }
            };
            Duration d = delay;
            if (d.isZero()) {
                send.run();
            } else {
                delayed.schedule(send, d.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    private void serveTcp() {
        while (!closed) {
            Socket s;
            try {
                s = tcp.accept();
            } catch (IOException e) {
                return;
            }
            tcpClients.add(s);
            Thread.ofVirtual().start(() -> serveTcp(s));
        }
    }

    private void serveTcp(Socket s) {
        try (s; DataInputStream in = new DataInputStream(s.getInputStream());
             DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
            while (!closed) {
                byte[] q = new byte[in.readUnsignedShort()];
                in.readFully(q);
                Message response = answer(new Message(q));
                if (response == null) {
                    continue;
                }
                byte[] wire = response.toWire();
                out.writeShort(wire.length);
                out.write(wire);
                out.flush();
            }
        } catch (IOException e) {
            // client went away
        } finally {
            tcpClients.remove(s);
        }
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : tcpClients) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        delayed.shutdownNow();
    }
}
