package tern.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tern.badmail.Badmail;
import tern.fs.DataDirLock;
import tern.journal.Journal;
import tern.journal.JournalEvent;
import tern.journal.JournalReader;
import tern.queue.QueueState;
import java.util.Set;
import tern.config.TernConfig;
import tern.queue.QueueId;

/** {@code tern queue}: look at the queued messages and act on one or all of them. */
final class QueueCommand implements Command {

    /** What the operator asked for; {@code id} is null for list, retry --all and --domain; {@code domain} only for --domain. */
    record Request(Action action, QueueId id, String domain) {
        Request(Action action, QueueId id) {
            this(action, id, null);
        }
    }

    enum Action {
        LIST, SHOW, RETRY, RETRY_ALL, RETRY_DOMAIN, DELETE, DELETE_DOMAIN
    }

    /** Every flag and option of every queue command: one place, so a new command adds its own here. */
    static final Set<String> FLAGS = Set.of("--all", "--json", "--summary", "--cluster");
    static final Set<String> OPTIONS = Set.of("--config", "--domain", "--state");

    @Override
    public String name() {
        return "queue";
    }

    @Override
    public String summary() {
        return "list, show, retry, delete or evacuate queued messages";
    }

    @Override
    public String usage() {
        return """
                usage: tern queue list [--domain D] [--state pending|deferred] [--json | --summary] [--config FILE]
                       tern queue list --cluster [--config FILE]
                       tern queue show ID [--config FILE]
                       tern queue retry ID [--config FILE]
                       tern queue retry --all [--config FILE]
                       tern queue retry --domain D [--config FILE]
                       tern queue delete ID [--config FILE]
                       tern queue delete --domain D [--config FILE]
                       tern queue evacuate --to HOST:PORT [--data-dir DIR] [--config FILE]

                list:   every queued message: id, age, size, sender, and each recipient
                        with its state (pending: not tried yet; deferred: tried, waiting to be
                        tried again), attempts, next attempt and last reply; read from the
                        journal in two passes, in journal order, with little memory
                        --domain D   only recipients at domain D
                        --state S    only recipients waiting in state S
                        --json       one JSON object per message and line: id, arrival, size,
                                     sender, recipients (address, state, attempts, next, lastReply)
                        --summary    recipients waiting per destination domain by the age of
                                     their message in minutes (as Postfix's qshape); T = total
                        --cluster    every live node's queue, asked of the admin listener it
                                     published in the cluster's registry
                show:   one message in full
                retry:  attempt delivery now (--all: every queued message, a flush;
                        --domain D: every message with a recipient waiting at D)
                delete: move a message to Badmail (journaled; no NDR is sent); --domain D:
                        every message with a recipient waiting at D, whole (its recipients
                        at other domains too)
                retry and delete act through the running server's admin listener, in chunks
                that leave its other deliveries going, with progress; with the server stopped
                they write the journal directly.
                evacuate: hand every queued message to the MTA at HOST:PORT over SMTP with its
                        original envelope (sender, pending recipients, DSN parameters when the
                        peer offers DSN); each is finished here (HandedOver in the journal) only
                        after the peer's 250, and stays queued otherwise. The running server does
                        it; --data-dir DIR does it for a stopped node's data directory (its lock,
                        and with cluster.redis a takeover lease in Redis). Prints one line per
                        message and a total; exits 1 when anything stayed.
                """;
    }

    /** Parses the arguments alone: the tests check the grammar without any queue behind it. */
    static Request parse(Arguments a) {
        List<String> words = a.positionals();
        if (words.isEmpty()) {
            throw new UsageException("missing what to do (list, show, retry or delete)");
        }
        String verb = words.getFirst();
        boolean all = a.flag("--all");
        if (all && !verb.equals("retry")) {
            throw new UsageException("--all goes with retry only");
        }
        if (!verb.equals("list") && (a.flag("--json") || a.flag("--summary") || a.flag("--cluster")
                || a.option("--state").isPresent())) {
            throw new UsageException("--json, --summary, --state and --cluster go with list only");
        }
        if (a.flag("--cluster") && (a.flag("--json") || a.flag("--summary") || a.option("--state").isPresent()
                || a.option("--domain").isPresent())) {
            throw new UsageException("--cluster lists every node's whole queue: no --domain, --state, --json or --summary");
        }
        String domain = a.option("--domain").map(String::strip).orElse(null);
        if (domain != null && !verb.equals("list") && !verb.equals("retry") && !verb.equals("delete")) {
            throw new UsageException("--domain goes with list, retry and delete");
        }
        if (domain != null && all) {
            throw new UsageException("--all or --domain, not both");
        }
        return switch (verb) {
            case "list" -> {
                QueueListCommand.parse(a);
                yield new Request(Action.LIST, null);
            }
            case "retry" -> {
                if (all || domain != null) {
                    a.positionals(1, 1, "");
                    yield all ? new Request(Action.RETRY_ALL, null) : new Request(Action.RETRY_DOMAIN, null, domain);
                }
                yield new Request(Action.RETRY, id(a));
            }
            case "show" -> new Request(Action.SHOW, id(a));
            case "delete" -> {
                if (domain != null) {
                    a.positionals(1, 1, "");
                    yield new Request(Action.DELETE_DOMAIN, null, domain);
                }
                yield new Request(Action.DELETE, id(a));
            }
            default -> throw new UsageException("unknown queue command " + verb);
        };
    }

    private static QueueId id(Arguments a) {
        String id = a.positionals(2, 2, "the queue id (see tern queue list)").get(1);
        try {
            return new QueueId(id);
        } catch (IllegalArgumentException e) {
            throw new UsageException("not a queue id: " + id);
        }
    }

    private static String words(Action action) {
        return switch (action) {
            case RETRY_DOMAIN -> "retry --domain";
            case DELETE_DOMAIN -> "delete --domain";
            default -> action.name().toLowerCase(java.util.Locale.ROOT).replace("_", " --");
        };
    }

    @Override
    public int run(List<String> args, Terminal terminal) {
        if (EvacuateCommand.asks(args)) {
            return EvacuateCommand.run(args, terminal);
        }
        Arguments a = new Arguments(args, FLAGS, OPTIONS);
        Request request = parse(a);
        TernConfig config = terminal.config(a.option("--config"));
        if (a.flag("--cluster")) {
            return ClusterQueueList.run(config, terminal);
        }
        Path journalDir = config.server().dataDir().resolve("journal");
        try {
            return switch (request.action()) {
                case LIST -> QueueListCommand.run(QueueListCommand.parse(a), journalDir, terminal.out(), Instant.now());
                case SHOW -> show(request, journalDir, terminal);
                case RETRY, RETRY_ALL, DELETE -> act(request, config, journalDir, terminal);
                case RETRY_DOMAIN, DELETE_DOMAIN -> QueueDomainCommand.run(request.action() == Action.DELETE_DOMAIN,
                        request.domain(), config, terminal);
            };
        } catch (IOException e) {
            terminal.err().println("tern queue " + words(request.action()) + ": " + e.getMessage());
            return Exit.FAILURE;
        }
    }

    /**
     * Show reads the journal, the source of truth, whether the server runs or not: the fold of
     * its events is the queue.
     */
    private static int show(Request request, Path journalDir, Terminal terminal) {
        QueueState state = new QueueState();
        if (Files.isDirectory(journalDir)) {
            try (JournalReader reader = JournalReader.open(journalDir)) {
                reader.readAvailable(e -> {
                    if (e.id().equals(request.id())) { // one message's events: the rest of the queue is not kept
                        state.apply(e);
                    }
                });
            }
        }
        Instant now = Instant.now();
        var message = state.message(request.id());
        if (message.isEmpty()) {
            terminal.err().println("tern queue show: " + request.id() + " is not queued");
            return Exit.FAILURE;
        }
        terminal.out().print(QueueListing.detail(message.get(), now));
        return Exit.OK;
    }

    static QueueState fold(Path journalDir) {
        QueueState state = new QueueState();
        if (Files.isDirectory(journalDir)) {
            try (JournalReader reader = JournalReader.open(journalDir)) {
                reader.readAvailable(state::apply);
            }
        }
        return state;
    }

    /**
     * Retry and delete go to the running server through its admin listener, so its queue
     * manager, the one owner of the queue state, acts. When no server answers, the journal is
     * changed directly, holding the data directory's lock, and the server acts on it when it
     * starts; when the lock is held, a server runs without an admin listener that answers, and
     * nothing is written behind its back.
     */
    private static int act(Request request, TernConfig config, Path journalDir, Terminal terminal) throws IOException {
        Map<String, String> params = request.action() == Action.RETRY_ALL ? Map.of("all", "true")
                : Map.of("id", request.id().value());
        String path = request.action() == Action.DELETE ? "/queue/delete" : "/queue/retry";
        var answer = AdminClient.of(config).post(path, params);
        if (answer.isPresent()) {
            (answer.get().ok() ? terminal.out() : terminal.err()).println(answer.get().body());
            return answer.get().ok() ? Exit.OK : Exit.FAILURE;
        }
        try (DataDirLock lock = DataDirLock.acquire(config.server().dataDir())) {
            return offline(request, config, journalDir, terminal);
        } catch (DataDirLock.HeldException e) {
            terminal.err().println("tern queue " + words(request.action()) + ": a server is running on "
                    + config.server().dataDir() + " (" + e.lockFile() + " is held by process " + e.holder()
                    + ") but its admin listener (admin.listen: \"" + (config.admin().listen() == null ? ""
                    : config.admin().listen()) + "\") does not answer; nothing was changed");
            return Exit.FAILURE;
        }
    }

    /** The server is stopped and this command holds the lock: the journal is changed directly. */
    private static int offline(Request request, TernConfig config, Path journalDir, Terminal terminal) throws IOException {
        QueueState state = fold(journalDir);
        List<QueueId> ids = request.action() == Action.RETRY_ALL
                ? state.list().stream().map(QueueState.QueuedMessage::id).toList()
                : List.of(request.id());
        Instant now = Instant.now();
        try (Journal journal = Journal.open(journalDir, config.journal().sync(), java.time.InstantSource.system())) {
            for (QueueId id : ids) {
                var envelope = state.envelope(id);
                if (envelope.isEmpty()) {
                    terminal.err().println("tern queue " + words(request.action()) + ": " + id + " is not queued");
                    return Exit.FAILURE;
                }
                if (request.action() == Action.DELETE) {
                    byte[] message = acceptedBytes(journalDir, id);
                    new Badmail(config.server().dataDir()).store(envelope.get(), message, "deleted by operator", now);
                    journal.append(new JournalEvent.Badmailed(id, now, "deleted by operator")).join();
                    terminal.out().println(id + ": deleted (moved to Badmail); the server is not running");
                } else {
                    journal.append(new JournalEvent.RetryRequested(id, now)).join();
                }
            }
        }
        if (request.action() != Action.DELETE) {
            terminal.out().println(ids.size() + " message" + (ids.size() == 1 ? "" : "s")
                    + " due now; the server is not running, it delivers them when it starts");
        }
        return Exit.OK;
    }

    private static byte[] acceptedBytes(Path journalDir, QueueId id) {
        byte[][] found = new byte[1][];
        try (JournalReader reader = JournalReader.open(journalDir)) {
            reader.readAvailable(e -> {
                if (e instanceof JournalEvent.Accepted a && a.id().equals(id)) {
                    found[0] = a.message();
                }
            });
        }
        return found[0] == null ? new byte[0] : found[0];
    }
}
