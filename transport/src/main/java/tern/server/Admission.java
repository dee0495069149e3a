package tern.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ProtocolDetectionState;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.timeout.IdleStateEvent;
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
 * <li>PROXY protocol. A connection from a network of {@code server.proxyProtocol} (a load
 * balancer) must begin with a PROXY v1 or v2 header; its source address then stands for the
 * client everywhere. Without a valid header the connection is closed without a word (the
 * balancer is misconfigured, or someone else got into its network; an SMTP reply would only
 * reach the balancer). A v2 LOCAL header (the balancer's own health check) and a v1
 * {@code PROXY UNKNOWN} keep the balancer's address. From any other address a PROXY header is
 * refused with 554 5.7.0 and the connection closed: it would let anyone choose the address
 * relay control judges.
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
    private static final String PROXY_DECODER = "tern.proxy";
    private static final Logger log = LoggerFactory.getLogger(Admission.class);
    private static final String[] HTTP_METHODS = {
        "GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "CONNECT ", "OPTIONS ", "PATCH ", "TRACE "};

    /** The client is admitted and greeted: the protocol starts. */
    record Admitted(Client client) {
    }

    private enum Stage { CONNECTED, AWAITING_PROXY_HEADER, AWAITING_GREETING, OPEN, CLOSED }

    private final InboundContext server;
    private ChannelHandlerContext ctx;
    private Stage stage = Stage.CONNECTED;
    private String peer;
    private Client client;
    private boolean counted;
    private boolean perClientCounted;
    private boolean firstRead = true;

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
        peer = address.getHostAddress();
        if (server.proxyTrusted(address)) {
            stage = Stage.AWAITING_PROXY_HEADER;
            ctx.pipeline().addBefore(ctx.name(), PROXY_DECODER, new HAProxyMessageDecoder());
            ctx.channel().config().setAutoRead(true);
            return;
        }
        admit(address, false);
    }

    private void admit(InetAddress address, boolean proxied) {
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
        client = new Client(address, text, server.relay.mayRelay(address), proxied);
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
            case OPEN -> {
                if (firstRead && msg instanceof ByteBuf bytes) {
                    firstRead = false;
                    if (looksLikeProxyHeader(bytes)) {
                        bytes.release();
                        return;
                    }
                }
                ctx.fireChannelRead(msg);
            }
            case AWAITING_PROXY_HEADER -> {
                if (msg instanceof HAProxyMessage header) {
                    proxied(header);
                } else {
                    ReferenceCountUtil.release(msg);
                }
            }
            case AWAITING_GREETING -> {
                boolean proxyHeader = firstRead && msg instanceof ByteBuf bytes && looksLikeProxyHeader(bytes);
                ReferenceCountUtil.release(msg);
                if (!proxyHeader) {
                    log.info("client={} talked before the greeting; dropped", client.text());
                    refuse(Replies.PREGREET);
                }
            }
            case CONNECTED, CLOSED -> ReferenceCountUtil.release(msg);
        }
    }

    /** From a source not in {@code server.proxyProtocol}: refused, whatever follows it. */
    private boolean looksLikeProxyHeader(ByteBuf bytes) {
        if (HAProxyMessageDecoder.detectProtocol(bytes).state() != ProtocolDetectionState.DETECTED) {
            return false;
        }
        log.info("client={} sent a PROXY header, but server.proxyProtocol does not list it; dropped", peer);
        refuse(Replies.PROXY_NOT_TRUSTED);
        return true;
    }

    private void proxied(HAProxyMessage header) {
        try {
            HAProxyProxiedProtocol protocol = header.proxiedProtocol();
            if (header.command() == HAProxyCommand.LOCAL || protocol == HAProxyProxiedProtocol.UNKNOWN) {
                // The balancer's own connection (a health check): the peer is the client.
                admit(((InetSocketAddress) ctx.channel().remoteAddress()).getAddress(), false);
            } else if (protocol == HAProxyProxiedProtocol.TCP4 || protocol == HAProxyProxiedProtocol.TCP6) {
                admit(InetAddress.ofLiteral(header.sourceAddress()), true);
            } else {
                log.info("client={} PROXY header for {}, not TCP; closed", peer, protocol);
                closeSilently();
            }
        } catch (IllegalArgumentException e) {
            log.info("client={} PROXY header with a bad source address; closed", peer);
            closeSilently();
        } finally {
            header.release();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (stage == Stage.AWAITING_PROXY_HEADER && evt instanceof IdleStateEvent) {
            log.info("client={} sent no PROXY header before the idle timeout; closed", peer);
            closeSilently();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (stage == Stage.AWAITING_PROXY_HEADER) {
            // HAProxyMessageDecoder's verdict: not a PROXY header, or a broken one.
            log.info("client={} is in server.proxyProtocol but sent no valid PROXY header; closed", peer);
            closeSilently();
            return;
        }
        ctx.fireExceptionCaught(cause);
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

    private void closeSilently() {
        stage = Stage.CLOSED;
        ctx.close();
    }
}
