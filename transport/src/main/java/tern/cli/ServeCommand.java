package tern.cli;

import java.util.List;
import java.util.Set;
import tern.config.TernConfig;

/** {@code tern serve}: the server in the foreground until it is stopped. */
final class ServeCommand implements Command {
    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "run the server in the foreground";
    }

    @Override
    public String usage() {
        return """
                usage: tern serve [--config FILE]

                Runs the SMTP server, the delivery workers and the admin endpoint in the
                foreground until SIGTERM or Ctrl-C. Without --config every key has its
                default (see README.md); relative paths resolve against the current directory.
                """;
    }

    @Override
    public int run(List<String> args, Terminal terminal) {
        Arguments a = new Arguments(args, Set.of(), Set.of("--config"));
        a.positionals(0, 0, "");
        TernConfig config = terminal.config(a.option("--config"));
        // wired by the lead: start the journal, the queue, the delivery workers and the SMTP
        // server from `config`, then block until shutdown and return Exit.OK.
        return terminal.notAvailable(name());
    }
}
