package tern.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import tern.config.TernConfig;
import tern.smtp.Replies;
import tern.smtp.Reply;

/**
 * A blocking SMTP client connection (RFC 5321) for a delivery worker on a virtual thread.
 * {@link #open} connects, reads the greeting, says EHLO (HELO when EHLO is refused), does
 * STARTTLS by the policy and AUTH when credentials are set; then {@link #send} carries one
 * transaction after another until {@link #close} says QUIT.
 *
 * <p>One owner at a time: the class has no locks because a connection is never shared
 * between threads at once; {@link ConnectionCache} hands each to one borrower. Every read
 * waits at most {@link ClientSettings#timeout()}; a timeout or I/O error leaves the
 * connection broken (the next use throws, close skips QUIT).
 */
public final class SmtpConnection implements AutoCloseable {

    /**
     * What a connection was opened as: the address, the name it was opened for (the MX host
     * or next hop name its certificate was checked against) and the settings (TLS level,
     * credentials). A cached connection is lent only for the same key: a session authenticated
     * to the smart host must never carry a route's mail, and a certificate verified for one
     * name proves nothing for another name at the same address.
     */
    public record Key(InetSocketAddress peer, String peerName, ClientSettings settings) {
        public static Key of(InetSocketAddress peer, ClientSettings settings) {
            return new Key(peer, peer.getHostString(), settings);
        }
    }

    private final InetSocketAddress peer;
    private final String peerName;
    private final ClientSettings settings;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private ReplyReader replies;
    private Reply greeting;
    private EhloExtensions extensions = EhloExtensions.NONE;
    private boolean tls;
    private boolean verified;
    private boolean authenticated;
    private boolean broken;
    private boolean closed;
    private int transactions;

    private SmtpConnection(InetSocketAddress peer, String peerName, ClientSettings settings) {
        this.peer = peer;
        this.peerName = peerName;
        this.settings = settings;
    }

    /**
     * Connects and gets the session ready for MAIL.
     *
     * @throws SmtpException with the peer's reply for a 4xx/5xx greeting, EHLO/HELO refusal,
     *                       or AUTH refusal (535: permanent, 5.7.8); with a reply of our own
     *                       for a failed connect, a timeout, a TLS policy failure
     */
    public static SmtpConnection open(InetSocketAddress peer, ClientSettings settings) throws SmtpException {
        return open(Key.of(peer, settings));
    }

    /**
     * As {@link #open(InetSocketAddress, ClientSettings)}, for {@code key.peerName()}: the name
     * the {@code verify} level checks the certificate against (and sends as SNI), e.g. the MX
     * host name; an IP address for an address-literal next hop.
     */
    public static SmtpConnection open(Key key) throws SmtpException {
        SmtpConnection c = new SmtpConnection(key.peer(), key.peerName(), key.settings());
        try {
            c.connect();
            c.handshake();
            return c;
        } catch (SmtpException e) {
            c.close(); // QUIT first unless the stream is broken (RFC 5321 3.1, also after a 554 greeting)
            throw e;
        } catch (IOException e) {
            SmtpException failure = c.failure(e, SmtpException.Stage.GREETING);
            c.close();
            throw failure;
        } catch (RuntimeException e) {
            c.broken = true;
            c.close();
            throw e;
        }
    }

    private void connect() throws SmtpException {
        int millis = timeoutMillis();
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(peer, millis);
            s.setSoTimeout(millis);
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing was opened
            }
            throw new SmtpException(Replies.CONNECTION_FAILED.withText(
                    "cannot connect to " + peer + ": " + e.getMessage()), SmtpException.Stage.CONNECT, false, e);
        }
        attach(s);
    }

    private void attach(Socket s) throws SmtpException {
        socket = s;
        try {
            in = new BufferedInputStream(s.getInputStream(), 8192);
            out = new BufferedOutputStream(s.getOutputStream(), 16384);
        } catch (IOException e) {
            throw failure(e, SmtpException.Stage.CONNECT);
        }
        replies = new ReplyReader(in);
    }

    private void handshake() throws IOException {
        greeting = read(SmtpException.Stage.GREETING);
        if (greeting.code() != 220) {
            // RFC 5321 3.1: a 554 greeting still expects QUIT; the caller tries the next MX
            throw new SmtpException(greeting, SmtpException.Stage.GREETING, true, null);
        }
        hello();
        TernConfig.OutboundTls level = settings.tls();
        boolean required = level == TernConfig.OutboundTls.REQUIRED || level == TernConfig.OutboundTls.VERIFY;
        if (level != TernConfig.OutboundTls.OFF) {
            if (extensions.startTls()) {
                startTls(required, level == TernConfig.OutboundTls.VERIFY);
            } else if (required) {
                throw new SmtpException(Replies.TLS_NOT_OFFERED.withText("TLS " + level.name().toLowerCase(Locale.ROOT)
                        + " but " + who() + " does not offer STARTTLS"), SmtpException.Stage.STARTTLS, false, null);
            }
        }
        if (settings.auth().isSet() && !extensions.authMechanisms().isEmpty()) {
            withholdCredentialsUnlessSafe();
            authenticate();
        }
    }

    /**
     * Credentials go only over TLS whose certificate was verified for the name we meant to
     * reach, or to a next hop the operator wrote as a loopback address. RFC 4954 4 forbids a
     * plaintext password on an unprotected channel, and an unverified certificate protects
     * nothing against whoever sits on the path: anyone can present a self-signed one.
     */
    private void withholdCredentialsUnlessSafe() throws SmtpException {
        if (verified || settings.loopbackLiteral()) {
            return;
        }
        Reply why = tls
                ? Replies.CREDENTIALS_WITHHELD.withText(settings.role() + " certificate not verified (TLS level "
                        + settings.tls().name().toLowerCase(Locale.ROOT) + "); credentials withheld from " + who())
                : Replies.AUTH_NEEDS_TLS.withText("no TLS with " + settings.role() + " " + who()
                        + "; credentials withheld");
        throw new SmtpException(why, SmtpException.Stage.AUTH, false, null);
    }

    /** The peer as "name[address]:port", or "address:port" when the name is the address. */
    private String who() {
        String address = peer.getAddress() == null ? peer.getHostString() : peer.getAddress().getHostAddress();
        return peerName.equals(address) ? address + ":" + peer.getPort() : peerName + "[" + address + "]:" + peer.getPort();
    }

    private void hello() throws IOException {
        Reply ehlo = command("EHLO " + settings.fqdn(), SmtpException.Stage.EHLO);
        if (ehlo.code() == 250) {
            extensions = EhloExtensions.parse(ehlo);
            return;
        }
        if (!ehlo.isPermanent()) {
            throw new SmtpException(ehlo, SmtpException.Stage.EHLO, true, null);
        }
        // RFC 5321 4.1.1.1 / 3.2: a server that does not know EHLO answers 5xx; HELO then
        Reply helo = command("HELO " + settings.fqdn(), SmtpException.Stage.EHLO);
        if (helo.code() != 250) {
            throw new SmtpException(helo, SmtpException.Stage.EHLO, true, null);
        }
        extensions = EhloExtensions.NONE;
    }

    /**
     * A STARTTLS the peer refuses is plaintext for the opportunistic level (as if not
     * offered) and a transient failure for required and verify. A handshake that fails, or a
     * certificate that fails verify, is a transient failure of this host either way: the
     * stream is unusable afterwards, and the dispatcher tries the next MX or retries later
     * rather than falling back to plaintext.
     */
    private void startTls(boolean required, boolean verify) throws IOException {
        Reply reply = command("STARTTLS", SmtpException.Stage.STARTTLS);
        if (reply.code() != 220) {
            if (required) {
                throw new SmtpException(Replies.TLS_NOT_OFFERED.withText("TLS " + settings.tls().name().toLowerCase(Locale.ROOT)
                        + " but " + who() + " refused STARTTLS: " + reply), SmtpException.Stage.STARTTLS, false, null);
            }
            return;
        }
        SSLContext context = settings.tlsContext() != null ? settings.tlsContext()
                : verify ? ClientTls.verifying(List.of()) : ClientTls.encryptOnly();
        try {
            attach(ClientTls.handshake(context, socket, peerName, peer.getPort(), verify, timeoutMillis()));
        } catch (IOException e) {
            broken = true;
            tern.tls.CertificateNotVerified notVerified = tern.tls.CertificateNotVerified.in(e);
            if (verify) {
                String why = notVerified != null ? notVerified.getMessage() : "TLS handshake failed";
                throw new SmtpException(Replies.TLS_NOT_VERIFIED.withText(settings.role() + " " + who()
                        + " not verified: " + why), SmtpException.Stage.STARTTLS, false, e);
            }
            throw new SmtpException(Replies.TLS_HANDSHAKE_FAILED.withText(
                    "TLS handshake with " + who() + " failed"), SmtpException.Stage.STARTTLS, false, e);
        }
        tls = true;
        verified = verify;
        extensions = EhloExtensions.NONE; // RFC 3207 4.2: forget everything learnt before TLS
        hello();
    }

    private void authenticate() throws IOException {
        Reply reply = ClientAuthentication.exchange(this, extensions, settings.auth());
        if (reply == null) {
            return; // no mechanism we speak: go on without, as Postfix does; the peer decides
        }
        if (reply.code() == 235) {
            authenticated = true;
            return;
        }
        if (reply.code() == 334) {
            broken = true; // a challenge we cannot answer: the exchange cannot be ended cleanly
        }
        if (reply.code() == 535 || reply.isPermanent()) {
            Reply refused = reply.status() == null ? new Reply(reply.code(), Replies.AUTH_REJECTED.status(), reply.lines())
                    : reply;
            throw new SmtpException(refused.code() == 334 ? Replies.AUTH_REJECTED : refused, SmtpException.Stage.AUTH, true, null);
        }
        throw new SmtpException(reply, SmtpException.Stage.AUTH, true, null);
    }

    /**
     * Offers one message. Refusals by the peer are results, not exceptions; so are the
     * refusals Tern makes without sending anything (SIZE 5.3.4, 8BITMIME 5.6.3, SMTPUTF8
     * 5.6.7), after which the connection is still clean for another transaction.
     *
     * @throws SmtpException when the connection fails (timeout, closed, garbage); then the
     *                       outcome of every recipient is unknown and the connection is broken
     */
    public TransactionResult send(Transaction t) throws SmtpException {
        ensureUsable();
        long size = t.message().length;
        boolean eightBit = t.isEightBit();
        if (extensions.sizeLimit() > 0 && size > extensions.sizeLimit()) {
            return MailExchange.refuseAll(t, Replies.REMOTE_MESSAGE_TOO_LARGE.withText("message of " + size
                    + " octets exceeds the " + extensions.sizeLimit() + " octets " + peer + " accepts"));
        }
        // SMTPUTF8 first: an internationalized message is usually 8-bit too, and 5.6.7 ("non-ASCII
        // addresses not permitted", RFC 6531 3.5) names the real obstacle where 5.6.3 would not.
        if (t.needsSmtpUtf8() && !extensions.smtpUtf8()) {
            return MailExchange.refuseAll(t, Replies.REMOTE_NO_SMTPUTF8); // RFC 6531 3.4: no downgrade
        }
        if (eightBit && !extensions.eightBitMime()) {
            // RFC 6152 3: never send 8-bit data to a server without 8BITMIME; we do not
            // convert to quoted-printable (it would break signatures), so this host cannot take it
            return MailExchange.refuseAll(t, Replies.REMOTE_NO_8BITMIME);
        }
        transactions++;
        try {
            return new MailExchange(this, extensions).transact(t, size, eightBit);
        } catch (IOException e) {
            throw failure(e, SmtpException.Stage.MESSAGE);
        }
    }

    /** RSET (RFC 5321 4.1.1.5): ends a transaction that failed midway so the next can start. */
    public Reply reset() throws SmtpException {
        ensureUsable();
        Reply r;
        try {
            r = command("RSET", SmtpException.Stage.RESET);
        } catch (SmtpException e) {
            throw e;
        } catch (IOException e) {
            throw failure(e, SmtpException.Stage.RESET);
        }
        if (r.code() != 250) {
            broken = true; // a server that cannot reset cannot be trusted with another transaction
        }
        return r;
    }

    /** NOOP: proves an idle connection is still alive before it carries another message. */
    public boolean isAlive() {
        if (broken || closed) {
            return false;
        }
        try {
            Reply r = command("NOOP", SmtpException.Stage.RESET);
            if (r.code() == 250) {
                return true;
            }
        } catch (IOException e) {
            // fall through: dead
        }
        broken = true;
        return false;
    }

    /**
     * Without a round trip: not broken, and the peer has sent nothing unasked (a server
     * that drops an idle client usually says 421 first). For a connection idle a moment
     * only; {@link #isAlive} asks the peer.
     */
    public boolean looksAlive() {
        if (!isUsable()) {
            return false;
        }
        try {
            if (in.available() == 0) {
                return true;
            }
        } catch (IOException e) {
            // fall through: dead
        }
        broken = true;
        return false;
    }

    public boolean isUsable() {
        return !broken && !closed;
    }

    private void ensureUsable() throws SmtpException {
        if (!isUsable()) {
            throw new SmtpException(Replies.CONNECTION_LOST.withText("connection to " + peer + " is no longer usable"),
                    SmtpException.Stage.MAIL, false, null);
        }
    }

    Reply command(String line, SmtpException.Stage stage) throws IOException {
        write(line);
        flush(stage);
        return read(stage);
    }

    void write(String line) throws SmtpException {
        try {
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.write('\r');
            out.write('\n');
        } catch (IOException e) {
            throw failure(e, SmtpException.Stage.MAIL);
        }
    }

    void flush(SmtpException.Stage stage) throws SmtpException {
        try {
            out.flush();
        } catch (IOException e) {
            throw failure(e, stage);
        }
    }

    Reply read(SmtpException.Stage stage) throws SmtpException {
        try {
            return replies.read();
        } catch (ReplyReader.MalformedReplyException e) {
            broken = true;
            throw new SmtpException(Replies.REMOTE_PROTOCOL_ERROR.withText(peer + ": " + e.getMessage()), stage, false, e);
        } catch (IOException e) {
            throw failure(e, stage);
        }
    }

    /** The message's bytes, dot-stuffed and ended with the final dot, onto the wire (not flushed). */
    void writeMessage(byte[] message) throws IOException {
        DotStuffing.write(message, out);
    }

    private SmtpException failure(IOException e, SmtpException.Stage stage) {
        broken = true;
        if (e instanceof SmtpException s) {
            return s;
        }
        String what = e instanceof SocketTimeoutException ? "timed out after " + settings.timeout() : e.getMessage();
        return new SmtpException(Replies.CONNECTION_LOST.withText(
                stage.name().toLowerCase(Locale.ROOT) + " with " + peer + ": " + what), stage, false, e);
    }

    /** QUIT (when the connection is still in order), then close. Never throws. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!broken && socket != null) {
                socket.setSoTimeout((int) Math.min(timeoutMillis(), 10_000)); // nobody waits long for a 221
                write("QUIT");
                out.flush();
                replies.read();
            }
        } catch (IOException ignored) {
            // we are leaving anyway
        } finally {
            try {
                if (socket != null) {
                    socket.close();
                }
            } catch (IOException ignored) {
                // nothing left to do
            }
            Runnable then = whenClosed;
            if (then != null) {
                then.run();
            }
        }
    }

    private volatile Runnable whenClosed;

    /** Runs {@code action} once when this connection closes, whoever closes it (a metric's gauge). */
    public void whenClosed(Runnable action) {
        this.whenClosed = action;
    }

    private int timeoutMillis() {
        long ms = settings.timeout().toMillis();
        return (int) Math.max(1, Math.min(ms, Integer.MAX_VALUE));
    }

    public InetSocketAddress peer() {
        return peer;
    }

    public Reply greeting() {
        return greeting;
    }

    public EhloExtensions extensions() {
        return extensions;
    }

    public boolean isTls() {
        return tls;
    }

    /** TLS at the verify level: the certificate chains to a trusted CA and names {@link #key()}'s peer name. */
    public boolean isVerified() {
        return verified;
    }

    /** What this connection was opened as; {@link ConnectionCache} lends it again only for the same. */
    public Key key() {
        return new Key(peer, peerName, settings);
    }

    public boolean isAuthenticated() {
        return authenticated;
    }

    /** Transactions started on this connection. */
    public int transactions() {
        return transactions;
    }
}
