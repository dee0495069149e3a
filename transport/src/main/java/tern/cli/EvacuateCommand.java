package tern.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tern.cluster.QueueLease;
import tern.config.TernConfig;
import tern.delivery.Evacuation;
import tern.fs.DataDirIdentity;
import tern.fs.DataDirLock;

/**
 * {@code tern queue evacuate --to HOST:PORT [--data-dir DIR]}: hands every queued message to
 * another MTA. Without {@code --data-dir} the running server does it (its queue manager owns
 * the queue), asked through the admin listener; with it, this command does it itself on a
 * stopped node's data directory, holding that directory's lock and, when {@code cluster.redis}
 * is set, the Redis takeover lease for it.
 */
final class EvacuateCommand {

    /** How long the takeover lease lives unless renewed: what a node that dies mid-way keeps it for. */
    static final Duration LEASE_TTL = Duration.ofSeconds(30);

    /** {@code --to} and {@code --data-dir} (null: the running server's own queue). */
    record Request(String to, Path dataDir) {
    }

    private static final Set<String> VALUE_OPTIONS = Set.of("--config", "--to", "--data-dir");

    /** Whether {@code tern queue ARGS} asks for an evacuation: "evacuate" as the verb, not an option's value. */
    static boolean asks(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                return i + 1 < args.size() && args.get(i + 1).equals("evacuate");
            }
            if (VALUE_OPTIONS.contains(arg)) {
                i++; // its value
            } else if (!arg.startsWith("-")) {
                return arg.equals("evacuate");
            }
        }
        return false;
    }

    static Request parse(Arguments a) {
        a.positionals(1, 1, "");
        String to = a.option("--to").orElseThrow(() -> new UsageException(
                "evacuate needs --to HOST:PORT, the MTA that takes the messages"));
        try {
            Evacuation.peer(to);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return new Request(to, a.option("--data-dir").map(Path::of).orElse(null));
    }

    static int run(List<String> args, Terminal terminal) {
        Arguments a = new Arguments(args, Set.of(), VALUE_OPTIONS);
        Request request = parse(a);
        TernConfig config = terminal.config(a.option("--config"));
        try {
            return request.dataDir() == null ? viaServer(request, config, terminal)
                    : stoppedNode(request, terminal.workingDir().resolve(request.dataDir()), config, terminal);
        } catch (IOException e) {
            terminal.err().println("tern queue evacuate: " + e.getMessage());
            return Exit.FAILURE;
        }
    }

    /** The running server's queue manager hands its queue over; this prints what it answers. */
    private static int viaServer(Request request, TernConfig config, Terminal terminal) throws IOException {
        var answer = AdminClient.of(config).post("/queue/evacuate", Map.of("to", request.to()), null);
        if (answer.isEmpty()) {
            terminal.err().println("tern queue evacuate: no server answers on admin.listen (\""
                    + (config.admin().listen() == null ? "" : config.admin().listen()) + "\"); for a stopped node's"
                    + " queue give its data directory: --data-dir DIR");
            return Exit.FAILURE;
        }
        var a = answer.get();
        if (a.status() == 200 || a.status() == 502) { // 502: the report, with messages that stayed
            terminal.out().print(a.body());
            return a.status() == 200 ? Exit.OK : Exit.FAILURE;
        }
        terminal.err().println("tern queue evacuate: " + a.body());
        return Exit.FAILURE;
    }

    /**
     * A stopped node: its lock first (a server running there is refused), then the lease when
     * the cluster shares Redis, then the journal. The lease is named after the data directory's
     * id, which travels with its disk, so two machines that mount it cannot both take it over.
     */
    private static int stoppedNode(Request request, Path dataDir, TernConfig config, Terminal terminal)
            throws IOException {
        Path journalDir = dataDir.resolve("journal");
        if (!Files.isDirectory(journalDir)) {
            terminal.err().println("tern queue evacuate: " + dataDir + " holds no journal/: not a Tern data directory");
            return Exit.FAILURE;
        }
        InetSocketAddress peer = Evacuation.peer(request.to());
        try (DataDirLock lock = DataDirLock.acquire(dataDir)) {
            String redis = config.cluster().redis();
            if (redis == null) {
                return evacuate(peer, journalDir, config, null, terminal);
            }
            String node = config.cluster().node() != null ? config.cluster().node() : config.server().fqdn();
            try (QueueLease lease = QueueLease.acquire(redis, DataDirIdentity.of(dataDir), node, LEASE_TTL)) {
                return evacuate(peer, journalDir, config, lease, terminal);
            } catch (QueueLease.HeldElsewhere e) {
                terminal.err().println("tern queue evacuate: " + e.getMessage() + "; nothing was sent");
                return Exit.FAILURE;
            }
        } catch (DataDirLock.HeldException e) {
            terminal.err().println("tern queue evacuate: a server is running on " + dataDir + " (" + e.lockFile()
                    + " is held by process " + e.holder() + "): stop it, or evacuate through it without --data-dir;"
                    + " nothing was sent");
            return Exit.FAILURE;
        }
    }

    private static int evacuate(InetSocketAddress peer, Path journalDir, TernConfig config, QueueLease lease,
                                Terminal terminal) throws IOException {
        var evacuation = new Evacuation(peer, Evacuation.settings(config), InstantSource.system());
        try (StoppedNodeQueue queue = new StoppedNodeQueue(journalDir, InstantSource.system())) {
            var report = evacuation.run(queue, lease == null ? () -> true : lease::held,
                    result -> terminal.out().println(result.line()));
            terminal.out().println(report.total());
            return report.complete() ? Exit.OK : Exit.FAILURE;
        }
    }
}
