package tern.delivery;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.util.Locale;
import tern.client.SmtpException;
import tern.outcome.LocalDecision;
import tern.outcome.LocalDecision.Reason;
import tern.outcome.Outcome;
import tern.outcome.RemoteReply;
import tern.smtp.Replies;
import tern.smtp.Reply;

/**
 * Turns a session that ended outside a transaction into an {@link Outcome} that says who
 * decided, in words a sender may read: the address Tern tried and what went wrong, never an
 * exception's text (which may carry paths and library internals).
 *
 * <p>A host that refused the session with a reply of its own (a 421 or 554 greeting, a
 * refused EHLO or AUTH) is no verdict on the message: Tern decides to try later or elsewhere
 * ({@link Reason#HOST_REFUSED}, transient), and the host's real reply travels along as the
 * cause, so a later report can quote it.
 */
final class HostFailure {

    private HostFailure() {
    }

    /** The written form of a peer in reports: {@code [192.0.2.1]:25}. */
    static String peer(InetSocketAddress address) {
        String ip = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return "[" + ip + "]:" + address.getPort();
    }

    static Outcome of(SmtpException e, String host, InetSocketAddress address) {
        String peer = peer(address);
        Reply reply = e.reply();
        String stage = e.stage().name().toLowerCase(Locale.ROOT);
        if (e.fromPeer() && reply != Replies.AUTH_REJECTED) {
            var said = new RemoteReply(reply, host, peer);
            String words = e.stage() == SmtpException.Stage.AUTH
                    ? host + " " + peer + " refused our credentials"
                    : host + " " + peer + " refused the session at " + stage;
            return new LocalDecision(Reason.HOST_REFUSED, transientOf(reply).withText(words), peer, said);
        }
        if (e.fromPeer()) {
            return new LocalDecision(Reason.HOST_REFUSED, transientOf(reply).withText(
                    host + " " + peer + " refused our credentials"), peer, null);
        }
        if (e.stage() == SmtpException.Stage.CONNECT) {
            String words = switch (e.getCause()) {
                case SocketTimeoutException t -> "connection to " + peer + " timed out";
                case NoRouteToHostException n -> "no route to " + peer;
                case ConnectException c when c.getMessage() != null && c.getMessage().contains("refused") ->
                        "connection refused by " + peer;
                case null, default -> "cannot connect to " + peer;
            };
            return new LocalDecision(Reason.CONNECTION_FAILED, Replies.CONNECTION_FAILED.withText(words), peer, null);
        }
        String status = reply.status() == null ? "" : reply.status();
        if (status.equals(Replies.REMOTE_PROTOCOL_ERROR.status())) {
            return new LocalDecision(Reason.PROTOCOL_ERROR, Replies.REMOTE_PROTOCOL_ERROR.withText(
                    host + " " + peer + " broke the SMTP protocol at " + stage), peer, null);
        }
        if (status.startsWith("4.7.") || status.startsWith("5.7.") || e.stage() == SmtpException.Stage.STARTTLS) {
            // The TLS policy's own words (level, host, what failed): written for senders to read.
            return new LocalDecision(Reason.TLS_POLICY, reply, peer, null);
        }
        if (reply.isPermanent()) {
            // Refused before sending: the message, not the host, is the problem.
            return new LocalDecision(Reason.MESSAGE_REFUSED, reply, peer, null);
        }
        String words = e.getCause() instanceof SocketTimeoutException
                ? "no reply from " + host + " " + peer + " within the timeout at " + stage
                : "connection to " + host + " " + peer + " lost at " + stage;
        return new LocalDecision(Reason.CONNECTION_LOST, Replies.CONNECTION_LOST.withText(words), peer, null);
    }

    /** A server's 5xx greeting or a failed host lookup is no verdict on the message: try later. */
    static Reply transientOf(Reply reply) {
        if (!reply.isPermanent()) {
            return reply;
        }
        String status = reply.status() == null ? "4.4.0" : "4" + reply.status().substring(1);
        return new Reply(451, status, reply.lines());
    }
}
