package tern.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import tern.cluster.NodeRegistry;
import tern.cluster.RedisLink;
import tern.config.Durations;
import tern.config.TernConfig;

/**
 * {@code tern cluster status}: the nodes that share {@code cluster.redis}, read from the
 * registry in Redis (no node's admin listener is asked, so it works while nodes are down).
 */
final class ClusterCommand implements Command {

    static final Duration CONNECT = Duration.ofSeconds(5);

    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public String summary() {
        return "the nodes sharing cluster.redis: heartbeat, queue size, oldest message";
    }

    @Override
    public String usage() {
        return """
                usage: tern cluster status [--config FILE]

                Lists every node that has sent a heartbeat to cluster.redis in the last day:
                its state (alive, or expired when three heartbeats were missed: stopped,
                dead, or cut off from Redis), its last heartbeat, queued messages and
                recipients, the age of its oldest message, and its admin listener.
                """;
    }

    @Override
    public int run(List<String> args, Terminal terminal) {
        Arguments a = new Arguments(args, Set.of(), Set.of("--config"));
        List<String> words = a.positionals(1, 1, "what to show (status)");
        if (!words.getFirst().equals("status")) {
            throw new UsageException("unknown cluster command " + words.getFirst());
        }
        TernConfig config = terminal.config(a.option("--config"));
        if (!config.cluster().enabled()) {
            terminal.err().println("tern cluster status: cluster.redis is not set: this is a single node");
            return Exit.FAILURE;
        }
        var nodes = registry(config, terminal, "tern cluster status");
        if (nodes.isEmpty()) {
            return Exit.FAILURE;
        }
        terminal.out().print(table(nodes.get(), Instant.now()));
        return Exit.OK;
    }

    /**
     * The nodes in the cluster's registry, read from Redis; empty (and said on standard error,
     * after {@code name}) when Redis does not answer.
     */
    static java.util.Optional<List<NodeRegistry.Node>> registry(TernConfig config, Terminal terminal, String name) {
        try (RedisLink redis = RedisLink.open(config.cluster().redis(), config.cluster().node())) {
            if (!redis.awaitUp(CONNECT)) {
                terminal.err().println(name + ": Redis " + config.cluster().redis() + " does not answer ("
                        + redis.problem() + ")");
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(NodeRegistry.nodes(redis).get(30, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            terminal.err().println(name + ": Redis " + config.cluster().redis() + " did not answer: " + cause.getMessage());
        } catch (java.util.concurrent.TimeoutException e) {
            terminal.err().println(name + ": Redis " + config.cluster().redis() + " did not answer in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            terminal.err().println(name + ": interrupted");
        }
        return java.util.Optional.empty();
    }

    static String table(List<NodeRegistry.Node> nodes, Instant now) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-24s %-8s %-24s %9s %10s %8s  %s%n",
                "NODE", "STATE", "LAST HEARTBEAT", "MESSAGES", "RECIPIENTS", "OLDEST", "ADMIN"));
        int alive = 0;
        for (NodeRegistry.Node n : nodes) {
            alive += n.alive() ? 1 : 0;
            sb.append(String.format(Locale.ROOT, "%-24s %-8s %-24s %9s %10s %8s  %s%n", n.name(),
                    n.alive() ? "alive" : "expired", n.heartbeat().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                    n.alive() ? Long.toString(n.messages()) : "-", n.alive() ? Long.toString(n.recipients()) : "-",
                    n.oldest() == null || !n.alive() ? "-"
                            : Durations.format(Duration.ofSeconds(Math.max(0, Duration.between(n.oldest(), now).toSeconds()))),
                    n.admin() == null ? "-" : n.admin()));
        }
        sb.append(nodes.size()).append(nodes.size() == 1 ? " node, " : " nodes, ").append(alive).append(" alive, ")
                .append(nodes.size() - alive).append(" expired\n");
        return sb.toString();
    }
}
