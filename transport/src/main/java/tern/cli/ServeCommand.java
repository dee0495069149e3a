package tern.cli;

import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import tern.runtime.MailServer;
import java.util.Set;
import tern.config.TernConfig;

/** {@code tern serve}: the server in the foreground until it is stopped. */
final class ServeCommand implements Command {
    private static final Logger log = LoggerFactory.getLogger("tern.server");

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
                foreground until SIGTERM or Ctrl-C. The configuration: --config FILE, else
                $TERN_CONFIG, else /etc/tern/tern.yaml when it exists, else every key at its
                default (see README.md); relative paths resolve against the current directory.
                """;
    }

    @Override
    public int run(List<String> args, Terminal terminal) {
        Arguments a = new Arguments(args, Set.of(), Set.of("--config"));
        a.positionals(0, 0, "");
        ConfigSource source = terminal.configSource(a.option("--config"));
        TernConfig config = terminal.config(source);
        log.info("configuration: {}", source.describe());
        MailServer server;
        try {
            server = MailServer.start(config, InstantSource.system());
        } catch (IOException | RuntimeException e) {
            terminal.err().println("tern serve: cannot start: " + e.getMessage());
            return Exit.FAILURE;
        }
        var stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            server.shutdown(GRACE);
            stopped.countDown();
        };
        // Our own TERM and INT handlers, not a shutdown hook: the shutdown finishes the commits
        // in flight first, and the process then exits 0 (a hook would leave 143).
        for (String signal : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(signal), s -> Thread.ofPlatform().name("shutdown").start(stop));
        }
        // A reload rereads the file chosen at start, even if another one has appeared since.
        server.reloadFrom(() -> terminal.config(source));
        Signal.handle(new Signal("HUP"), s -> Thread.ofPlatform().name("reload").start(server::reload));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Exit.OK;
    }

    /** How long sessions and delivery attempts get to finish on SIGTERM. */
    static final Duration GRACE = Duration.ofSeconds(10);
}
