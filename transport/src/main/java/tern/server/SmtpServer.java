package tern.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpServer;
import tern.auth.AuthThrottle;
import tern.config.TernConfig;
import tern.dns.MailDns;
import tern.metrics.TernMetrics;
import tern.queue.QueueIdGenerator;
import tern.queue.Spool;

/**
 * The inbound ESMTP server: one Reactor Netty {@link TcpServer} per address of
 * {@code server.listen}, {@code server.submission} and {@code server.implicitTls}, sharing one
 * event-loop group (native epoll when it loads). Each connection gets
 * a pipeline of {@link Admission}, {@link SmtpFramer}, {@link SmtpProtocol} and {@link MessageAssembler}; messages go to the {@link Spool}, and 250 follows only once the
 * spool says the message is stored.
 */
public final class SmtpServer {

    private static final Logger log = LoggerFactory.getLogger(SmtpServer.class);

    /** Replaced on reload; each session keeps the settings it started with. */
    private volatile InboundContext context;
    private final LoopResources loops;


    private SmtpServer(InboundContext context, LoopResources loops) {
        this.context = context;
        this.loops = loops;
    }

    private volatile List<DisposableServer> servers = List.of();
    /** Where connections and replies are counted; null = not counted. Read once per new connection. */
    private volatile TernMetrics metrics;

    /** Counts inbound connections and replies in {@code metrics} from the next connection on. */
    public void countInto(TernMetrics metrics) {
        this.metrics = metrics;
    }

    /** Binds every listener of {@code config.server().listen()}; port 0 picks a free port. No reverse DNS. */
    public static SmtpServer start(TernConfig config, Spool spool, QueueIdGenerator ids, InstantSource clock) {
        return start(config, spool, ids, clock, null);
    }

    /**
     * Binds every listener of {@code server.listen}, {@code server.submission} and
     * {@code server.implicitTls}; port 0 picks a free port.
     *
     * @param dns the resolver for {@code server.reverseDnsLookup}; null = no reverse DNS checks
     */
    public static SmtpServer start(TernConfig config, Spool spool, QueueIdGenerator ids, InstantSource clock,
                                   MailDns dns) {
        return start(config, spool, ids, clock, dns, new AuthThrottle(clock));
    }

    /** With a throttle of the caller's choosing (tests that make many failed attempts on purpose). */
    static SmtpServer start(TernConfig config, Spool spool, QueueIdGenerator ids, InstantSource clock, MailDns dns,
                            AuthThrottle authThrottle) {
        var context = new InboundContext(config, spool, ids, clock, dns, authThrottle);
        context.spoolDirectory.clearLeftovers();
        var server = new SmtpServer(context,
                LoopResources.create("tern-smtp", 1, Math.max(1, Runtime.getRuntime().availableProcessors()), true));
        server.bind(config);
        return server;
    }

    /**
     * New limits, relay rules and names for the sessions that start from now on; sessions
     * already open finish with the settings they started with. Listen addresses and the
     * idle timeout stay as they were until a restart.
     */
    public void reconfigure(TernConfig config) {
        context = context.reconfigured(config);
    }

    private void bind(TernConfig config) {
        LoopResources loops = this.loops;
        long idleMillis = config.server().idleTimeout().toMillis();
        List<DisposableServer> bound = new ArrayList<>();
        Map<DisposableServer, ListenerKind> kinds = new LinkedHashMap<>();
        try {
            for (ListenerKind kind : ListenerKind.values()) {
                List<TernConfig.Listener> listeners = switch (kind) {
                    case MTA -> config.server().listen();
                    case SUBMISSION -> config.server().submission();
                    case SUBMISSIONS -> config.server().implicitTls();
                };
                for (TernConfig.Listener listener : listeners) {
                    DisposableServer server = TcpServer.create()
                            .runOn(loops, true)
                            .host(listener.host())
                            .port(listener.port())
                            .childOption(ChannelOption.TCP_NODELAY, true)
                            // In front of Reactor's bridge: the session consumes every byte itself (it
                            // needs to switch between lines, DATA and BDAT chunks on the exact byte), and
                            // Reactor's side only keeps the connection open until the session closes it.
                            .doOnChannelInit((observer, channel, remote) -> {
                                InboundContext current = context;
                                ChannelPipeline pipeline = channel.pipeline();
                                pipeline.addFirst(MessageAssembler.NAME, new MessageAssembler(current));
                                pipeline.addFirst(SmtpProtocol.NAME, new SmtpProtocol(current, kind));
                                pipeline.addFirst(SmtpFramer.NAME, new SmtpFramer());
                                pipeline.addFirst(Admission.NAME, new Admission(current));
                                TernMetrics counting = metrics;
                                if (counting != null) {
                                    pipeline.addFirst(InboundCounting.NAME, new InboundCounting(counting));
                                }
                                pipeline.addFirst("tern.idle", new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
                                if (kind.implicitTls) {
                                    pipeline.addFirst(SmtpProtocol.TLS_HANDLER, current.tls.newHandler(channel.alloc()));
                                }
                            })
                            .handle((in, out) -> Mono.never())
                            .bindNow();
                    bound.add(server);
                    kinds.put(server, kind);
                    log.info("listening for SMTP ({}) on {} ({})", kind, server.address(),
                            LoopResources.hasNativeSupport() ? "native transport" : "NIO");
                }
            }
        } catch (RuntimeException e) {
            bound.forEach(DisposableServer::disposeNow);
            loops.dispose();
            throw e;
        }
        servers = List.copyOf(bound);
        this.kinds = Map.copyOf(kinds);
    }

    private volatile Map<DisposableServer, ListenerKind> kinds = Map.of();

    /** The bound addresses of {@code server.submission}, in configuration order. */
    public List<InetSocketAddress> submissionAddresses() {
        return addressesOf(ListenerKind.SUBMISSION);
    }

    /** The bound addresses of {@code server.implicitTls}, in configuration order. */
    public List<InetSocketAddress> implicitTlsAddresses() {
        return addressesOf(ListenerKind.SUBMISSIONS);
    }

    private List<InetSocketAddress> addressesOf(ListenerKind kind) {
        return servers.stream().filter(s -> kinds.get(s) == kind).map(s -> (InetSocketAddress) s.address()).toList();
    }

    /** Sessions open now (for tests and metrics). */
    public int openSessions() {
        return context.sessions.size();
    }

    /** Connections counted now, including those being refused (for tests and metrics). */
    public int openConnections() {
        return context.connections.get();
    }

    /** Client addresses holding a connection now (for tests and metrics). */
    public int connectedClientAddresses() {
        return context.perClient.addresses();
    }

    /** The DKIM signer of the configuration in force (it changes with a reload), for mail not from SMTP. */
    public tern.dkim.DkimSigner dkimSigner() {
        return context.dkim;
    }

    /** True while every configured listener is bound and accepting (false once shutdown began). */
    public boolean listening() {
        List<DisposableServer> all = servers;
        return !context.stopping.get() && !all.isEmpty() && all.stream().noneMatch(DisposableServer::isDisposed);
    }

    /** The bound addresses of {@code server.listen}, in configuration order. */
    public List<InetSocketAddress> boundAddresses() {
        return addressesOf(ListenerKind.MTA);
    }

    /**
     * Stops accepting connections, answers 421 4.3.2 to every session (a session with a
     * message at the spool first gets that message's 250 or 452), then closes. Sessions still
     * open when {@code grace} runs out are closed without a word.
     */
    public void shutdown(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        context.stopping.set(true);
        for (DisposableServer server : servers) {
            server.dispose(); // closes the listening socket only; accepted connections stay
        }
        for (Channel channel : context.sessions) {
            channel.eventLoop().execute(() -> {
                SmtpProtocol session = channel.pipeline().get(SmtpProtocol.class);
                if (session != null) {
                    session.shutdown();
                }
            });
        }
        while (!context.sessions.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Channel channel : context.sessions) {
            channel.close();
        }
        long left = Math.max(0, deadline - System.nanoTime());
        loops.disposeLater(Duration.ZERO, Duration.ofNanos(Math.max(left, TimeUnit.MILLISECONDS.toNanos(100))))
                .block(Duration.ofSeconds(5).plus(grace));
        log.info("SMTP server stopped");
    }
}
