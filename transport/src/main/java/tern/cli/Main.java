package tern.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import tern.config.ConfigException;
import tern.logging.LogFormat;

/**
 * {@code tern COMMAND ...}: picks the subcommand and turns what goes wrong into one line on
 * stderr and an exit code (64 usage, 78 configuration, 70 a bug). The launcher script at the
 * repository root runs this with the JVM flags Chronicle Queue needs.
 */
public final class Main {
    static final List<Command> COMMANDS = List.of(
            new ServeCommand(), new JournalCommand(), new QueueCommand(), new RouteCommand(),
            new ReloadCommand(), new BenchCommand(), new UserCommand(), new ConfigCommand(), new SendmailCommand(), new DkimCommand(),
            new ClusterCommand());

    private Main() {
    }

    public static void main(String[] args) {
        try {
            LogFormat.chosen(); // before anything logs: a misspelt format would otherwise go unnoticed
        } catch (ConfigException e) {
            System.err.println("tern: config error: " + e.getMessage());
            System.exit(Exit.CONFIG);
        }
        int code = run(args, Terminal.system());
        System.out.flush();
        if (code != Exit.OK) {
            System.exit(code);
        }
    }

    /** Everything {@link #main} does except leaving the JVM: returns the exit code. */
    static int run(String[] args, Terminal terminal) {
        if (args.length == 0) {
            terminal.err().print(usage());
            return Exit.USAGE;
        }
        String first = args[0];
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        switch (first) {
            case "help", "--help", "-h" -> {
                return help(rest, terminal);
            }
            case "--version", "version" -> {
                terminal.out().println("tern " + version());
                return Exit.OK;
            }
            default -> {
            }
        }
        Command command = find(first);
        if (command == null) {
            terminal.err().println("tern: unknown command '" + first + "'; run 'tern help' for the list");
            return Exit.USAGE;
        }
        if (command.asksForHelp(rest)) {
            terminal.out().print(command.usage());
            return Exit.OK;
        }
        try {
            return command.run(rest, terminal);
        } catch (UsageException e) {
            terminal.err().println("tern " + command.name() + ": " + e.getMessage());
            terminal.err().print(command.usage());
            return Exit.USAGE;
        } catch (ConfigException e) {
            terminal.err().println("tern: config error: " + oneLine(e.getMessage()));
            return Exit.CONFIG;
        } catch (RuntimeException e) {
            terminal.err().println("tern " + command.name() + ": internal error: " + oneLine(String.valueOf(e)));
            if (System.getenv("TERN_DEBUG") != null) {
                e.printStackTrace(terminal.err());
            }
            return Exit.SOFTWARE;
        }
    }

    private static int help(List<String> rest, Terminal terminal) {
        if (rest.isEmpty()) {
            terminal.out().print(usage());
            return Exit.OK;
        }
        Command command = find(rest.getFirst());
        if (command == null) {
            terminal.err().println("tern: unknown command '" + rest.getFirst() + "'; run 'tern help' for the list");
            return Exit.USAGE;
        }
        terminal.out().print(command.usage());
        return Exit.OK;
    }

    private static Command find(String name) {
        return COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    static String usage() {
        StringBuilder sb = new StringBuilder("usage: tern COMMAND [ARGS]\n\ncommands:\n");
        for (Command c : COMMANDS) {
            sb.append(String.format("  %-9s %s%n", c.name(), c.summary()));
        }
        sb.append(String.format("  %-9s %s%n", "help", "this list; help COMMAND for one command"));
        sb.append("\noptions: --version, --help; every command takes --help\n");
        return sb.toString();
    }

    /** The version Maven wrote into the jar; a build from classes has none. */
    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("/META-INF/maven/dev.tern/tern-transport/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "(unknown version)");
            }
        } catch (IOException e) {
            // fall through: a version is not worth failing for
        }
        return "(development build)";
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
