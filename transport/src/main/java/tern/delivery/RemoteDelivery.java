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
    private final ClientSettings mxSettings;
    private final ClientSettings smartHostSettings;
    private final int port;
    private final Masquerade masquerade;
    private final TernMetrics metrics;

    public RemoteDelivery(MailDns dns, ConnectionCache connections, ClientSettings mxSettings,
                          ClientSettings smartHostSettings, int port, Masquerade masquerade, TernMetrics metrics) {
        this.metrics = metrics;
        this.dns = dns;
        this.connections = connections;
        this.mxSettings = mxSettings;
        this.smartHostSettings = smartHostSettings;
        this.port = port;
        this.masquerade = masquerade;
    }

    /** Delivers {@code recipients} of the message along {@code route}; one outcome per recipient. */
    public List<RecipientOutcome> deliver(Route route, Envelope envelope, List<Recipient> recipients, byte[] message) {
        // The masquerade domain applies to our own transaction only: this is the first hop.
        Transaction transaction = Transaction.of(envelope, masquerade.apply(envelope.reversePath()), recipients, message);
        return switch (route) {
            case Route.Mx mx -> viaMx(mx.domain(), port, mxSettings, transaction);
            case Route.Relay relay -> viaHop(relay.hop(), relay.reason() == Route.Reason.ADDRESS_LITERAL
                    ? mxSettings : smartHostSettings, transaction);
            case Route.DirectThenSmartHost direct -> directThenSmartHost(direct, transaction);
            case Route.Local local -> throw new IllegalArgumentException("local route given to remote delivery: " + local);
        };
    }

    private List<RecipientOutcome> directThenSmartHost(Route.DirectThenSmartHost route, Transaction transaction) {
        List<RecipientOutcome> direct = viaMx(route.domain(), port, mxSettings, transaction);
        List<Recipient> retry = direct.stream().filter(RecipientOutcome::isTransient).map(RecipientOutcome::recipient).toList();
        if (retry.isEmpty()) {
            return direct;
        }
        Transaction again = new Transaction(transaction.reversePath(), retry, transaction.message(), transaction.body(),
                transaction.smtpUtf8(), transaction.ret(), transaction.envId());
        List<RecipientOutcome> viaSmartHost = viaHop(route.smartHost(), smartHostSettings, again);
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
        return viaHosts(List.of(new MxHost(hop.host(), 0)), hop.port(), settings, transaction);
    }

    private List<RecipientOutcome> viaMx(String domain, int port, ClientSettings settings, Transaction transaction) {
        MxResult mx = await(dns.mx(domain));
        return switch (mx) {
            case MxResult.Failure failure -> everyone(transaction,
                    new LocalDecision(LocalDecision.Reason.DNS, failure.reply(), domain, null));
            case MxResult.Hosts hosts -> viaHosts(hosts.hosts(), port, settings, transaction);
        };
    }

    private List<RecipientOutcome> viaHosts(List<MxHost> hosts, int port, ClientSettings settings, Transaction transaction) {
        Outcome last = LocalDecision.of(LocalDecision.Reason.CONNECTION_FAILED, Replies.CONNECTION_FAILED);
        for (MxHost host : hosts) {
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
                var peer = new InetSocketAddress(address, port);
                String written = HostFailure.peer(peer);
                SmtpConnection connection = null;
                try {
                    connection = connections.borrow(peer).orElse(null);
                    boolean reused = connection != null;
                    if (!reused) {
                        connection = open(peer, settings);
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
                        connection = open(peer, settings);
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
                    last = HostFailure.of(e, host.host(), peer);
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

    /** A new connection, counted in the outbound connection gauge until it closes. */
    private SmtpConnection open(InetSocketAddress peer, ClientSettings settings) throws SmtpException {
        SmtpConnection connection = SmtpConnection.open(peer, settings);
        metrics.outboundConnectionOpened();
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
