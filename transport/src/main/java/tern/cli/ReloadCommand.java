package tern.cli;

import java.util.List;
import java.util.Set;
import tern.config.TernConfig;

/** {@code tern reload}: the running server rereads its configuration. */
final class ReloadCommand implements Command {
    @Override
    public String name() {
        return "reload";
    }

    @Override
    public String summary() {
        return "make the running server reread its configuration";
    }

    @Override
    public String usage() {
        return """
                usage: tern reload [--config FILE]

                Checks FILE first (a wrong key stops here, not in the server), then asks
                the server listening on admin.listen to reread its configuration.
                """;
    }

    @Override
    public int run(List<String> args, Terminal terminal) {
        Arguments a = new Arguments(args, Set.of(), Set.of("--config"));
        a.positionals(0, 0, "");
        TernConfig config = terminal.config(a.option("--config"));
        if (config.admin().listen() == null) {
            terminal.err().println("tern reload: admin.listen is off, so the server cannot be reached");
            return Exit.FAILURE;
        }
        try {
            var answer = AdminClient.of(config).post("/reload", java.util.Map.of());
            if (answer.isEmpty()) {
                terminal.err().println("tern reload: no server answers on " + config.admin().listen());
                return Exit.FAILURE;
            }
            (answer.get().ok() ? terminal.out() : terminal.err()).println(answer.get().body());
            return answer.get().ok() ? Exit.OK : Exit.FAILURE;
        } catch (java.io.IOException e) {
            terminal.err().println("tern reload: " + e.getMessage());
            return Exit.FAILURE;
        }
    }
}
