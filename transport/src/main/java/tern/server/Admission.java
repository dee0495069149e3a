package tern.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.smtp.Replies;
import tern.smtp.Reply;

/**
 * The door of every inbound connection, first in the pipeline after TLS: who the client is,
 * and whether it may talk at all. It owns the connection's place in the server-wide counts.
 *
 * <ol>
 * <li>Limits: {@code server.maxConnections} for everyone, {@code server.maxConnectionsPerClient}
 * for clients outside {@code relay.allowFrom} (421, then close).
 * <li>The greeting, after {@code server.greetingDelay}. A client that talks before it is
 * dropped: Postfix's postscreen "pregreet" test; a real client waits for the 220, a bot that
 * fires its commands blind does not.
 * </ol>
 * Once admitted it hands a {@link Client} to {@link SmtpProtocol} (an {@link Admitted} event)
 * and from then on only passes bytes along.
 */
final class Admission extends ChannelInboundHandlerAdapter {

    static final String NAME = "tern.admission";
    private static final Logger log = LoggerFactory.getLogger(Admission.class);
    private static final String[] HTTP_METHODS = {
        "GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "CONNECT ", "OPTIONS ", "PATCH ", "TRACE "};

    /** The client is admitted and greeted: the protocol starts. */
    record Admitted(Client client) {
    }

    private enum Stage { CONNECTED, AWAITING_GREETING, OPEN, CLOSED }

    private final InboundContext server;
    private ChannelHandlerContext ctx;
    private Stage stage = Stage.CONNECTED;
    private Client client;
    private boolean counted;
    private boolean perClientCounted;

    Admission(InboundContext server) {
        this.server = server;
    }

    /** A browser or a proxy abuser (cross-protocol requests): nothing an SMTP client says. */
    static boolean isHttpRequest(String line) {
        for (String method : HTTP_METHODS) {
            if (line.startsWith(method)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.fireChannelActive(); // first: Reactor's bridge turns autoRead off there, we turn it back on
        InetAddress address = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        admit(address);
    }

    private void admit(InetAddress address) {
        String text = address.getHostAddress();
        counted = true;
        if (server.connections.incrementAndGet() > server.maxConnections) {
            log.info("client={} refused: {} connections already", text, server.maxConnections);
            refuse(Replies.TOO_MANY_CONNECTIONS);
            return;
        }
        server.sessions.add(ctx.channel());
        if (server.shuttingDown()) {
            refuse(Replies.SHUTTING_DOWN);
            return;
        }
        client = new Client(address, text, server.relay.mayRelay(address));
        // The clients of relay.allowFrom are our own (an application server with a pool of
        // connections, the office network): exempt from the per-client limit, as Postfix
        // exempts $mynetworks with smtpd_client_event_limit_exceptions. maxConnections still holds.
        if (!client.mayRelay()) {
            if (!server.perClient.tryAcquire(text)) {
                log.info("client={} refused: {} connections from it already", text, server.perClient.perAddress());
                refuse(Replies.TOO_MANY_CONNECTIONS_FROM_ADDRESS);
                return;
            }
            perClientCounted = true;
        }
        if (server.dns != null) {
            server.dns.ptr(address); // starts the PTR query now; the verdict at EHLO finds it cached or in flight
        }
        stage = Stage.AWAITING_GREETING;
        // Reading from the start: a client that talks before the greeting is caught in channelRead.
        ctx.channel().config().setAutoRead(true);
        if (server.greetingDelayMillis > 0) {
            ctx.executor().schedule(this::greet, server.greetingDelayMillis, TimeUnit.MILLISECONDS);
        } else {
            greet();
        }
    }

    private void greet() {
        if (stage != Stage.AWAITING_GREETING) {
            return;
        }
        stage = Stage.OPEN;
        ctx.fireUserEventTriggered(new Admitted(client));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (stage) {
            case OPEN -> ctx.fireChannelRead(msg);
            case AWAITING_GREETING -> {
                ReferenceCountUtil.release(msg);
                log.info("client={} talked before the greeting; dropped", client.text());
                refuse(Replies.PREGREET);
            }
            case CONNECTED, CLOSED -> ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stage = Stage.CLOSED;
        if (counted) {
            counted = false;
            server.connections.decrementAndGet();
        }
        if (perClientCounted) {
            perClientCounted = false;
            server.perClient.release(client.text());
        }
        server.sessions.remove(ctx.channel());
        ctx.fireChannelInactive();
    }

    private void refuse(Reply reply) {
        stage = Stage.CLOSED;
        server.replies.write(ctx, reply);
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
}
