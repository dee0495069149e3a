package tern.server;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import tern.auth.AuthThrottle;
import tern.auth.Sasl;
import tern.config.ConfigException;
import tern.config.TernConfig;
import tern.dns.MailDns;
import tern.policy.ConnectionLimiter;
import tern.queue.QueueIdGenerator;
import tern.queue.Spool;
import tern.relay.Cidr;
import tern.relay.RelayPolicy;
import tern.smtp.Reply;

/**
 * What every inbound session of one server shares: the settings it reads, the spool, and
 * the little mutable state that spans sessions (the connection counts, the live sessions
 * that a shutdown must reach, the failed-AUTH record).
 */
final class InboundContext {

    final String fqdn;
    final long maxMessageSize;
    final int maxRecipients;
    final int maxConnections;
    final int maxHopCount;
    final int maxErrors;
    final long greetingDelayMillis;
    final String postmasterDomain;
    final Spool spool;
    final QueueIdGenerator ids;
    final InstantSource clock;
    final RelayPolicy relay;
    final Reply greeting;
    final Reply heloReply;
    /** Indexed by {@link #ehloReply}'s two choices. */
    private final Reply[] ehloReplies = new Reply[4];
    /** The wire bytes of the replies above and of every constant of {@code Replies}. */
    final ReplyBytes replies;
    /** {@code server.proxyProtocol}: load balancers whose connections start with a PROXY header. */
    private final List<Cidr> proxies;

    /** Null unless {@code server.reverseDnsLookup} is on and a resolver was given. */
    final MailDns dns;
    final long dnsTimeoutMillis;
    /** Null when {@code server.tls} is not configured: no STARTTLS, no implicit TLS. */
    final SslContext tls;
    final LiveUserFile users;
    /** Heap for messages being received, shared by every session (and kept across a reload). */
    final MessageMemory memory;
    /** Where messages too large for memory are written as they arrive. */
    final SpoolDirectory spoolDirectory;
    /** Null without {@code domains.recipients}: every local part of a local domain is valid. */
    final LiveLocalRecipients localRecipients;
    /** Signs our own users' mail at acceptance; without keys it returns every message as it is. */
    final tern.dkim.DkimSigner dkim;

    final AtomicInteger connections;
    final ConnectionLimiter perClient;
    /** The connections admitted and not yet closed: what a shutdown must reach. */
    final Set<io.netty.channel.Channel> sessions;
    final AuthThrottle authThrottle;
    /**
     * Password checks running at once. Each costs a key derivation on purpose; without a bound,
     * a thousand connections sending AUTH would keep every core busy for everyone.
     */
    final Semaphore authSlots;
    /** Shared by every generation of settings: a shutdown reaches sessions started before a reload. */
    final AtomicBoolean stopping;

    boolean shuttingDown() {
        return stopping.get();
    }

    InboundContext(TernConfig config, Spool spool, QueueIdGenerator ids, InstantSource clock, MailDns dns,
                   AuthThrottle authThrottle) {
        this(config, spool, ids, clock, dns, new AtomicInteger(), null, ConcurrentHashMap.newKeySet(),
                authThrottle, new Semaphore(Math.max(2, Runtime.getRuntime().availableProcessors())),
                new AtomicBoolean(), null, MessageMemory.ofHeap(), new SpoolDirectory(config.server().dataDir()), null);
    }

    /** The settings of a reloaded configuration, over the same connections and sessions. */
    InboundContext reconfigured(TernConfig config) {
        return new InboundContext(config, spool, ids, clock, dnsResolver, connections, perClient, sessions,
                authThrottle, authSlots, stopping, users, memory, spoolDirectory, localRecipients);
    }

    private final MailDns dnsResolver;

    private InboundContext(TernConfig config, Spool spool, QueueIdGenerator ids, InstantSource clock, MailDns dns,
                           AtomicInteger connections, ConnectionLimiter perClient, Set<io.netty.channel.Channel> sessions,
                           AuthThrottle authThrottle, Semaphore authSlots, AtomicBoolean stopping,
                           LiveUserFile users, MessageMemory memory, SpoolDirectory spoolDirectory,
                           LiveLocalRecipients localRecipients) {
        TernConfig.Server server = config.server();
        this.stopping = stopping;
        this.connections = connections;
        this.memory = memory;
        this.spoolDirectory = spoolDirectory;
        // Kept across a reload when the limit is the same, so the counts of open sessions stay true.
        this.perClient = perClient != null && perClient.perAddress() == server.maxConnectionsPerClient()
                ? perClient : new ConnectionLimiter(server.maxConnectionsPerClient());
        this.sessions = sessions;
        this.authThrottle = authThrottle;
        this.authSlots = authSlots;
        this.fqdn = server.fqdn();
        this.maxMessageSize = server.maxMessageSize();
        this.maxRecipients = server.maxRecipients();
        this.maxConnections = server.maxConnections();
        this.maxErrors = server.maxErrors();
        this.greetingDelayMillis = server.greetingDelay().toMillis();
        this.maxHopCount = config.delivery().maxHopCount();
        this.relay = RelayPolicy.from(config);
        // RFC 5321 4.5.1: <postmaster> without a domain must be accepted; it means ours.
        List<String> local = config.domains().local();
        this.postmasterDomain = relay.isLocal(fqdn) || local.isEmpty() ? fqdn : local.getFirst();
        this.spool = spool;
        this.ids = ids;
        this.clock = clock;
        this.dnsResolver = dns;
        this.dns = server.reverseDnsLookup() ? dns : null;
        this.dnsTimeoutMillis = config.dns().timeout().toMillis();
        this.tls = server.tls() == null ? null : sslContext(server.tls());
        this.users = users != null && users.path().equals(server.usersFile()) ? users
                : new LiveUserFile(server.usersFile(), clock);
        java.nio.file.Path recipients = config.domains().recipients();
        this.localRecipients = recipients == null ? null
                : localRecipients != null && localRecipients.path().equals(recipients) ? localRecipients
                : new LiveLocalRecipients(recipients);
        // No enhanced status code on the greeting and the EHLO/HELO replies (RFC 2034 3).
        this.greeting = new Reply(220, null, fqdn + " ESMTP Tern");
        List<String> base = List.of(fqdn, "PIPELINING", "SIZE " + maxMessageSize, "8BITMIME",
                "SMTPUTF8", "ENHANCEDSTATUSCODES", "CHUNKING", "BINARYMIME", "DSN");
        for (int i = 0; i < 4; i++) {
            List<String> lines = new ArrayList<>(base);
            if ((i & 1) != 0) {
                lines.add("STARTTLS");
            }
            if ((i & 2) != 0) {
                lines.add("AUTH " + Sasl.MECHANISMS);
            }
            ehloReplies[i] = new Reply(250, null, lines);
        }
        this.heloReply = new Reply(250, null, fqdn);
        List<Reply> configured = new ArrayList<>(List.of(ehloReplies));
        configured.add(greeting);
        configured.add(heloReply);
        this.replies = new ReplyBytes(configured);
        this.proxies = server.proxyProtocol().stream().map(Cidr::parse).toList();
        this.dkim = tern.dkim.DkimKeyFiles.signer(config.dkim());
    }

    /** The peer is a load balancer of {@code server.proxyProtocol}: its connections start with a PROXY header. */
    boolean proxyTrusted(java.net.InetAddress peer) {
        for (Cidr network : proxies) {
            if (network.contains(peer)) {
                return true;
            }
        }
        return false;
    }

    /** The EHLO reply, offering STARTTLS and AUTH or not. */
    Reply ehloReply(boolean offerStartTls, boolean offerAuth) {
        return ehloReplies[(offerStartTls ? 1 : 0) | (offerAuth ? 2 : 0)];
    }

    private static SslContext sslContext(TernConfig.Tls tls) {
        try {
            return SslContextBuilder.forServer(tls.certificate().toFile(), tls.privateKey().toFile()).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigException("server.tls", tls.certificate() + ", " + tls.privateKey(),
                    "a PEM certificate and its PEM (PKCS#8) private key: " + e.getMessage());
        }
    }
}
