package tern.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import tern.metrics.TernMetrics;

/**
 * Counts one inbound connection and the replies sent on it, from the pipeline between the
 * session and the socket (inside TLS, so it sees plaintext). It sits outside
 * the session's handlers so that counting stays out of the protocol code: the session writes
 * every reply as one buffer that starts with its three-digit code, and only that first
 * digit is read here.
 */
final class InboundCounting extends ChannelDuplexHandler {

    static final String NAME = "tern.metrics";

    private final TernMetrics metrics;
    private boolean open;

    InboundCounting(TernMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            opened();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        opened();
        ctx.fireChannelActive();
    }

    private void opened() {
        if (!open) {
            open = true;
            metrics.inboundConnectionOpened();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (open) {
            open = false;
            metrics.inboundConnectionClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf reply && reply.readableBytes() >= 3) {
            int first = reply.getByte(reply.readerIndex()) - '0';
            if (first >= 2 && first <= 5) {
                metrics.replySent(first * 100);
            }
        }
        ctx.write(msg, promise);
    }
}
