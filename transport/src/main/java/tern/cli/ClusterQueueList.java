package tern.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import tern.admin.AdminToken;
import tern.cluster.NodeRegistry;
import tern.config.TernConfig;

/**
 * {@code tern queue list --cluster}: every live node's queue, asked of its admin listener at
 * the address it published in the registry ({@code GET /queue/list}). A read, so no token, as
 * for the console's queue page: whoever reaches a node's {@code admin.listen} may read its
 * queue (so a cluster's admin listeners belong on a private network). A node that does not
 * answer is named, and the others are listed all the same.
 */
final class ClusterQueueList {

    private ClusterQueueList() {
    }

    static int run(TernConfig config, Terminal terminal) {
        if (!config.cluster().enabled()) {
            terminal.err().println("tern queue list --cluster: cluster.redis is not set: this is a single node");
            return Exit.FAILURE;
        }
        var registry = ClusterCommand.registry(config, terminal, "tern queue list --cluster");
        if (registry.isEmpty()) {
            return Exit.FAILURE;
        }
        List<NodeRegistry.Node> nodes = registry.get();
        Path token = AdminToken.file(config.server().dataDir());
        int failed = 0;
        for (NodeRegistry.Node node : nodes) {
            if (!node.alive()) {
                terminal.out().println("== " + node.name() + ": heartbeat expired, not asked");
                continue;
            }
            if (node.admin() == null) {
                terminal.out().println("== " + node.name() + ": no admin listener, not asked");
                failed++;
                continue;
            }
            terminal.out().println("== " + node.name() + " (" + node.admin() + ")");
            try {
                var answer = new AdminClient(node.admin(), token).get("/queue/list");
                if (answer.isEmpty()) {
                    terminal.out().println("   does not answer");
                    failed++;
                } else if (!answer.get().ok()) {
                    terminal.out().println("   " + answer.get().body());
                    failed++;
                } else {
                    terminal.out().print(answer.get().body());
                }
            } catch (IOException e) {
                terminal.out().println("   " + e.getMessage());
                failed++;
            }
        }
        return failed == 0 ? Exit.OK : Exit.FAILURE;
    }
}
