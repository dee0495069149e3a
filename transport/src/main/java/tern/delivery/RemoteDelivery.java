package tern.delivery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import tern.client.ClientSettings;
import tern.client.ConnectionCache;
import tern.client.RecipientResult;
import tern.client.SmtpConnection;
import tern.client.SmtpException;
import tern.client.Transaction;
import tern.client.TransactionResult;
import tern.dns.HostLookupException;
import tern.dns.MailDns;
import tern.dns.MxHost;
import tern.dns.MxResult;
import tern.envelope.Envelope;
import tern.metrics.TernMetrics;
import tern.envelope.Recipient;
import tern.outcome.LocalDecision;
import tern.outcome.Outcome;
import tern.outcome.RecipientOutcome;
import tern.outcome.RemoteReply;
import tern.route.Masquerade;
import tern.route.NextHop;
import tern.route.Route;
import tern.smtp.Replies;
import tern.tls.MxAuthentication;
import tern.tls.MxPlan;
import tern.tls.TlsPolicy;

/**
 * One attempt to deliver some recipients of one message to the destination the router chose.
 * Blocking: it runs on a delivery worker's virtual thread.
 *
 * <p>Hosts are tried in the order RFC 5321 5.1 gives (MX preference, then each address of a
 * host). A host that cannot be reached, greets with an error or breaks the session is left
 * for the next one; once a host has answered the transaction, its per-recipient replies are
 * final for this attempt, as in Postfix: a 4xx to RCPT is that host's considered answer, and
 * asking a lower-preference MX would only relay it back to the same place.
 */
public final class RemoteDelivery {

    private final MailDns dns;
    private final ConnectionCache connections;
    private final TlsPolicy tls;
    private final int port;
    private final Masquerade masquerade;
    private final TernMetrics metrics;
    private volatile MxAuthentication authentication = MxAuthentication.NONE;

    public RemoteDelivery(MailDns dns, ConnectionCache connections, ClientSettings mxSettings,
                          ClientSettings smartHostSettings, int port, Masquerade masquerade, TernMetrics metrics) {
        this(dns, connections, TlsPolicy.of(mxSettings, smartHostSettings), port, masquerade, metrics);
    }

    /** @param tls which TLS level and credentials each kind of next hop gets */
    public RemoteDelivery(MailDns dns, ConnectionCache connections, TlsPolicy tls, int port, Masquerade masquerade,
                          TernMetrics metrics) {
        this.metrics = metrics;
        this.dns = dns;
        this.connections = connections;
        this.tls = tls;
        this.port = port;
        this.masquerade = masquerade;
    }

    /**
     * MTA-STS and DANE for the recipient domains' MX hosts (not for the smart host or route
     * next hops). Set once, before the first delivery.
     */
    public RemoteDelivery authenticating(MxAuthentication authentication) {
        this.authentication = authentication;
        return this;
    }

    /** Delivers {@code recipients} of the message along {@code route}; one outcome per recipient. */
    public List<RecipientOutcome> deliver(Route route, Envelope envelope, List<Recipient> recipients, byte[] message) {
        // The masquerade domain applies to our own transaction only: this is the first hop.
        Transaction transaction = Transaction.of(envelope, masquerade.apply(envelope.reversePath()), recipients, message);
        return switch (route) {
            case Route.Mx mx -> viaRecipientMx(mx.domain(), await(dns.mx(mx.domain())), transaction);
            case Route.Relay relay -> viaHop(relay.hop(), tls.settingsFor(relay), transaction);
            case Route.DirectThenSmartHost direct -> directThenSmartHost(direct, transaction);
            case Route.Local local -> throw new IllegalArgumentException("local route given to remote delivery: " + local);
        };
    }

    /**
     * The direct attempt, then the smart host for every recipient it left transient. A domain
     * our DNS does not know (NXDOMAIN) goes to the smart host too, as with Postfix's
     * {@code smtp_fallback_relay}: in a split-horizon set-up the smart host sees names this
     * server cannot. A null MX is the domain's own word that it takes no mail, and stays final.
     */
    private List<RecipientOutcome> directThenSmartHost(Route.DirectThenSmartHost route, Transaction transaction) {
        List<RecipientOutcome> direct;
        if (route.direct() instanceof Route.Relay literal) {
            direct = viaHop(literal.hop(), tls.settingsFor(literal), transaction);
        } else {
            MxResult mx = await(dns.mx(route.domain()));
            if (mx instanceof MxResult.Failure f && f.cause() == MxResult.Cause.NO_SUCH_DOMAIN) {
                return viaHop(route.smartHost(), tls.settingsFor(route.fallback()), transaction);
            }
            direct = viaRecipientMx(route.domain(), mx, transaction);
        }
        List<Recipient> retry = direct.stream().filter(RecipientOutcome::isTransient).map(RecipientOutcome::recipient).toList();
        if (retry.isEmpty()) {
            return direct;
        }
        Transaction again = new Transaction(transaction.reversePath(), retry, transaction.message(), transaction.body(),
                transaction.smtpUtf8(), transaction.ret(), transaction.envId());
        List<RecipientOutcome> viaSmartHost = viaHop(route.smartHost(), tls.settingsFor(route.fallback()), again);
        List<RecipientOutcome> merged = new ArrayList<>(direct.size());
        for (RecipientOutcome first : direct) {
            RecipientOutcome second = first.isTransient()
                    ? viaSmartHost.stream().filter(o -> o.recipient().equals(first.recipient())).findFirst().orElse(first)
                    : first;
            merged.add(second);
        }
        return merged;
    }

    private List<RecipientOutcome> viaHop(NextHop hop, ClientSettings settings, Transaction transaction) {
        if (hop.mxLookup()) {
            return viaMx(hop.host(), hop.port(), settings, transaction);
        }
        return viaHosts(MxPlan.plain(List.of(new MxHost(hop.host(), 0)), settings), hop.port(), transaction);
    }

    private List<RecipientOutcome> viaMx(String domain, int port, ClientSettings settings, Transaction transaction) {
        return viaMx(await(dns.mx(domain)), port, settings, transaction);
    }

    private List<RecipientOutcome> viaMx(MxResult mx, int port, ClientSettings settings, Transaction transaction) {
        return switch (mx) {
            case MxResult.Failure failure -> everyone(transaction,
                    new LocalDecision(LocalDecision.Reason.DNS, failure.reply(), null, null));
            case MxResult.Hosts hosts -> viaHosts(MxPlan.plain(hosts.hosts(), settings), port, transaction);
        };
    }

    /** The recipient domain's own MX hosts, as its MTA-STS policy and DANE records allow. */
    private List<RecipientOutcome> viaRecipientMx(String domain, MxResult mx, Transaction transaction) {
        return switch (mx) {
            case MxResult.Failure failure -> everyone(transaction,
                    new LocalDecision(LocalDecision.Reason.DNS, failure.reply(), domain, null));
            case MxResult.Hosts hosts -> {
                MxPlan plan = authentication.plan(domain, hosts.hosts(), tls.mx());
                yield plan.candidates().isEmpty()
                        ? everyone(transaction, new LocalDecision(LocalDecision.Reason.TLS_POLICY, plan.refusal(), domain, null))
                        : viaHosts(plan, port, transaction);
            }
        };
    }

    private List<RecipientOutcome> viaHosts(MxPlan plan, int port, Transaction transaction) {
        Outcome last = LocalDecision.of(LocalDecision.Reason.CONNECTION_FAILED, Replies.CONNECTION_FAILED);
        for (MxPlan.Candidate candidate : plan.candidates()) {
            MxHost host = candidate.host();
            ClientSettings settings = candidate.settings();
            List<InetAddress> addresses;
            try {
                InetAddress literal = literal(host.host());
                addresses = literal != null ? List.of(literal) : await(dns.addresses(host.host()));
            } catch (HostLookupException e) {
                last = new LocalDecision(LocalDecision.Reason.DNS, HostFailure.transientOf(e.failure().reply()),
                        host.host(), null);
                continue;
            }
            for (InetAddress address : addresses) {
                // The name a verified certificate must carry: the MX host, or the next hop as written.
                var peer = new SmtpConnection.Key(new InetSocketAddress(address, port), host.host(), settings);
                String written = HostFailure.peer(peer.peer());
                SmtpConnection connection = null;
                try {
                    connection = connections.borrow(peer).orElse(null);
                    boolean reused = connection != null;
                    if (!reused) {
                        connection = open(peer);
                    }
                    TransactionResult result;
                    try {
                        result = connection.send(transaction);
                    } catch (SmtpException e) {
                        if (!reused || !diedBeforeAnyReply(e)) {
                            throw e;
                        }
                        // A cached connection the server had closed unseen: nothing was
                        // delivered on it, so the message goes again on a fresh one.
                        connection.close();
                        connection = open(peer);
                        result = connection.send(transaction);
                    }
                    boolean dsn = connection.extensions().dsn();
                    connections.release(connection);
                    connection = null;
                    List<RecipientOutcome> outcomes = new ArrayList<>(result.recipients().size());
                    for (RecipientResult r : result.recipients()) {
                        Outcome outcome = r.fromPeer() ? new RemoteReply(r.reply(), host.host(), written)
                                : new LocalDecision(LocalDecision.Reason.MESSAGE_REFUSED, r.reply(), written, null);
                        outcomes.add(new RecipientOutcome(r.recipient(), outcome, dsn));
                    }
                    return outcomes;
                } catch (SmtpException e) {
                    // Unreachable, an error greeting, TLS or AUTH trouble, a broken session:
                    // the next address or MX host may do better (RFC 5321 5.1).
                    last = HostFailure.of(e, host.host(), peer.peer());
                    if (e.isPermanent() && !e.fromPeer()) {
                        // Refused before sending (too large, needs 8BITMIME/SMTPUTF8): the message,
                        // not the host, is the problem; another host would not change it.
                        if (connection != null) {
                            connections.release(connection);
                        }
                        return everyone(transaction, last);
                    }
                } finally {
                    if (connection != null) {
                        connection.close();
                    }
                }
            }
        }
        return everyone(transaction, last);
    }

    /**
     * A new connection, counted in the outbound connection gauge from the start of the TCP
     * connect until it closes: a peer that accepts and then never greets (a tarpit) holds a
     * socket and a worker for the whole timeout, and the gauge must show it.
     */
    private SmtpConnection open(SmtpConnection.Key peer) throws SmtpException {
        metrics.outboundConnectionOpened();
        SmtpConnection connection;
        try {
            connection = SmtpConnection.open(peer);
        } catch (SmtpException | RuntimeException e) {
            metrics.outboundConnectionClosed();
            throw e;
        }
        connection.whenClosed(metrics::outboundConnectionClosed);
        return connection;
    }

    /** The connection broke before the peer answered MAIL: the transaction never started. */
    private static boolean diedBeforeAnyReply(SmtpException e) {
        return e.stage() == SmtpException.Stage.MAIL && !e.fromPeer();
    }

    /** The address when {@code host} is an IP address (a bracketed next hop): no lookup for it. */
    private static InetAddress literal(String host) {
        if (host.indexOf(':') < 0 && !Character.isDigit(host.charAt(host.length() - 1))) {
            return null; // a name: not worth trying to parse as an address
        }
        try {
            return InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static List<RecipientOutcome> everyone(Transaction transaction, Outcome outcome) {
        return transaction.recipients().stream().map(r -> new RecipientOutcome(r, outcome, false)).toList();
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new CompletionException(e.getCause());
        }
    }
}
