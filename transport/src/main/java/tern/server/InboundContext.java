package tern.server;

import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import tern.config.TernConfig;
import tern.queue.QueueIdGenerator;
import tern.queue.Spool;
import tern.relay.RelayPolicy;
import tern.smtp.Reply;

/**
 * What every inbound session of one server shares: the settings it reads, the spool, and
 * the little mutable state that spans sessions (the connection count, the live sessions
 * that a shutdown must reach).
 */
final class InboundContext {

    final String fqdn;
    final long maxMessageSize;
    final int maxRecipients;
    final int maxConnections;
    final int maxHopCount;
    final String postmasterDomain;
    final Spool spool;
    final QueueIdGenerator ids;
    final InstantSource clock;
    final RelayPolicy relay;
    final Reply greeting;
    final Reply ehloReply;
    final Reply heloReply;

    final AtomicInteger connections;
    final Set<SmtpSession> sessions;
    /** Shared by every generation of settings: a shutdown reaches sessions started before a reload. */
    final java.util.concurrent.atomic.AtomicBoolean stopping;

    boolean shuttingDown() {
        return stopping.get();
    }

    InboundContext(TernConfig config, Spool spool, QueueIdGenerator ids, InstantSource clock) {
        this(config, spool, ids, clock, new AtomicInteger(), ConcurrentHashMap.newKeySet(),
                new java.util.concurrent.atomic.AtomicBoolean());
    }

    /** The settings of a reloaded configuration, over the same connections and sessions. */
    InboundContext reconfigured(TernConfig config) {
        return new InboundContext(config, spool, ids, clock, connections, sessions, stopping);
    }

    private InboundContext(TernConfig config, Spool spool, QueueIdGenerator ids, InstantSource clock,
                           AtomicInteger connections, Set<SmtpSession> sessions,
                           java.util.concurrent.atomic.AtomicBoolean stopping) {
        this.stopping = stopping;
        this.connections = connections;
        this.sessions = sessions;
        TernConfig.Server server = config.server();
        this.fqdn = server.fqdn();
        this.maxMessageSize = server.maxMessageSize();
        this.maxRecipients = server.maxRecipients();
        this.maxConnections = server.maxConnections();
        this.maxHopCount = config.delivery().maxHopCount();
        this.relay = RelayPolicy.from(config);
        // RFC 5321 4.5.1: <postmaster> without a domain must be accepted; it means ours.
        List<String> local = config.domains().local();
        this.postmasterDomain = relay.isLocal(fqdn) || local.isEmpty() ? fqdn : local.getFirst();
        this.spool = spool;
        this.ids = ids;
        this.clock = clock;
        // No enhanced status code on the greeting and the EHLO/HELO replies (RFC 2034 3).
        this.greeting = new Reply(220, null, fqdn + " ESMTP Tern");
        this.ehloReply = new Reply(250, null, List.of(fqdn, "PIPELINING", "SIZE " + maxMessageSize, "8BITMIME",
                "SMTPUTF8", "ENHANCEDSTATUSCODES", "CHUNKING", "BINARYMIME", "DSN"));
        this.heloReply = new Reply(250, null, fqdn);
    }
}
