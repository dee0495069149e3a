package tern.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.EventExecutor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.dns.ReverseDnsCheck;
import tern.envelope.Body;
import tern.envelope.Recipient;
import tern.header.WithProtocol;
import tern.smtp.Command;
import tern.smtp.MailFrom;
import tern.smtp.RcptTo;
import tern.smtp.Replies;
import tern.smtp.Reply;
import tern.smtp.SmtpPhase;
import tern.smtp.SmtpRejection;
import tern.smtp.Verb;

/**
 * The SMTP conversation: one method per verb, each allowed or refused first by {@link Verb}'s
 * sequencing table. It owns where the session stands ({@link SmtpPhase}, the HELO name, TLS,
 * the open {@link Transaction}) and the replies; the bytes come cut up by {@link SmtpFramer},
 * and a message's text goes to {@link MessageAssembler}, which answers its end.
 *
 * <p>Who may relay is {@link RecipientCheck}'s question. STARTTLS discards whatever plaintext
 * the client pipelined behind it and forgets the session (RFC 3207 4.2; CVE-2011-0411). AUTH
 * ({@link Authentication}) is offered only under TLS or on loopback. The reverse-DNS verdict is
 * asked for at EHLO. A client that speaks HTTP or collects {@code server.maxErrors} error
 * replies (4xx and 5xx) is dropped; clients in {@code relay.allowFrom} are exempt from that limit.
 */
final class SmtpProtocol extends ChannelInboundHandlerAdapter {

    static final String NAME = "tern.smtp";
    /** The pipeline name of the TLS handler, in front of every other. */
    static final String TLS_HANDLER = "tern.tls";
    private static final Logger log = LoggerFactory.getLogger(SmtpProtocol.class);

    private final InboundContext server;
    private final ListenerKind kind;
    private ChannelHandlerContext ctx;
    private SmtpFramer framer;
    private MessageAssembler assembler;
    private Authentication auth;

    private Client client;
    private SmtpPhase phase = SmtpPhase.AWAITING_HELO;
    private SessionReplies replies;
    private boolean tls;
    private String heloName;
    private boolean extended;
    /** The reverse-DNS verdict for the current HELO name; null when reverse DNS is off. */
    private CompletableFuture<ReverseDnsCheck> reverseDns;
    private Transaction transaction;
    /** Why the BDAT chunk being read is refused; answered once it is read (RFC 3030 2). */
    private Reply chunkRefusal;
    private boolean chunkLast;

    SmtpProtocol(InboundContext server, ListenerKind kind) {
        this.server = server;
        this.kind = kind;
        this.tls = kind.implicitTls;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** The neighbours are all in the pipeline by now (they are added one by one, in any order). */
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        framer = ctx.pipeline().get(SmtpFramer.class);
        assembler = ctx.pipeline().get(MessageAssembler.class);
        auth = new Authentication(server, this, framer);
        replies = new SessionReplies(ctx, server.replies);
        ctx.fireChannelActive();
    }

    Client client() {
        return client;
    }

    EventExecutor executor() {
        return ctx.executor();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Admission.Admitted admitted) {
            client = admitted.client();
            if (framer.mode() != SmtpFramer.Input.CLOSED) {
                reply(server.greeting);
                ctx.flush();
            }
            return;
        }
        if (evt instanceof IdleStateEvent && client != null) {
            SmtpFramer.Input mode = framer.mode();
            if (mode != SmtpFramer.Input.COMMITTING && mode != SmtpFramer.Input.AUTHENTICATING
                    && mode != SmtpFramer.Input.CLOSED) {
                log.info("{}client={} idle timeout", idPrefix(), client.text());
                replyAndClose(Replies.IDLE_TIMEOUT);
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof SmtpFramer.Framed framed)) {
            ctx.fireChannelRead(msg);
            return;
        }
        switch (framed) {
            case SmtpFramer.Line line -> line(line.text());
            case SmtpFramer.BadLine bad -> badLine(bad);
            case SmtpFramer.DataEnded ignored -> finishMessage();
            case SmtpFramer.ChunkEnded ignored -> endOfChunk();
        }
        SmtpFramer.Input mode = framer.mode();
        if (replies.errors() >= server.maxErrors && !client.mayRelay() && mode != SmtpFramer.Input.CLOSED
                && mode != SmtpFramer.Input.COMMITTING) {
            log.info("{}client={} {} errors; dropped", idPrefix(), client.text(), replies.errors());
            replyAndClose(Replies.TOO_MANY_ERRORS);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}client={} connection error: {}", idPrefix(), client == null ? null : client.text(), cause.toString());
        if (framer != null) {
            framer.stop();
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (auth != null) {
            auth.closed();
        }
        ctx.fireChannelInactive();
    }

    /** Called on this session's event loop when the server shuts down. */
    void shutdown() {
        if (client == null || framer.mode() == SmtpFramer.Input.CLOSED) {
            return;
        }
        SmtpFramer.Input mode = framer.mode();
        if (mode == SmtpFramer.Input.COMMITTING || mode == SmtpFramer.Input.AUTHENTICATING) {
            return; // the commit's or the check's answer first, then 421 and close
        }
        replyAndClose(Replies.SHUTTING_DOWN);
    }

    private void badLine(SmtpFramer.BadLine bad) {
        auth.abandon();
        if (bad.fatal()) {
            log.info("{}client={} command line longer than {} octets; dropped", idPrefix(), client.text(),
                    SmtpFramer.MAX_COMMAND_LINE);
            replyAndClose(bad.reply());
        } else {
            reply(bad.reply());
        }
    }

    private void line(String line) {
        if (auth.inProgress()) {
            auth.respond(line);
            return;
        }
        Command command = Command.parse(line);
        if (command.verb() == null && Admission.isHttpRequest(line)) {
            log.info("client={} sent an HTTP request; dropped", client.text());
            replyAndClose(Replies.NOT_HTTP);
            return;
        }
        handle(command);
    }

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
        String arg = command.argument();
        if (refusal != null) {
            if (verb == Verb.BDAT) {
                bdat(arg, refusal);
            } else {
                reply(refusal);
            }
            return;
        }
        switch (verb) {
            case EHLO -> helo(arg, true);
            case HELO -> helo(arg, false);
            case MAIL -> mail(arg);
            case RCPT -> rcpt(arg);
            case DATA -> data(arg);
            case BDAT -> bdat(arg, null);
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
            case AUTH -> auth.start(arg, authOffered());
            case STARTTLS -> startTls(arg);
        }
    }

    private void helo(String arg, boolean ehlo) {
        Reply refusal = HeloArgument.refusal(arg, ehlo);
        if (refusal != null) {
            reply(refusal);
            return;
        }
        String name = HeloArgument.name(arg);
        if (server.dns != null && (reverseDns == null || !name.equalsIgnoreCase(heloName))) {
            reverseDns = server.dns.verify(client.address(), name);
        }
        heloName = name;
        extended = ehlo;
        endTransaction(); // RFC 5321 4.1.4: EHLO resets like RSET
        reply(ehlo ? server.ehloReply(server.tls != null && !tls, authOffered()) : server.heloReply);
    }

    /** Credentials travel only under TLS, or over loopback where nobody can listen in. */
    private boolean authOffered() {
        return tls || client.loopback();
    }

    /** RFC 3207. */
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
        int pipelined = framer.discardPipelined();
        if (pipelined > 0) {
            log.info("client={} pipelined {} plaintext octets after STARTTLS; discarded", client.text(), pipelined);
        }
        ctx.pipeline().addFirst(TLS_HANDLER, server.tls.newHandler(ctx.alloc()));
        tls = true;
        // RFC 3207 4.2: the client must start over with EHLO; nothing learned before counts.
        heloName = null;
        extended = false;
        auth.forget();
        reverseDns = null;
        endTransaction();
    }

    private void mail(String arg) {
        if (kind.requiresAuth && auth.user() == null) {
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
        transaction = new Transaction(server.ids.next(), parsed);
        phase = SmtpPhase.MAIL_GIVEN;
        reply(Replies.SENDER_OK);
    }

    private void rcpt(String arg) {
        Recipient recipient;
        try {
            recipient = RcptTo.parse(arg, transaction.mail().smtpUtf8(), server.postmasterDomain);
        } catch (SmtpRejection e) {
            reply(e.reply());
            return;
        }
        List<Recipient> accepted;
        switch (RecipientCheck.check(server, recipient, client.mayRelay() || auth.user() != null)) {
            case RecipientCheck.Refused refused -> {
                log.info("{}: client={} rcpt=<{}> {}", transaction.id(), client.text(), recipient.address(), refused.why());
                reply(refused.reply());
                return;
            }
            case RecipientCheck.Accepted ok -> accepted = ok.recipients();
        }
        if (transaction.hasAll(accepted)) {
            reply(Replies.RECIPIENT_OK); // a duplicate is accepted and recorded once
            return;
        }
        if (transaction.recipients().size() >= server.maxRecipients) {
            reply(Replies.TOO_MANY_RECIPIENTS);
            return;
        }
        for (Recipient r : accepted) {
            transaction.recipients().putIfAbsent(r.address(), r);
        }
        phase = SmtpPhase.RCPT_GIVEN;
        reply(Replies.RECIPIENT_OK);
    }

    private void data(String arg) {
        if (!arg.isEmpty()) {
            reply(Replies.SYNTAX_ERROR.withText("DATA takes no argument"));
            return;
        }
        if (transaction.mail().body() == Body.BINARY_MIME) {
            reply(Replies.BINARYMIME_NEEDS_BDAT); // RFC 3030 3
            return;
        }
        framer.expectData(assembler.begin(transaction.id(), true));
        reply(Replies.START_MAIL_INPUT);
    }

    /** {@code refusal} non-null: the chunk is still read (RFC 3030 2 says to read and drop it), then refused. */
    private void bdat(String arg, Reply refusal) {
        BdatCommand bdat = BdatCommand.parse(arg);
        if (bdat == null) {
            reply(Replies.SYNTAX_ERROR.withText("Syntax: BDAT size [LAST]"));
            return;
        }
        long size = bdat.size();
        if (refusal == null && phase == SmtpPhase.RCPT_GIVEN) {
            assembler.begin(transaction.id(), false);
            phase = SmtpPhase.CHUNKING;
        }
        chunkLast = refusal == null && bdat.last();
        chunkRefusal = refusal;
        framer.expectChunk(size, refusal == null ? assembler.text() : null,
                refusal == null && transaction.mail().body() != Body.BINARY_MIME);
        if (size == 0) {
            framer.expectCommand();
            endOfChunk();
        }
    }

    private void endOfChunk() {
        if (chunkRefusal != null) {
            Reply refusal = chunkRefusal;
            chunkRefusal = null;
            reply(refusal);
            return;
        }
        if (assembler.text().tooLarge()) {
            // RFC 3030 2: a failed chunk fails the transaction; later chunks meet 503 and are dropped.
            reply(Replies.MESSAGE_TOO_LARGE);
            endTransaction();
            return;
        }
        if (chunkLast) {
            assembler.text().lastChunkEnded(transaction.mail().body() != Body.BINARY_MIME);
            finishMessage();
            return;
        }
        reply(Replies.CHUNK_RECEIVED.withText("Ok, " + assembler.length() + " octets received"));
    }

    /** The message is read: the assembler checks, stores and answers it; the transaction is over. */
    private void finishMessage() {
        Transaction finished = transaction;
        MailFrom mail = finished.mail();
        String user = auth.user();
        var sender = new MessageAssembler.Sender(client, heloName,
                WithProtocol.of(extended, tls, user != null, mail.smtpUtf8()), client.mayRelay() || user != null,
                reverseDns);
        transaction = null;
        phase = heloName == null ? SmtpPhase.AWAITING_HELO : SmtpPhase.READY;
        assembler.finish(finished, sender);
    }

    private void endTransaction() {
        transaction = null;
        assembler.drop();
        phase = heloName == null ? SmtpPhase.AWAITING_HELO : SmtpPhase.READY;
    }

    /** Queued until the end of this read (or a commit), so a pipelined batch goes out in one write. */
    void reply(Reply reply) {
        replies.send(reply);
    }

    void replyAndClose(Reply reply) {
        reply(reply);
        framer.closeAfterFlush();
    }

    private String idPrefix() {
        return transaction == null ? "" : transaction.id() + ": ";
    }

    /** After a wait (the spool, a verdict, a password check): 421 if the server is stopping, else read on. */
    void resumeReading() {
        if (server.shuttingDown()) {
            replyAndClose(Replies.SHUTTING_DOWN);
            return;
        }
        framer.resume();
    }
}
