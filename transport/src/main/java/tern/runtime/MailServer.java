package tern.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.address.Mailbox;
import tern.admin.AdminResponse;
import tern.admin.AdminServer;
import tern.admin.AdminToken;
import tern.admin.Health;
import tern.admin.Readiness;
import tern.admin.ReadinessCheck;
import tern.admin.console.Console;
import tern.admin.console.ConsoleSessions;
import tern.admin.console.QueueSizeHistory;
import tern.admin.console.ServerFacts;
import tern.cluster.ClusterMembership;
import tern.cluster.NodeRegistry;
import tern.configfile.SettingsFile;
import tern.badmail.Badmail;
import tern.client.ConnectionCache;
import tern.config.TernConfig;
import tern.delivery.EventLog;
import tern.delivery.Evacuation;
import tern.delivery.JournalBodies;
import tern.delivery.JournalSpool;
import tern.delivery.LocalDelivery;
import tern.delivery.QueueManager;
import tern.delivery.RemoteDelivery;
import tern.dns.MailDns;
import tern.fs.DataDirLock;
import tern.journal.Journal;
import tern.journal.JournalEvent;
import tern.journal.JournalEvent.Accepted;
import tern.maildir.Maildir;
import tern.metrics.TernMetrics;
import tern.queue.DeliveryPolicy;
import tern.queue.DestinationLimits;
import tern.queue.QueueId;
import tern.queue.QueueIdGenerator;
import tern.queue.QueueState;
import tern.queue.SharedLimits;
import tern.route.Masquerade;
import tern.route.Router;
import tern.server.SmtpServer;
import tern.submission.Pickup;
import tern.tls.TlsPolicy;

/**
 * The whole process: journal, queue, delivery, SMTP and admin listeners, in the order that
 * keeps the promise "nothing answered with 250 is lost": the journal is replayed into the
 * queue before the SMTP listener opens, and on shutdown the listener stops first, then the
 * commits in flight finish, then delivery stops, then the journal closes.
 */
public final class MailServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("tern.server");
    private static final Duration RETENTION_EVERY = Duration.ofMinutes(10);

    private final TernConfig config;
    private final Journal journal;
    private final TernMetrics metrics;
    private final QueueManager runner;
    private final MailDns dns;
    private tern.tls.MxAuthentication mxAuthentication;
    private final ConnectionCache connections;
    private final SmtpServer smtp;
    private final AdminServer admin;
    private final Pickup pickup;
    private final ScheduledExecutorService housekeeping;
    private final Instant started;
    private final StartupWarnings warnings;
    private final InstantSource clock;
    private final DataDirLock lock;
    private final Readiness readiness = new Readiness();
    private final JournalWritability journalWritable;
    private volatile boolean draining;
    private volatile TernConfig current;
    private volatile java.util.function.Supplier<TernConfig> reloadSource;
    private final QueueSizeHistory queueSizes = QueueSizeHistory.lastHour();
    private final LiveSettings consoleSettings;
    private final ClusterMembership cluster;

    private MailServer(TernConfig config, InstantSource clock, DataDirLock lock) throws IOException {
        this.lock = lock;
        readKeyFiles(config);
        this.config = config;
        this.current = config;
        this.clock = clock;
        this.started = clock.instant();
        Path dataDir = config.server().dataDir();
        // Written while this node runs, so its disk names its queue if the node dies (see QueueLease).
        tern.fs.DataDirIdentity.of(dataDir);
        this.journal = Journal.open(dataDir.resolve("journal"), config.journal().sync(), clock);
        this.journalWritable = new JournalWritability(journal.directory(), clock);
        // Before any listener opens: once SMTP answers, the command line can act on the server.
        AdminToken token;
        try {
            token = AdminToken.loadOrCreate(dataDir);
        } catch (IOException e) {
            journal.close();
            throw new IOException("cannot create or read the admin token " + AdminToken.file(dataDir) + ": "
                    + e.getMessage(), e);
        }
        this.metrics = new TernMetrics(clock);
        journal.onCommit(metrics::journalCommitted);

        QueueReplay replay = QueueReplay.of(journal);
        QueueState state = replay.state();
        JournalBodies bodies = replay.bodies();
        Journal.Replayed replayed = replay.replayed();
        // What fell due while Tern was down goes out at once: the destination windows bound the burst.
        log.info("journal replayed: {} events, {} messages and {} recipients pending",
                replayed.events(), state.messageCount(), state.pendingRecipientCount());

        QueueIdGenerator ids = new QueueIdGenerator(clock);
        if (replayed.highestId() != null) {
            ids.continueAfter(replayed.highestId());
        }
        this.dns = MailDns.forServing(config.dns());
        this.connections = ConnectionCache.withDefaults(config.delivery().connections().perDomain());
        Path dropRoot = dataDir;
        EventLog events = new EventLog() {
            @Override
            public java.util.concurrent.CompletableFuture<Void> append(JournalEvent event) {
                return journalWritable.watch(journal.append(event));
            }

            @Override
            public java.util.concurrent.CompletableFuture<Long> appendLocated(JournalEvent event) {
                return journalWritable.watch(journal.appendLocated(event));
            }
        };
        // Joined before delivery starts, so the first deliveries already count against the cluster's limits.
        this.cluster = config.cluster().enabled() ? ClusterMembership.join(config.cluster(), clock) : null;
        this.runner = new QueueManager(state, clock, events, bodies,
                new LocalDelivery(new Maildir(dropRoot, config.server().fqdn())), new Badmail(dataDir), ids, metrics,
                settings(config, clock), cluster == null ? SharedLimits.LOCAL : cluster.limits());
        runner.start();
        metrics.watchQueue(runner.gauges());

        // Built before SMTP opens, so that the admin listener binds right after it.
        this.admin = new AdminServer(metrics, this::health, token);
        this.consoleSettings = new LiveSettings(
                () -> tern.config.ConfigReader.read(Map.of(), null, current.server().fqdn()).settings(), this::reload);
        var sources = new Console.Sources(new ServerFacts(() -> current.server().fqdn(), started, metrics, queueSizes),
                new ManagerQueueView(runner, clock), new JournalHistory(journal), consoleSettings);
        admin.pages(new Console(token, AdminToken.file(dataDir).toString(), ConsoleSessions.withDefaults(clock), clock,
                sources));

        var spool = new JournalSpool(events, bodies, runner, metrics);
        try {
            this.smtp = SmtpServer.start(config, spool, ids, clock, dns);
        } catch (RuntimeException e) {
            // A listen address in use: undo what started, so the process can exit cleanly.
            runner.shutdown(Duration.ofSeconds(1));
            if (cluster != null) {
                cluster.close();
            }
            connections.close();
            dns.close();
            journal.close();
            throw new IOException("cannot listen on " + config.server().listen() + ": " + e.getMessage(), e);
        }

        smtp.countInto(metrics);

        // Files in <dataDir>/pickup go through the same spool as SMTP: queued once journaled.
        try {
            this.pickup = Pickup.start(dataDir.resolve("pickup"), spool, ids, new Badmail(dataDir),
                    () -> new Pickup.Settings(current.server().fqdn(), current.server().maxMessageSize(),
                            current.delivery().maxHopCount(), smtp.dkimSigner()), clock);
        } catch (IOException e) {
            smtp.shutdown(Duration.ofSeconds(1));
            runner.shutdown(Duration.ofSeconds(1));
            if (cluster != null) {
                cluster.close();
            }
            connections.close();
            dns.close();
            journal.close();
            throw new IOException("cannot open the pickup directory " + dataDir.resolve("pickup") + ": "
                    + e.getMessage(), e);
        }

        readiness.add(ReadinessCheck.of("listeners", () -> smtp.listening() ? ReadinessCheck.Verdict.ready()
                        : ReadinessCheck.Verdict.notReady("the SMTP listeners are not bound")))
                .add(journalWritable)
                .add(ReadinessCheck.of("draining", () -> draining
                        ? ReadinessCheck.Verdict.notReady("shutting down: finishing the sessions under way")
                        : ReadinessCheck.Verdict.ready()));
        admin.route("/queue/retry", this::retryAction);
        admin.route("/queue/delete", this::deleteAction);
        admin.route("/queue/evacuate", this::evacuateAction);
        QueueApi.register(admin, runner, clock);
        admin.route("/reload", params -> {
            String error = reload();
            return error == null ? AdminResponse.ok(Map.of("reloaded", true)) : AdminResponse.badRequest(error);
        });
        admin.start(config.admin().listen());
        if (cluster != null) {
            readiness.add(cluster.readiness());
            String smtpAt = smtp.boundAddresses().isEmpty() ? null : hostPort(smtp.boundAddresses().getFirst());
            String adminAt = admin.boundAddress().map(MailServer::hostPort).orElse(null);
            cluster.announce(() -> new NodeRegistry.Facts(adminAt, smtpAt, runner.gauges()));
        }

        this.housekeeping = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("housekeeping").daemon(true).factory());
        housekeeping.scheduleWithFixedDelay(connections::evictExpired, 10, 10, TimeUnit.SECONDS);
        housekeeping.scheduleAtFixedRate(this::sampleQueueSize, 0, 1, TimeUnit.MINUTES);
        housekeeping.scheduleWithFixedDelay(() -> retain(bodies), 1, RETENTION_EVERY.toMinutes(), TimeUnit.MINUTES);
        log.info("tern {} listening on {}{}", config.server().fqdn(), smtp.boundAddresses(),
                admin.boundAddress().map(a -> ", admin on " + a).orElse(""));
        this.warnings = StartupWarnings.check(config);
        warnings.warnings().forEach(w -> log.warn("{}", w));
        // Ready all the same: mail flows, but /health/ready repeats the warning in its details.
        readiness.add(ReadinessCheck.of("fqdn", () -> StartupWarnings.check(current).warnings().stream().findFirst()
                .map(ReadinessCheck.Verdict::warning).orElse(ReadinessCheck.Verdict.ready())));
    }

    /** Starts everything from {@code config}; returns once the SMTP listeners accept connections. */
    public static MailServer start(TernConfig config, InstantSource clock) throws IOException {
        // One server per data directory: a second one would deliver the same queue twice.
        DataDirLock lock = DataDirLock.acquire(config.server().dataDir());
        try {
            return new MailServer(config, clock, lock);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private QueueManager.Settings settings(TernConfig config, InstantSource clock) {
        this.mxAuthentication = tern.tls.MxAuthentication.forServing(config, dns, clock);
        var remote = new RemoteDelivery(dns, connections, TlsPolicy.from(config), config.delivery().port(),
                Masquerade.of(config), metrics).authenticating(mxAuthentication);
        Mailbox copyTo = config.delivery().ndrCopyTo() == null ? null : mailbox(config.delivery().ndrCopyTo());
        return new QueueManager.Settings(new Router(config), new DeliveryPolicy(config.delivery(), clock), remote,
                new DestinationLimits(config.delivery().connections().perDomain(), config.routes()),
                config.delivery().connections().total(), config.server().fqdn(), copyTo,
                config.delivery().maxHopCount());
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static Mailbox mailbox(String address) {
        int at = address.lastIndexOf('@');
        return new Mailbox(address.substring(0, at), address.substring(at + 1));
    }

    private void retain(JournalBodies bodies) {
        try {
            var report = runner.ask(state -> journal.retain(config.journal().retain(), state::isPending, id -> {
                List<JournalEvent> events = new ArrayList<>();
                try {
                    byte[] message = bodies.read(id);
                    // Its old index dies with the cycle: hold the bytes (few messages live this long).
                    bodies.keep(id, message);
                    bodies.located(id, -1);
                    events.add(new Accepted(state.envelope(id).orElseThrow(), message));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                events.addAll(state.carryForward(id));
                return events;
            })).get();
            if (!report.deleted().isEmpty()) {
                log.info("journal retention: deleted {}, carried {} pending messages forward",
                        report.deleted(), report.carriedForward().size());
            }
        } catch (Exception e) {
            log.warn("journal retention failed: {}", e.toString());
        }
    }

    /**
     * Reads the trust anchors and the DKIM keys once before anything starts, so that a bad file
     * stops start-up (or a reload) with the key that names it, not halfway through.
     */
    private static void readKeyFiles(TernConfig config) {
        TlsPolicy.from(config);
        tern.dkim.DkimKeyFiles.signer(config.dkim());
    }

    private void sampleQueueSize() {
        var gauges = runner.gauges();
        queueSizes.record(clock.instant(), gauges.messages(), gauges.pendingRecipients() + gauges.deferredRecipients());
    }

    /**
     * The file the server runs with, for the console's settings page to show and change; without
     * one the page is read-only.
     */
    public void settingsFile(SettingsFile file) {
        consoleSettings.use(file);
    }

    /** Where {@link #reload} reads the configuration again: the file given to {@code serve}. */
    public void reloadFrom(java.util.function.Supplier<TernConfig> source) {
        this.reloadSource = source;
    }

    /**
     * SIGHUP / {@code tern reload}: reads the configuration again and applies what can change
     * while running (routes, smart host, masquerade, retry settings, limits). Sessions and
     * queued mail are untouched. A bad configuration is refused, naming the key, and the old
     * one stays in force. Returns null on success, else the reason.
     */
    public String reload() {
        var source = reloadSource;
        if (source == null) {
            return "no configuration source to reload from";
        }
        TernConfig next;
        try {
            next = source.get();
            readKeyFiles(next);
        } catch (tern.config.ConfigException e) {
            log.error("reload refused, the old configuration stays in force: {}", e.getMessage());
            return e.getMessage();
        }
        runner.reconfigure(settings(next, clock));
        smtp.reconfigure(next);
        current = next;
        consoleSettings.reloaded();
        log.info("configuration reloaded: {} routes, smart host {}", next.routes().size(),
                next.delivery().smartHost() == null ? "none" : next.delivery().smartHost());
        return null;
    }

    private Health health() {
        Map<String, Object> facts = new LinkedHashMap<>();
        var gauges = runner.gauges();
        facts.put("fqdn", current.server().fqdn());
        facts.put("queueMessages", gauges.messages());
        facts.put("queueRecipients", gauges.pendingRecipients() + gauges.deferredRecipients());
        facts.put("startedAt", started.toString());
        return readiness.evaluate(facts);
    }

    /**
     * What {@code /health/ready} asks: the server's own checks (listeners, journal, draining)
     * and whatever else is added here, e.g. a start-up warning to show in its details.
     */
    public Readiness readiness() {
        return readiness;
    }

    private AdminResponse retryAction(Map<String, String> params) {
        if (params.containsKey("domain")) {
            return QueueApi.sweep(runner, tern.delivery.DomainSweep.Kind.RETRY, params.get("domain"));
        }
        try {
            if ("true".equals(params.get("all"))) {
                int n = runner.retryAll().get(30, TimeUnit.SECONDS);
                return AdminResponse.ok(Map.of("retried", n));
            }
            QueueId id = new QueueId(params.getOrDefault("id", ""));
            boolean found = runner.retry(id).get(30, TimeUnit.SECONDS);
            return found ? AdminResponse.ok(Map.of("retried", 1)) : AdminResponse.notFound("no queued message " + id);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private AdminResponse deleteAction(Map<String, String> params) {
        if (params.containsKey("domain")) {
            return QueueApi.sweep(runner, tern.delivery.DomainSweep.Kind.DELETE, params.get("domain"));
        }
        try {
            QueueId id = new QueueId(params.getOrDefault("id", ""));
            boolean found = runner.delete(id).get(30, TimeUnit.SECONDS);
            return found ? AdminResponse.ok(Map.of("deleted", id.value())) : AdminResponse.notFound("no queued message " + id);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code tern queue evacuate --to HOST:PORT}: every queued message goes to that MTA, one after
     * the other; the answer is the report, 200 when everything went, 502 when something stayed.
     */
    private AdminResponse evacuateAction(Map<String, String> params) {
        InetSocketAddress peer = Evacuation.peer(params.get("to"));
        var evacuation = new Evacuation(peer, Evacuation.settings(current), clock);
        var lines = new StringBuilder();
        try {
            log.info("evacuating the queue to {}", params.get("to"));
            var report = evacuation.run(runner.forEvacuation(), () -> !draining, result -> {
                lines.append(result.line()).append('\n');
                if (result.stayed()) {
                    log.warn("evacuation: {}", result.line());
                }
            });
            lines.append(report.total()).append('\n');
            log.info("evacuation: {}", report.total());
            return AdminResponse.text(report.complete() ? 200 : 502, lines.toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<InetSocketAddress> smtpAddresses() {
        return smtp.boundAddresses();
    }

    public java.util.Optional<InetSocketAddress> adminAddress() {
        return admin.boundAddress();
    }

    public QueueManager queue() {
        return runner;
    }

    public TernMetrics metrics() {
        return metrics;
    }

    /** What start-up warned about (an unqualified server.fqdn): for the readiness details. */
    public StartupWarnings startupWarnings() {
        return warnings;
    }

    /**
     * SIGTERM: stop accepting, let sessions finish their commits (421 to anything new), stop
     * delivery (attempts under way that do not finish are retried after the restart), close
     * the journal.
     */
    public void shutdown(Duration grace) {
        log.info("shutting down");
        draining = true; // /health/ready says 503 while the sessions finish
        smtp.shutdown(grace);
        pickup.close();
        runner.shutdown(grace);
        if (cluster != null) {
            cluster.close(); // after delivery: the leases it gives back are no longer in use
        }
        admin.stop();
        housekeeping.shutdownNow();
        connections.close();
        mxAuthentication.close();
        dns.close();
        journal.close();
        metrics.close();
        lock.close();
        log.info("stopped");
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(10));
    }
}
