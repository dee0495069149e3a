package tern.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.dns.ReverseDnsCheck;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.header.HopCount;
import tern.header.ReceivedHeader;
import tern.header.SubmissionHeaders;
import tern.header.WithProtocol;
import tern.logging.MailLogLine;
import tern.queue.QueueId;
import tern.smtp.Replies;
import tern.smtp.Reply;

/**
 * A message from its first byte to its 250: the content (in memory while small, spilled to a
 * spool file beyond, both bounded by {@link MessageMemory}), and at its end the checks and the
 * commit: the size cap and the line rules ({@link MessageText}), the reverse-DNS verdict, the
 * Received field, the hop count, DKIM for our own users' mail, and the journal. Only once the
 * journal has the message does the client hear "250 2.0.0 Ok: queued as ID".
 *
 * <p>While a message is being committed the session reads nothing (the framer holds its
 * input); nothing here blocks the event loop: a slow verdict, a wait for memory and the read
 * of a spilled message back all come back to the loop as tasks.
 */
final class MessageAssembler extends ChannelInboundHandlerAdapter {

    static final String NAME = "tern.message";
    private static final Logger log = LoggerFactory.getLogger(MessageAssembler.class);

    /**
     * What the rest of the session knows about the message's sender, for its envelope and
     * Received field.
     *
     * @param ownUser    a client of {@code relay.allowFrom} or an authenticated one: its mail is
     *                   completed (Message-ID, Date) and DKIM-signed
     * @param reverseDns the verdict asked for at EHLO; null when reverse DNS is off
     */
    record Sender(Client client, String heloName, WithProtocol with, boolean ownUser,
                  CompletableFuture<ReverseDnsCheck> reverseDns) {
    }

    private final InboundContext server;
    private ChannelHandlerContext ctx;
    private SmtpProtocol session;
    private SmtpFramer framer;
    /** Made at the first message: a connection that sends none costs none. */
    private MessageContent message;
    private MessageText text;
    private Instant arrival;
    /** A wait for message memory before the commit; cancelled if the session ends first. */
    private CompletableFuture<Long> memoryWait;
    /** A spilled message is being read back off the loop: its content is not ours to clear. */
    private boolean materializing;

    MessageAssembler(InboundContext server) {
        this.server = server;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** The neighbours are all in the pipeline by now (they are added one by one, in any order). */
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        session = ctx.pipeline().get(SmtpProtocol.class);
        framer = ctx.pipeline().get(SmtpFramer.class);
        ctx.fireChannelActive();
    }

    /** A new message's text starts; what framed it goes into {@link #text}. */
    MessageText begin(QueueId id, boolean dotStuffed) {
        if (message == null) {
            message = new MessageContent(server.memory, server.spoolDirectory);
            text = new MessageText(message, server.maxMessageSize);
        }
        arrival = server.clock.instant();
        message.begin(id);
        // The Received header is written at the end, once the reverse-DNS verdict is in.
        text.start(dotStuffed);
        return text;
    }

    MessageText text() {
        return text;
    }

    long length() {
        return message.length();
    }

    /** The transaction ended without a message (RSET, EHLO, a failed chunk). */
    void drop() {
        if (message != null) {
            message.clear();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (memoryWait != null) {
            server.memory.giveUp(memoryWait);
            memoryWait = null;
        }
        if (message != null && !materializing) {
            message.close(); // gives its memory back and deletes its spool file
        }
        ctx.fireChannelInactive();
    }

    private boolean committing() {
        return framer.mode() == SmtpFramer.Input.COMMITTING;
    }

    // ---- the end of a message ----------------------------------------------------------------

    /** The text is all read: refuse it, or wait for the verdict if need be, and commit it. */
    void finish(Transaction transaction, Sender sender) {
        Reply refusal = text.refusal();
        if (refusal != null) {
            log.info("{}: client={} message refused: {}", transaction.id(), sender.client().text(), refusal);
            session.reply(refusal);
            message.clear();
            return;
        }
        CompletableFuture<ReverseDnsCheck> verdict = sender.reverseDns();
        if (verdict == null || verdict.isDone()) {
            commit(transaction, sender, verdict == null ? null : verdictNow(verdict));
            return;
        }
        // Slow DNS: the message waits (input too), never the loop, and never longer than a query's timeout.
        framer.hold(SmtpFramer.Input.COMMITTING);
        verdict.copy().completeOnTimeout(ReverseDnsCheck.FAILED, server.dnsTimeoutMillis, TimeUnit.MILLISECONDS)
                .whenComplete((v, e) -> {
                    try {
                        ctx.executor().execute(() -> {
                            if (committing()) {
                                commit(transaction, sender, e != null || v == null ? ReverseDnsCheck.FAILED : v);
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
    private void commit(Transaction transaction, Sender sender, ReverseDnsCheck verdict) {
        QueueId id = transaction.id();
        List<Recipient> rcpts = transaction.recipientList();
        var mail = transaction.mail();
        String clientAddress = sender.client().text();
        Envelope envelope = new Envelope(id, mail.reversePath(), rcpts, mail.body(), mail.smtpUtf8(), mail.ret(),
                mail.envId(), mail.declaredSize(), clientAddress, sender.heloName(), arrival);
        byte[] header = ReceivedHeader.of(sender.heloName(), verdict == null ? null : verdict.confirmedName(),
                clientAddress, annotation(verdict), server.fqdn, sender.with(), id, rcpts, arrival).bytes();
        framer.hold(SmtpFramer.Input.COMMITTING);
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
            store(envelope, sender, bytes, header.length, size);
            return;
        }
        CompletableFuture<Long> wait = server.memory.reserve(size);
        memoryWait = wait;
        wait.whenComplete((amount, error) -> {
            if (error != null) {
                return; // given up: the session ended while it waited
            }
            try {
                ctx.executor().execute(() -> memoryGranted(wait, envelope, sender, header, amount));
            } catch (RejectedExecutionException e) {
                server.memory.release(amount);
            }
        });
    }

    private void memoryGranted(CompletableFuture<Long> wait, Envelope envelope, Sender sender, byte[] header,
                               long reserved) {
        if (memoryWait != wait) {
            return; // given up in channelInactive, which gave the bytes back
        }
        memoryWait = null;
        if (!committing()) {
            server.memory.release(reserved);
            return;
        }
        materializing = true;
        MessageContent content = message;
        Thread.ofVirtual().name("spool-read").start(() -> {
            byte[] bytes;
            try {
                bytes = content.toArray(header);
            } catch (java.io.IOException | RuntimeException e) {
                log.warn("{}: spool file could not be read: {}", envelope.id(), e.toString());
                bytes = null;
            }
            byte[] read = bytes;
            try {
                ctx.executor().execute(() -> {
                    materializing = false;
                    if (!committing()) {
                        content.close(); // the session ended meanwhile
                        server.memory.release(reserved);
                        return;
                    }
                    content.clear();
                    store(envelope, sender, read, header.length, reserved);
                });
            } catch (RejectedExecutionException e) {
                server.memory.release(reserved);
            }
        });
    }

    /** Checks the hop count and hands the message to the spool; 250 or 452 follows in {@link #committed}. */
    private void store(Envelope envelope, Sender sender, byte[] bytes, int headerLength, long reserved) {
        Reply refusal = bytes == null ? Replies.JOURNAL_UNAVAILABLE : null;
        if (refusal == null) {
            int hops = HopCount.count(bytes, headerLength, bytes.length - headerLength);
            if (HopCount.exceeds(hops, server.maxHopCount)) {
                refusal = Replies.TOO_MANY_HOPS;
            }
        }
        if (refusal != null) {
            server.memory.release(reserved);
            log.info("{}: client={} message refused: {}", envelope.id(), sender.client().text(), refusal);
            framer.expectCommand();
            session.reply(refusal);
            session.resumeReading();
            return;
        }
        // Our own users' mail only, never relayed mail: complete its header, then sign it,
        // once, before the journal has it (a retry reads the signed bytes back).
        byte[] toJournal = sender.ownUser()
                ? server.dkim.sign(SubmissionHeaders.complete(bytes, envelope.id(), server.fqdn, envelope.arrival()),
                        envelope.arrival())
                : bytes;
        CompletionStage<Void> stored;
        try {
            stored = server.spool.accept(envelope, toJournal);
        } catch (RuntimeException e) {
            stored = CompletableFuture.failedFuture(e);
        }
        // Always hop back through the event loop, also when the stage is already complete,
        // so that committed() never runs inside the framer's loop further up this stack.
        stored.whenComplete((ok, failure) -> {
            // The journal has the bytes now (or never will); what keeps them in memory from
            // here on is the queue's business, not this session's.
            server.memory.release(reserved);
            try {
                ctx.executor().execute(() -> committed(envelope, sender, toJournal.length, failure));
            } catch (RejectedExecutionException e) {
                log.warn("{}: stored, but the session was gone before it could answer", envelope.id());
            }
        });
    }

    private void committed(Envelope envelope, Sender sender, int size, Throwable failure) {
        if (framer.mode() == SmtpFramer.Input.CLOSED) {
            return;
        }
        framer.expectCommand();
        String client = sender.client().text();
        if (failure == null) {
            MailLogLine.about(envelope.id()).field("client", client).address("from", envelope.reversePath())
                    .field("size", size).field("nrcpt", envelope.recipients().size()).status("queued").info(log);
            session.reply(Replies.QUEUED.withText("Ok: queued as " + envelope.id()));
        } else {
            log.warn("{}: client={} spool refused the message: {}", envelope.id(), client, failure.toString());
            session.reply(Replies.JOURNAL_UNAVAILABLE);
        }
        session.resumeReading();
    }
}
