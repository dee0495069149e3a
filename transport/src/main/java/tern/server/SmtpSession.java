package tern.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.address.Mailbox;
import tern.auth.Sasl;
import tern.dns.ReverseDnsCheck;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.header.HopCount;
import tern.header.ReceivedHeader;
import tern.header.SubmissionHeaders;
import tern.header.WithProtocol;
import tern.logging.MailLogLine;
import tern.maildir.Maildir;
import tern.queue.QueueId;
import tern.smtp.Command;
import tern.smtp.MailFrom;
import tern.smtp.RcptTo;
import tern.smtp.Replies;
import tern.smtp.Reply;
import tern.smtp.SmtpPhase;
import tern.smtp.SmtpRejection;
import tern.smtp.Verb;

/**
 * One inbound SMTP session: a state machine driven by the bytes the client sends.
 *
 * <p>Everything runs on the channel's event loop, in the order the bytes arrived, so with
 * PIPELINING the replies leave in command order by construction. The one thing that waits
 * is the spool commit at the end of a message: while it is in flight the session stops
 * reading ({@code autoRead} off) and leaves any pipelined input in its buffer, and picks up
 * where it stopped once the 250 (or 452) is written. Nothing here blocks the loop.
 *
 * <p>Line endings. Commands end with CRLF and nothing else; a command line carrying a bare CR
 * or LF is refused with 500 5.5.2. The message text is framed by {@link MessageText} (which
 * says why bare line ends are refused, not repaired) into a {@link MessageContent} (which
 * bounds the heap it takes and spills to disk).
 *
 * <p>Policy. Relaying needs a client in {@code relay.allowFrom}, an authenticated
 * client, or a recipient in {@code relay.domains}. A local part is never rerouted: one with
 * {@code %}, {@code !} or {@code @} for a local domain is refused (550 5.1.1) rather than read
 * as a percent hack or bang path, one Maildir cannot hold as a folder name is refused (550
 * 5.1.3). STARTTLS discards whatever plaintext the client pipelined behind it and forgets the
 * session (RFC 3207 4.2; CVE-2011-0411). AUTH is offered only under TLS or on loopback, and its
 * password check runs on a virtual thread, never on the event loop. The reverse-DNS verdict is
 * asked for at EHLO and awaited, if still unknown, at the end of the message for at most the DNS
 * timeout. A client that talks before the greeting, speaks HTTP, or collects
 * {@code server.maxErrors} error replies (4xx and 5xx) is dropped; clients in
 * {@code relay.allowFrom} are exempt from that limit and from {@code server.maxConnectionsPerClient}.
 */
final class SmtpSession extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);

    /**
     * The longest command line read, with its CRLF. RFC 5321 4.5.3.1.4 makes 512 octets the
     * least a server must accept and lets extensions raise it (SMTPUTF8 addresses, DSN and
     * SIZE parameters, an AUTH initial response); 2048 is Postfix's {@code line_length_limit}.
     * A longer line is answered 500 5.5.2 and the session closed at once: skipping to its end
     * would let a client that never sends CRLF keep the session reading for ever.
     */
    static final int MAX_COMMAND_LINE = 2048;
    /** The pipeline name of the TLS handler, in front of every other. */
    static final String TLS_HANDLER = "tern.tls";
    /** RFC 1035 2.3.4: a domain name is at most 255 octets; an EHLO argument no longer. */
    private static final int MAX_HELO_NAME = 255;

    /** What the next input bytes are. */
    private enum Input {
        COMMAND,
        DATA,
        CHUNK,
        /** A message is with the spool (or waits for the reverse-DNS verdict); input waits in the buffer. */
        COMMITTING,
        /** A password is being checked off the loop, or a failed AUTH's answer is held back. */
        AUTHENTICATING,
        CLOSED
    }


    private final InboundContext server;
    private final ListenerKind kind;
    private final MessageContent message;
    private final MessageText text;
    private final byte[] lineBytes = new byte[MAX_COMMAND_LINE];

    private ChannelHandlerContext ctx;
    private ByteBuf input;
    private Input mode = Input.COMMAND;
    private SmtpPhase phase = SmtpPhase.AWAITING_HELO;
    private boolean counted;

    private String clientAddress;
    private InetAddress clientInet;
    private boolean clientMayRelay;
    private boolean loopback;
    private boolean perClientCounted;
    private boolean greeted;
    /** The client closed its sending side: finish what is in hand, then close. */
    private boolean inputEnded;
    private int errors;
    private boolean tls;
    private String heloName;
    private boolean extended;
    private String authUser;
    private Sasl sasl;
    /** The reverse-DNS verdict for the current HELO name; null when reverse DNS is off. */
    private CompletableFuture<ReverseDnsCheck> reverseDns;

    // The mail transaction.
    private QueueId id;
    private MailFrom mail;
    private final LinkedHashMap<Mailbox, Recipient> recipients = new LinkedHashMap<>();
    private Instant arrival;
    /** A wait for message memory before the commit; cancelled if the session ends first. */
    private CompletableFuture<Long> memoryWait;
    /** A spilled message is being read back off the loop: its content is not ours to clear. */
    private boolean materializing;


    private long chunkRemaining;
    private boolean chunkLast;
    private Reply chunkRefusal;

    SmtpSession(InboundContext server) {
        this(server, ListenerKind.MTA);
    }

    SmtpSession(InboundContext server, ListenerKind kind) {
        this.server = server;
        this.kind = kind;
        this.tls = kind.implicitTls;
        this.message = new MessageContent(server.memory, server.spoolDirectory);
        this.text = new MessageText(message, server.maxMessageSize);
    }

    // ---- channel events ------------------------------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.fireChannelActive(); // first: Reactor's bridge turns autoRead off there, begin() turns it back on
        begin();
    }

    private void begin() {
        if (counted) {
            return;
        }
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        InetAddress address = remote.getAddress();
        clientAddress = address.getHostAddress();
        counted = true;
        if (server.connections.incrementAndGet() > server.maxConnections) {
            log.info("client={} refused: {} connections already", clientAddress, server.maxConnections);
            replyAndClose(Replies.TOO_MANY_CONNECTIONS);
            return;
        }
        server.sessions.add(this);
        if (server.shuttingDown()) {
            replyAndClose(Replies.SHUTTING_DOWN);
            return;
        }
        clientMayRelay = server.relay.mayRelay(address);
        // The clients of relay.allowFrom are our own (an application server with a pool of
        // connections, the office network): exempt from the per-client limit, as Postfix
        // exempts $mynetworks with smtpd_client_event_limit_exceptions. maxConnections still holds.
        if (!clientMayRelay) {
            if (!server.perClient.tryAcquire(clientAddress)) {
                log.info("client={} refused: {} connections from it already", clientAddress,
                        server.perClient.perAddress());
                replyAndClose(Replies.TOO_MANY_CONNECTIONS_FROM_ADDRESS);
                return;
            }
            perClientCounted = true;
        }
        clientInet = address;
        loopback = address.isLoopbackAddress();
        if (server.dns != null) {
            server.dns.ptr(address); // starts the PTR query now; the verdict at EHLO finds it cached or in flight
        }
        // Reading from the start: a client that talks before the greeting is caught in channelRead.
        ctx.channel().config().setAutoRead(true);
        if (server.greetingDelayMillis > 0) {
            ctx.executor().schedule(this::greet, server.greetingDelayMillis, TimeUnit.MILLISECONDS);
        } else {
            greet();
        }
    }

    private void greet() {
        if (mode == Input.CLOSED) {
            return;
        }
        greeted = true;
        reply(server.greeting);
        ctx.flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (mode == Input.CLOSED) {
            bytes.release();
            return;
        }
        if (!greeted) {
            // Postfix's postscreen "pregreet" test: a real client waits for the 220; a spam bot
            // that fires its commands blind does not.
            bytes.release();
            log.info("client={} talked before the greeting; dropped", clientAddress);
            replyAndClose(Replies.PREGREET);
            return;
        }
        input = input == null ? bytes : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), input, bytes);
        process();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        // A client that pipelines without reading its replies must not make us buffer them
        // without bound: stop reading until the replies have drained.
        if (!ctx.channel().isWritable() && mode != Input.CLOSED) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && (mode == Input.COMMAND || mode == Input.DATA || mode == Input.CHUNK)) {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        mode = Input.CLOSED;
        releaseInput();
        if (memoryWait != null) {
            server.memory.giveUp(memoryWait);
            memoryWait = null;
        }
        if (!materializing) {
            message.close(); // gives its memory back and deletes its spool file
        }
        if (counted) {
            counted = false;
            server.connections.decrementAndGet();
        }
        if (perClientCounted) {
            perClientCounted = false;
            server.perClient.release(clientAddress);
        }
        if (sasl != null) {
            sasl.reset();
        }
        server.sessions.remove(this);
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && mode != Input.COMMITTING && mode != Input.AUTHENTICATING
                && mode != Input.CLOSED) {
            log.info("{}client={} idle timeout", idPrefix(), clientAddress);
            replyAndClose(Replies.IDLE_TIMEOUT);
            return;
        }
        if (evt instanceof ChannelInputShutdownEvent) {
            // Reactor Netty allows half-closed connections; a client that has nothing more to say
            // gets the answers to what it sent (a message at the spool still gets its 250) and
            // then the close, instead of a session that waits for the idle timeout.
            inputEnded = true;
            closeIfInputEnded();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void closeIfInputEnded() {
        // A held-back AUTH answer is not worth waiting for (nor is it owed to a guesser); a 250 is.
        if (inputEnded && mode != Input.CLOSED && mode != Input.COMMITTING) {
            mode = Input.CLOSED;
            releaseInput();
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}client={} connection error: {}", idPrefix(), clientAddress, cause.toString());
        mode = Input.CLOSED;
        ctx.close();
    }

    /** Called on this session's event loop when the server shuts down. */
    void shutdown() {
        if (mode == Input.CLOSED || ctx == null) {
            return;
        }
        if (mode == Input.COMMITTING || mode == Input.AUTHENTICATING) {
            return; // committed() / authenticated() answer first, then say 421 and close
        }
        replyAndClose(Replies.SHUTTING_DOWN);
    }

    void runOnLoop(Runnable task) {
        if (ctx != null) {
            ctx.executor().execute(task);
        }
    }

    void forceClose() {
        if (ctx != null) {
            ctx.channel().close();
        }
    }

    // ---- the input loop --------------------------------------------------------------------

    private void process() {
        while (input != null && input.isReadable()) {
            boolean more = switch (mode) {
                case COMMAND -> readCommand();
                case DATA -> readData();
                case CHUNK -> readChunk();
                case COMMITTING, AUTHENTICATING, CLOSED -> false;
            };
            if (errors >= server.maxErrors && !clientMayRelay && mode != Input.CLOSED && mode != Input.COMMITTING) {
                log.info("{}client={} {} errors; dropped", idPrefix(), clientAddress, errors);
                replyAndClose(Replies.TOO_MANY_ERRORS);
                break;
            }
            if (!more) {
                break;
            }
        }
        if (input != null) {
            if (!input.isReadable()) {
                releaseInput();
            } else if (mode != Input.CLOSED) {
                input.discardSomeReadBytes();
            } else {
                releaseInput();
            }
        }
    }

    private void releaseInput() {
        if (input != null) {
            input.release();
            input = null;
        }
    }

    /** Reads one CRLF-terminated command line if it is all there. */
    private boolean readCommand() {
        ByteBuf b = input;
        int start = b.readerIndex();
        int available = b.readableBytes();
        int limit = start + Math.min(available, MAX_COMMAND_LINE);
        int lf = b.indexOf(start, limit, (byte) '\n');
        while (lf >= 0 && (lf == start || b.getByte(lf - 1) != '\r')) {
            lf = b.indexOf(lf + 1, limit, (byte) '\n'); // a bare LF is not a line end
        }
        if (lf < 0) {
            if (available >= MAX_COMMAND_LINE) {
                log.info("{}client={} command line longer than {} octets; dropped", idPrefix(), clientAddress,
                        MAX_COMMAND_LINE);
                abandonAuth();
                replyAndClose(Replies.LINE_TOO_LONG);
                return false;
            }
            return false;
        }
        int length = lf - 1 - start;
        b.getBytes(start, lineBytes, 0, length);
        b.readerIndex(lf + 1);
        boolean ascii = true;
        for (int i = 0; i < length; i++) {
            byte c = lineBytes[i];
            if (c == '\r' || c == '\n') {
                abandonAuth();
                reply(Replies.BARE_NEWLINE_IN_COMMAND);
                return true;
            }
            if (c == 0) {
                abandonAuth();
                reply(Replies.NUL_IN_COMMAND);
                return true;
            }
            if (c < 0) {
                ascii = false;
            }
        }
        String line;
        if (ascii) {
            line = new String(lineBytes, 0, length, StandardCharsets.ISO_8859_1);
        } else {
            try {
                line = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(lineBytes, 0, length)).toString();
            } catch (CharacterCodingException e) {
                abandonAuth();
                reply(Replies.SYNTAX_ERROR.withText("Command line is not valid UTF-8"));
                return true;
            }
        }
        if (sasl != null && sasl.inProgress()) {
            authStep(sasl.respond(line));
            return true;
        }
        Command command = Command.parse(line);
        if (command.verb() == null && isHttpRequest(line)) {
            log.info("client={} sent an HTTP request; dropped", clientAddress);
            replyAndClose(Replies.NOT_HTTP);
            return false;
        }
        handle(command);
        return true;
    }

    private static final String[] HTTP_METHODS = {
        "GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "CONNECT ", "OPTIONS ", "PATCH ", "TRACE "};

    /** A browser or a proxy abuser (cross-protocol requests): nothing an SMTP client says. */
    private static boolean isHttpRequest(String line) {
        for (String method : HTTP_METHODS) {
            if (line.startsWith(method)) {
                return true;
            }
        }
        return false;
    }

    private void abandonAuth() {
        if (sasl != null) {
            sasl.reset();
        }
    }

    // ---- commands --------------------------------------------------------------------------

    private void handle(Command command) {
        if (server.shuttingDown()) {
            replyAndClose(Replies.SHUTTING_DOWN);
            return;
        }
        Verb verb = command.verb();
        if (verb == null) {
            reply(Replies.UNKNOWN_COMMAND);
            return;
        }
        Reply refusal = verb.refusalIn(phase);
        if (refusal != null) {
            if (verb == Verb.BDAT) {
                discardChunk(command.argument(), refusal);
            } else {
                reply(refusal);
            }
            return;
        }
        String arg = command.argument();
        switch (verb) {
            case EHLO -> helo(arg, true);
            case HELO -> helo(arg, false);
            case MAIL -> mail(arg);
            case RCPT -> rcpt(arg);
            case DATA -> data(arg);
            case BDAT -> bdat(arg);
            case RSET -> {
                endTransaction();
                reply(Replies.RESET_OK);
            }
            case NOOP -> reply(Replies.NOOP_OK);
            case QUIT -> replyAndClose(Replies.BYE);
            case VRFY -> reply(arg.isEmpty() ? Replies.SYNTAX_ERROR.withText("Syntax: VRFY <address>") : Replies.VRFY_CANNOT);
            case HELP -> reply(Replies.HELP);
            // RFC 5321 3.5.3 and 7.3: EXPN may be disabled, and says so with 502; ETRN (RFC 1985)
            // has no queue to flush per client here: the queue runs by itself.
            case EXPN, ETRN -> reply(Replies.NOT_IMPLEMENTED);
            case AUTH -> auth(arg);
            case STARTTLS -> startTls(arg);
        }
    }

    private void helo(String arg, boolean ehlo) {
        if (arg.isEmpty()) {
            reply(Replies.SYNTAX_ERROR.withText(ehlo ? "Syntax: EHLO hostname" : "Syntax: HELO hostname"));
            return;
        }
        int space = arg.indexOf(' ');
        String name = space < 0 ? arg : arg.substring(0, space);
        if (name.length() > MAX_HELO_NAME) {
            reply(Replies.SYNTAX_ERROR.withText("Host name longer than 255 octets"));
            return;
        }
        for (int i = 0; i < arg.length(); i++) {
            char c = arg.charAt(i);
            if (c < 32 || c == 127) {
                reply(Replies.BAD_HELO_NAME);
                return;
            }
        }
        if (server.dns != null && (reverseDns == null || !name.equalsIgnoreCase(heloName))) {
            reverseDns = server.dns.verify(clientInet, name);
        }
        heloName = name;
        extended = ehlo;
        endTransaction(); // RFC 5321 4.1.4: EHLO resets like RSET
        reply(ehlo ? server.ehloReply(server.tls != null && !tls, authOffered()) : server.heloReply);
    }

    /** Credentials travel only under TLS, or over loopback where nobody can listen in. */
    private boolean authOffered() {
        return tls || loopback;
    }

    // ---- STARTTLS (RFC 3207) -----------------------------------------------------------------

    private void startTls(String arg) {
        if (tls) {
            reply(Replies.TLS_ALREADY_ACTIVE);
            return;
        }
        if (server.tls == null) {
            reply(Replies.NOT_IMPLEMENTED);
            return;
        }
        if (!arg.isEmpty()) {
            reply(Replies.SYNTAX_ERROR.withText("STARTTLS takes no argument"));
            return;
        }
        reply(Replies.READY_FOR_TLS);
        ctx.flush(); // the 220 goes out in plaintext, below the TLS handler added next
        // Whatever the client sent after STARTTLS in plaintext is dropped unread: executed
        // after the handshake, it would pass as sent under TLS (CVE-2011-0411).
        int pipelined = input.readableBytes();
        if (pipelined > 0) {
            log.info("client={} pipelined {} plaintext octets after STARTTLS; discarded", clientAddress, pipelined);
            input.skipBytes(pipelined);
        }
        ctx.pipeline().addFirst(TLS_HANDLER, server.tls.newHandler(ctx.alloc()));
        tls = true;
        // RFC 3207 4.2: the client must start over with EHLO; nothing learned before counts.
        heloName = null;
        extended = false;
        authUser = null;
        abandonAuth();
        reverseDns = null;
        endTransaction();
    }

    // ---- AUTH (RFC 4954) ----------------------------------------------------------------------

    private void auth(String arg) {
        if (authUser != null) {
            reply(Replies.AUTH_ALREADY);
            return;
        }
        if (!authOffered()) {
            reply(Replies.ENCRYPTION_REQUIRED);
            return;
        }
        int space = arg.indexOf(' ');
        String mechanism = space < 0 ? arg : arg.substring(0, space);
        String initial = space < 0 ? null : arg.substring(space + 1);
        if (sasl == null) {
            sasl = new Sasl();
        }
        authStep(sasl.start(mechanism, initial));
    }

    private void authStep(Sasl.Step step) {
        switch (step) {
            case Sasl.Step.Challenge c -> reply(c.reply());
            case Sasl.Step.Refused r when r.reason() == Sasl.Reason.FAILED -> checked(null, false, 0);
            case Sasl.Step.Refused r -> reply(r.reply());
            case Sasl.Step.Credentials c -> verify(c);
        }
    }

    /** The password check runs on a virtual thread; its answer comes back to this loop. */
    private void verify(Sasl.Step.Credentials credentials) {
        mode = Input.AUTHENTICATING;
        ctx.channel().config().setAutoRead(false);
        long started = System.nanoTime();
        Thread.ofVirtual().name("auth-check").start(() -> {
            boolean ok = false;
            try {
                // A login verified a moment ago costs one HMAC; a cold one a key derivation,
                // and only authSlots of those run at once, whatever the number of clients.
                ok = server.users.verifiedRecently(credentials.user(), credentials.password());
                if (!ok) {
                    server.authSlots.acquire();
                    try {
                        ok = server.users.verify(credentials.user(), credentials.password());
                    } finally {
                        server.authSlots.release();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.warn("client={} AUTH check failed: {}", clientAddress, e.toString());
            } finally {
                credentials.erase();
            }
            boolean verified = ok;
            try {
                ctx.executor().execute(() -> checked(credentials.user(), verified, started));
            } catch (RejectedExecutionException e) {
                // the loop is gone: so is the session
            }
        });
    }

    /**
     * Answers an AUTH attempt, but not before the throttle's delay for this address has passed
     * since the attempt began: a success is held back as long as a failure, or a guesser could
     * stop waiting once the delay showed the answer was no.
     */
    private void checked(String user, boolean ok, long startedNanos) {
        if (mode == Input.CLOSED) {
            return;
        }
        long delay = server.authThrottle.delayFor(clientAddress).toNanos()
                - (startedNanos == 0 ? 0 : System.nanoTime() - startedNanos);
        if (!ok) {
            server.authThrottle.failed(clientAddress);
        }
        if (delay > 0) {
            mode = Input.AUTHENTICATING;
            ctx.channel().config().setAutoRead(false);
            ctx.executor().schedule(() -> answerAuth(user, ok), delay, TimeUnit.NANOSECONDS);
        } else {
            answerAuth(user, ok);
        }
    }

    private void answerAuth(String user, boolean ok) {
        if (mode == Input.CLOSED) {
            return;
        }
        boolean wasWaiting = mode == Input.AUTHENTICATING;
        mode = Input.COMMAND;
        if (ok) {
            server.authThrottle.succeeded(clientAddress);
            authUser = user;
            log.info("client={} authenticated as {}", clientAddress, user);
            reply(Replies.AUTH_SUCCEEDED);
        } else {
            log.info("client={} AUTH failed{}", clientAddress, user == null ? "" : " for " + user);
            reply(Replies.AUTH_FAILED);
        }
        if (!wasWaiting) {
            return; // answered inline from process(), which goes on by itself
        }
        resumeReading();
    }

    private void mail(String arg) {
        if (kind.requiresAuth && authUser == null) {
            reply(Replies.AUTH_REQUIRED);
            return;
        }
        MailFrom parsed;
        try {
            parsed = MailFrom.parse(arg);
        } catch (SmtpRejection e) {
            reply(e.reply());
            return;
        }
        if (parsed.declaredSize() > server.maxMessageSize) {
            reply(Replies.MESSAGE_TOO_LARGE);
            return;
        }
        mail = parsed;
        id = server.ids.next();
        phase = SmtpPhase.MAIL_GIVEN;
        reply(Replies.SENDER_OK);
    }

    private void rcpt(String arg) {
        Recipient recipient;
        try {
            recipient = RcptTo.parse(arg, mail.smtpUtf8(), server.postmasterDomain);
        } catch (SmtpRejection e) {
            reply(e.reply());
            return;
        }
        Mailbox address = recipient.address();
        List<Recipient> accepted = List.of(recipient); // or what domains.recipients rewrites it to
        if (server.relay.isLocal(address.domain())) {
            Reply refusal = localPartRefusal(address);
            if (refusal == null && server.localRecipients != null
                    && (accepted = server.localRecipients.accept(recipient)).isEmpty()) {
                refusal = Replies.UNKNOWN_LOCAL_RECIPIENT;
            }
            if (refusal != null) {
                log.info("{}: client={} rcpt=<{}> refused: {}", id, clientAddress, address, refusal);
                reply(refusal);
                return;
            }
        } else if (!server.relay.accepts(address, clientMayRelay || authUser != null)) {
            log.info("{}: client={} rcpt=<{}> relay denied", id, clientAddress, address);
            reply(Replies.RELAY_DENIED);
            return;
        }
        if (accepted.stream().allMatch(r -> recipients.containsKey(r.address()))) {
            reply(Replies.RECIPIENT_OK); // a duplicate is accepted and recorded once
            return;
        }
        if (recipients.size() >= server.maxRecipients) {
            reply(Replies.TOO_MANY_RECIPIENTS);
            return;
        }
        accepted.forEach(r -> recipients.putIfAbsent(r.address(), r));
        phase = SmtpPhase.RCPT_GIVEN;
        reply(Replies.RECIPIENT_OK);
    }

    /**
     * A local part is delivered as it is or not at all. The characters older MTAs read as
     * routing ({@code user%remote}, {@code remote!user}, a quoted {@code "user@remote"}) are
     * refused, not stored as a folder of that name: nobody has such a mailbox, and refusing
     * tells the sender at once instead of leaving mail in a folder no one reads.
     */
    private static Reply localPartRefusal(Mailbox address) {
        if (!Maildir.isDeliverable(address)) {
            return Replies.BAD_MAILBOX_NAME;
        }
        String local = address.localPart();
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c == '%' || c == '!' || c == '@') {
                return Replies.NO_SUCH_USER;
            }
        }
        return null;
    }

    private void data(String arg) {
        if (!arg.isEmpty()) {
            reply(Replies.SYNTAX_ERROR.withText("DATA takes no argument"));
            return;
        }
        if (mail.body() == Body.BINARY_MIME) {
            reply(Replies.BINARYMIME_NEEDS_BDAT); // RFC 3030 3
            return;
        }
        startMessage(true);
        mode = Input.DATA;
        reply(Replies.START_MAIL_INPUT);
    }

    private void bdat(String arg) {
        long size = chunkSize(arg);
        if (size < 0) {
            reply(Replies.SYNTAX_ERROR.withText("Syntax: BDAT size [LAST]"));
            return;
        }
        if (phase == SmtpPhase.RCPT_GIVEN) {
            startMessage(false);
            phase = SmtpPhase.CHUNKING;
        }
        chunkRemaining = size;
        chunkLast = arg.indexOf(' ') > 0; // chunkSize() allowed nothing but LAST there
        chunkRefusal = null;
        mode = Input.CHUNK;
        if (size == 0) {
            endOfChunk();
        }
    }

    /** A BDAT that is refused still sends its chunk; RFC 3030 2 says to read and drop it. */
    private void discardChunk(String arg, Reply refusal) {
        long size = chunkSize(arg);
        if (size < 0) {
            reply(Replies.SYNTAX_ERROR.withText("Syntax: BDAT size [LAST]"));
            return;
        }
        chunkRemaining = size;
        chunkLast = false;
        chunkRefusal = refusal;
        mode = Input.CHUNK;
        if (size == 0) {
            endOfChunk();
        }
    }

    /** "size" or "size LAST"; -1 when malformed. */
    private static long chunkSize(String arg) {
        int space = arg.indexOf(' ');
        String digits = space < 0 ? arg : arg.substring(0, space);
        if (space >= 0 && !arg.substring(space + 1).trim().equalsIgnoreCase("LAST")) {
            return -1;
        }
        if (digits.isEmpty() || digits.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    // ---- message content -----------------------------------------------------------------

    private void startMessage(boolean dotStuffed) {
        arrival = server.clock.instant();
        message.begin(id);
        // The Received header is written at the end, once the reverse-DNS verdict is in.
        text.start(dotStuffed);
    }

    private boolean readData() {
        if (!text.readData(input)) {
            return false;
        }
        mode = Input.COMMAND;
        finishMessage();
        return true;
    }

    /**
     * Consumes BDAT chunk bytes. Chunks are taken as they are (RFC 3030: no dot-stuffing);
     * unless the body is BINARYMIME, their lines are checked like DATA lines.
     */
    private boolean readChunk() {
        ByteBuf b = input;
        int n = (int) Math.min(chunkRemaining, b.readableBytes());
        int start = b.readerIndex();
        if (chunkRefusal == null) {
            text.chunk(b, start, n, mail.body() != Body.BINARY_MIME);
        }
        b.readerIndex(start + n);
        chunkRemaining -= n;
        if (chunkRemaining == 0) {
            endOfChunk();
            return true;
        }
        return false;
    }

    private void endOfChunk() {
        mode = Input.COMMAND;
        if (chunkRefusal != null) {
            Reply refusal = chunkRefusal;
            chunkRefusal = null;
            reply(refusal);
            return;
        }
        if (text.tooLarge()) {
            // RFC 3030 2: a failed chunk fails the transaction; later chunks meet 503 and are dropped.
            reply(Replies.MESSAGE_TOO_LARGE);
            endTransaction();
            return;
        }
        if (chunkLast) {
            text.lastChunkEnded(mail.body() != Body.BINARY_MIME);
            finishMessage();
            return;
        }
        reply(Replies.CHUNK_RECEIVED.withText(chunkReceivedText()));
    }

    private String chunkReceivedText() {
        return "Ok, " + message.length() + " octets received";
    }

    // ---- the end of a message ----------------------------------------------------------------

    private void finishMessage() {
        Reply refusal = text.refusal();
        if (refusal != null) {
            log.info("{}: client={} message refused: {}", id, clientAddress, refusal);
            reply(refusal);
            endTransaction();
            return;
        }
        CompletableFuture<ReverseDnsCheck> verdict = reverseDns;
        if (verdict == null || verdict.isDone()) {
            commit(verdict == null ? null : verdictNow(verdict));
            return;
        }
        // Slow DNS: the message waits (input too), never the loop, and never longer than a query's timeout.
        mode = Input.COMMITTING;
        ctx.channel().config().setAutoRead(false);
        verdict.copy().completeOnTimeout(ReverseDnsCheck.FAILED, server.dnsTimeoutMillis, TimeUnit.MILLISECONDS)
                .whenComplete((v, e) -> {
                    try {
                        ctx.executor().execute(() -> {
                            if (mode == Input.COMMITTING) {
                                commit(e != null || v == null ? ReverseDnsCheck.FAILED : v);
                            }
                        });
                    } catch (RejectedExecutionException gone) {
                        // the session is gone, and the message was never acknowledged
                    }
                });
    }

    private static ReverseDnsCheck verdictNow(CompletableFuture<ReverseDnsCheck> verdict) {
        return verdict.isCompletedExceptionally() ? ReverseDnsCheck.FAILED : verdict.join();
    }

    private static String annotation(ReverseDnsCheck check) {
        return check == null ? null : switch (check.verdict()) {
            case VERIFIED -> null;
            case UNVERIFIED -> "unverified";
            case FAILED -> "RDNS failed";
        };
    }

    /**
     * Builds the envelope and the Received field, then makes the message one array (the
     * journal stores one). A message in memory is copied at once; a spilled one waits for
     * {@link MessageMemory} to have room for it, reading nothing meanwhile, and is read back
     * from its spool file off the event loop.
     */
    private void commit(ReverseDnsCheck verdict) {
        QueueId queueId = id;
        List<Recipient> rcpts = List.copyOf(recipients.values());
        Envelope envelope = new Envelope(queueId, mail.reversePath(), rcpts, mail.body(),
                mail.smtpUtf8(), mail.ret(), mail.envId(), mail.declaredSize(), clientAddress, heloName, arrival);
        WithProtocol with = WithProtocol.of(extended, tls, authUser != null, mail.smtpUtf8());
        byte[] header = ReceivedHeader.of(heloName, verdict == null ? null : verdict.confirmedName(), clientAddress,
                annotation(verdict), server.fqdn, with, queueId, rcpts, arrival).bytes();
        endTransaction(false); // the content stays until it is one array
        mode = Input.COMMITTING;
        ctx.channel().config().setAutoRead(false);
        long size = header.length + message.length();
        if (!message.spilled()) {
            // Small and in memory: copied at once (see MessageMemory.takeNow), never queued.
            server.memory.takeNow(size);
            byte[] bytes;
            try {
                bytes = message.toArray(header);
            } catch (java.io.IOException e) {
                bytes = null;
            }
            message.clear();
            store(envelope, bytes, header.length, size);
            return;
        }
        CompletableFuture<Long> wait = server.memory.reserve(size);
        memoryWait = wait;
        wait.whenComplete((amount, error) -> {
            if (error != null) {
                return; // given up: the session ended while it waited
            }
            try {
                ctx.executor().execute(() -> memoryGranted(wait, envelope, header, amount));
            } catch (RejectedExecutionException e) {
                server.memory.release(amount);
            }
        });
    }

    private void memoryGranted(CompletableFuture<Long> wait, Envelope envelope, byte[] header, long reserved) {
        if (memoryWait != wait) {
            return; // given up in channelInactive, which gave the bytes back
        }
        memoryWait = null;
        if (mode != Input.COMMITTING) {
            server.memory.release(reserved);
            return;
        }
        materializing = true;
        Thread.ofVirtual().name("spool-read").start(() -> {
            byte[] bytes;
            try {
                bytes = message.toArray(header);
            } catch (java.io.IOException | RuntimeException e) {
                log.warn("{}: spool file could not be read: {}", envelope.id(), e.toString());
                bytes = null;
            }
            byte[] read = bytes;
            try {
                ctx.executor().execute(() -> {
                    materializing = false;
                    if (mode != Input.COMMITTING) {
                        message.close(); // the session ended meanwhile
                        server.memory.release(reserved);
                        return;
                    }
                    message.clear();
                    store(envelope, read, header.length, reserved);
                });
            } catch (RejectedExecutionException e) {
                server.memory.release(reserved);
            }
        });
    }

    /** Checks the hop count and hands the message to the spool; 250 or 452 follows in {@link #committed}. */
    private void store(Envelope envelope, byte[] bytes, int headerLength, long reserved) {
        Reply refusal = bytes == null ? Replies.JOURNAL_UNAVAILABLE : null;
        if (refusal == null) {
            int hops = HopCount.count(bytes, headerLength, bytes.length - headerLength);
            if (HopCount.exceeds(hops, server.maxHopCount)) {
                refusal = Replies.TOO_MANY_HOPS;
            }
        }
        if (refusal != null) {
            server.memory.release(reserved);
            log.info("{}: client={} message refused: {}", envelope.id(), clientAddress, refusal);
            mode = Input.COMMAND;
            reply(refusal);
            resumeReading();
            return;
        }
        // Our own users' mail only, never relayed mail: complete its header, then sign it,
        // once, before the journal has it (a retry reads the signed bytes back).
        byte[] toJournal = clientMayRelay || authUser != null
                ? server.dkim.sign(SubmissionHeaders.complete(bytes, envelope.id(), server.fqdn, envelope.arrival()),
                        envelope.arrival())
                : bytes;
        CompletionStage<Void> stored;
        try {
            stored = server.spool.accept(envelope, toJournal);
        } catch (RuntimeException e) {
            stored = CompletableFuture.failedFuture(e);
        }
        int size = bytes.length;
        // Always hop back through the event loop, also when the stage is already complete,
        // so that committed() never runs inside process() further up this stack.
        stored.whenComplete((ok, failure) -> {
            // The journal has the bytes now (or never will); what keeps them in memory from
            // here on is the queue's business, not this session's.
            server.memory.release(reserved);
            try {
                ctx.executor().execute(() -> committed(envelope, toJournal.length, failure));
            } catch (RejectedExecutionException e) {
                log.warn("{}: stored, but the session was gone before it could answer", envelope.id());
            }
        });
    }

    private void committed(Envelope envelope, int size, Throwable failure) {
        if (mode == Input.CLOSED) {
            return;
        }
        mode = Input.COMMAND;
        if (failure == null) {
            MailLogLine.about(envelope.id()).field("client", clientAddress).address("from", envelope.reversePath())
                    .field("size", size).field("nrcpt", envelope.recipients().size()).status("queued").info(log);
            reply(Replies.QUEUED.withText("Ok: queued as " + envelope.id()));
        } else {
            log.warn("{}: client={} spool refused the message: {}", envelope.id(), clientAddress, failure.toString());
            reply(Replies.JOURNAL_UNAVAILABLE);
        }
        resumeReading();
    }

    private void endTransaction() {
        endTransaction(true);
    }

    private void endTransaction(boolean dropContent) {
        id = null;
        mail = null;
        recipients.clear();
        if (dropContent) {
            message.clear();
        }
        phase = heloName == null ? SmtpPhase.AWAITING_HELO : SmtpPhase.READY;
    }

    // ---- output -------------------------------------------------------------------------------

    /** Queued until the end of this read (or a commit), so a pipelined batch goes out in one write. */
    private void reply(Reply reply) {
        if (countsAsError(reply)) {
            errors++;
        }
        String wire = reply.wire();
        ByteBuf out = ctx.alloc().buffer(wire.length() + 8);
        ByteBufUtil.writeUtf8(out, wire);
        ctx.write(out);
    }

    /**
     * Every 4xx and 5xx reply counts toward {@code server.maxErrors}, except 452 "too many
     * recipients": a client with a long recipient list is told to send the rest in another
     * transaction, which is not an error of its making (Postfix lets it overshoot too).
     */
    private static boolean countsAsError(Reply reply) {
        return reply.code() >= 400 && reply != Replies.TOO_MANY_RECIPIENTS;
    }

    private void replyAndClose(Reply reply) {
        reply(reply);
        mode = Input.CLOSED;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private String idPrefix() {
        return id == null ? "" : id + ": ";
    }

    /** After a wait (the spool, a verdict): answer 421 if the server is stopping, else go on with the input held back. */
    private void resumeReading() {
        if (server.shuttingDown()) {
            replyAndClose(Replies.SHUTTING_DOWN);
            return;
        }
        ctx.channel().config().setAutoRead(true);
        process();
        ctx.flush();
        closeIfInputEnded();
    }
}
