package tern.server;

import io.netty.channel.ChannelHandlerContext;
import tern.smtp.Replies;
import tern.smtp.Reply;

/**
 * The replies of one session, and the count of its error replies toward
 * {@code server.maxErrors}. A reply is queued, not flushed: the framer flushes at the end of
 * each read (or a commit), so a pipelined batch goes out in one write.
 */
final class SessionReplies {

    private final ChannelHandlerContext ctx;
    private final ReplyBytes wire;
    private int errors;

    SessionReplies(ChannelHandlerContext ctx, ReplyBytes wire) {
        this.ctx = ctx;
        this.wire = wire;
    }

    void send(Reply reply) {
        if (countsAsError(reply)) {
            errors++;
        }
        wire.write(ctx, reply);
    }

    int errors() {
        return errors;
    }

    /**
     * Every 4xx and 5xx reply counts toward {@code server.maxErrors}, except 452 "too many
     * recipients": a client with a long recipient list is told to send the rest in another
     * transaction, which is not an error of its making (Postfix lets it overshoot too).
     */
    private static boolean countsAsError(Reply reply) {
        return reply.code() >= 400 && reply != Replies.TOO_MANY_RECIPIENTS;
    }
}
