package tern.delivery;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import tern.client.ClientSettings;
import tern.client.RecipientResult;
import tern.client.SmtpConnection;
import tern.client.SmtpException;
import tern.client.Transaction;
import tern.client.TransactionResult;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.journal.JournalEvent.HandedOver;
import tern.outcome.RemoteReply;
import tern.queue.QueueId;
import tern.smtp.Reply;

/**
 * {@code tern queue evacuate}: every queued message goes to another MTA over SMTP with its
 * original envelope, and is finished here only once that MTA said 250 for it.
 *
 * <p>The envelope is the one the message arrived with: the reverse-path as received (no
 * masquerading: this is not the first hop), the recipients still pending here, BODY and
 * SMTPUTF8 as the message needs, and RET, ENVID, NOTIFY and ORCPT when the peer offers DSN.
 * When it does not, the message is handed over without them (RFC 3461 4.2 lets a relay drop
 * them towards a server without DSN; keeping mail on a node being retired would be worse), and
 * its line says so.
 *
 * <p>Delivered once: the {@link HandedOver} event is made durable before the next message
 * starts, and only after the peer's 250. The one window left is a crash between that 250 and
 * the journal write: the message is then still queued here and goes out again, a duplicate,
 * as with any MTA's at-least-once delivery. A journal write that fails stops the evacuation,
 * since every further message would be in that window too.
 *
 * <p>Messages go one after the other over one connection; a connection that breaks leaves
 * its message queued and the next message opens a new one; a peer that cannot be reached
 * leaves everything that remains queued.
 */
public final class Evacuation {

    /** A message held for the hand-over: its envelope and the recipients still pending here. */
    public record Held(Envelope envelope, List<Recipient> recipients) {
    }

    /** The queue being emptied: the running server's queue manager, or a stopped node's journal. */
    public interface Queue {
        /** The queued messages, oldest first. */
        List<QueueId> ids() throws IOException;

        /** Takes the message out of delivery here until {@link #handedOver} or {@link #release}; empty when no longer queued. */
        Optional<Held> hold(QueueId id) throws IOException;

        byte[] message(QueueId id) throws IOException;

        /** Journals the hand-over and returns once it is durable; ends the hold. */
        void handedOver(HandedOver event) throws IOException;

        /** The hand-over did not happen: delivery here goes on as before. */
        void release(QueueId id);
    }

    /** What became of one message. */
    public sealed interface Result {
        QueueId id();

        /** One line for the operator. */
        String line();

        /** Something of it is still queued here. */
        boolean stayed();
    }

    /**
     * The peer took {@code recipients} with {@code reply}; {@code refused} stay queued here.
     *
     * @param dsnDropped the message carried DSN parameters and the peer does not offer DSN
     */
    public record Moved(QueueId id, List<Recipient> recipients, Reply reply, List<RecipientResult> refused,
                        boolean dsnDropped) implements Result {
        @Override
        public String line() {
            String line = id + " handed over: " + addresses(recipients) + " (" + reply + ")";
            if (dsnDropped) {
                line += "; DSN parameters dropped: the peer does not offer DSN";
            }
            if (!refused.isEmpty()) {
                line += "; stayed: " + refused.stream().map(r -> "<" + r.recipient().address() + "> " + r.reply())
                        .collect(Collectors.joining(", "));
            }
            return line;
        }

        @Override
        public boolean stayed() {
            return !refused.isEmpty();
        }
    }

    /** Nothing was handed over: the message stays queued here. */
    public record Stayed(QueueId id, List<Recipient> recipients, String why) implements Result {
        @Override
        public String line() {
            return id + " stayed: " + addresses(recipients) + ": " + why;
        }

        @Override
        public boolean stayed() {
            return true;
        }
    }

    /** No longer queued when its turn came (delivered or deleted meanwhile). */
    public record Gone(QueueId id) implements Result {
        @Override
        public String line() {
            return id + " no longer queued";
        }

        @Override
        public boolean stayed() {
            return false;
        }
    }

    /** Every message's result, in order. */
    public record Report(InetSocketAddress peer, List<Result> results) {
        public Report {
            results = List.copyOf(results);
        }

        public boolean complete() {
            return results.stream().noneMatch(Result::stayed);
        }

        /** "3 messages handed over to 127.0.0.1:2525, 1 stayed". */
        public String total() {
            long moved = results.stream().filter(r -> r instanceof Moved).count();
            long stayed = results.stream().filter(Result::stayed).count();
            return moved + " message" + (moved == 1 ? "" : "s") + " handed over to " + peer.getHostString() + ":"
                    + peer.getPort() + ", " + stayed + " stayed";
        }
    }

    /**
     * {@code HOST:PORT} ({@code [IPv6]:PORT}) as the operator wrote it after {@code --to}.
     * A name is looked up with the system resolver, once, as any tool given a host name does.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static InetSocketAddress peer(String hostPort) {
        if (hostPort == null || hostPort.isBlank()) {
            throw new IllegalArgumentException("--to needs HOST:PORT, the MTA that takes the messages");
        }
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? "" : hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("--to " + hostPort + ": write an IPv6 address in brackets, [::1]:25");
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("--to " + hostPort + ": expected HOST:PORT, e.g. mx2.example.net:25");
        }
        return new InetSocketAddress(host, port);
    }

    /** How this node talks to the peer: its FQDN in EHLO, its delivery timeout and TLS level, no credentials. */
    public static ClientSettings settings(tern.config.TernConfig config) {
        return new ClientSettings(config.server().fqdn(), config.delivery().connections().timeout(),
                config.delivery().tls(), null, tern.config.TernConfig.SmartHostAuth.NONE, false, "evacuation peer");
    }

    private final InetSocketAddress peer;
    private final ClientSettings settings;
    private final InstantSource clock;
    private SmtpConnection connection;

    /**
     * @param peer     the MTA that takes the messages
     * @param settings how to talk to it (EHLO name, timeout, TLS level)
     */
    public Evacuation(InetSocketAddress peer, ClientSettings settings, InstantSource clock) {
        this.peer = peer;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Hands over every message of {@code queue}; {@code progress} hears each result as it
     * comes. Stops early, leaving the rest queued, when {@code mayGoOn} turns false (a lease
     * lost, the server stopping) or the journal cannot record a hand-over.
     */
    public Report run(Queue queue, BooleanSupplier mayGoOn, Consumer<Result> progress) throws IOException {
        List<Result> results = new ArrayList<>();
        String stopped = null;
        try {
            for (QueueId id : queue.ids()) {
                Result result;
                if (stopped == null && !mayGoOn.getAsBoolean()) {
                    stopped = "not tried: the evacuation was stopped (its takeover lease lost, or the server stopping)";
                }
                if (stopped != null) {
                    result = new Stayed(id, List.of(), stopped);
                } else {
                    try {
                        result = one(queue, id);
                    } catch (JournalFailure e) {
                        result = e.result;
                        stopped = "not tried: the journal could not record the last hand-over";
                    }
                    if (result instanceof Stayed s && s.why().startsWith(UNREACHABLE)) {
                        stopped = "not tried: " + s.why();
                    }
                }
                results.add(result);
                progress.accept(result);
            }
        } finally {
            if (connection != null) {
                connection.close();
                connection = null;
            }
        }
        return new Report(peer, results);
    }

    private static final String UNREACHABLE = "the peer cannot be reached";

    private Result one(Queue queue, QueueId id) throws IOException, JournalFailure {
        Optional<Held> held = queue.hold(id);
        if (held.isEmpty()) {
            return new Gone(id);
        }
        Envelope envelope = held.get().envelope();
        List<Recipient> recipients = held.get().recipients();
        boolean release = true;
        try {
            if (recipients.isEmpty()) {
                return new Gone(id);
            }
            if (connection == null) {
                try {
                    connection = SmtpConnection.open(peer, settings);
                } catch (SmtpException e) {
                    return new Stayed(id, recipients, UNREACHABLE + ": " + e.reply());
                }
            }
            boolean dsnDropped = !connection.extensions().dsn() && carriesDsn(envelope, recipients);
            // The reverse-path as received: masquerading applies to the first hop only.
            Transaction transaction = Transaction.of(envelope, envelope.reversePath(), recipients, queue.message(id));
            TransactionResult result;
            try {
                result = connection.send(transaction);
            } catch (SmtpException e) {
                connection.close();
                connection = null;
                return new Stayed(id, recipients, e.reply().toString());
            }
            List<Recipient> taken = result.recipients().stream().filter(RecipientResult::delivered)
                    .map(RecipientResult::recipient).toList();
            List<RecipientResult> refused = result.recipients().stream().filter(r -> !r.delivered()).toList();
            if (taken.isEmpty()) {
                Reply why = refused.isEmpty() ? null : refused.getFirst().reply();
                return new Stayed(id, recipients, String.valueOf(why));
            }
            var event = new HandedOver(id, clock.instant(), taken.stream().map(r -> r.address().toString()).toList(),
                    new RemoteReply(result.dataReply(), peer.getHostString(), HostFailure.peer(peer)));
            release = false; // handedOver ends the hold, whether it is journaled or not
            try {
                queue.handedOver(event);
            } catch (IOException e) {
                throw new JournalFailure(new Stayed(id, recipients, "the peer took it (" + result.dataReply()
                        + ") but the journal could not record that: it will be delivered again from here ("
                        + e.getMessage() + ")"));
            }
            return new Moved(id, taken, result.dataReply(), refused, dsnDropped);
        } finally {
            if (release) {
                queue.release(id);
            }
        }
    }

    /** RET, ENVID, NOTIFY or ORCPT: something a peer without DSN cannot be given. */
    private static boolean carriesDsn(Envelope envelope, List<Recipient> recipients) {
        return envelope.ret() != null || envelope.envId() != null
                || recipients.stream().anyMatch(r -> !r.notifyOn().isEmpty() || r.orcpt() != null);
    }

    private static String addresses(List<Recipient> recipients) {
        return recipients.stream().map(r -> "<" + r.address() + ">").collect(Collectors.joining(", "));
    }

    /** The journal refused a hand-over: the evacuation stops with this result. */
    private static final class JournalFailure extends Exception {
        final transient Result result;

        JournalFailure(Result result) {
            super(null, null, false, false);
            this.result = result;
        }
    }
}
