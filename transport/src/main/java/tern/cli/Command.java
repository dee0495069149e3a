package tern.cli;

import java.util.List;

/** One subcommand of {@code tern}: its name, its usage text, and how it runs. */
interface Command {
    /** The word that selects it: {@code serve}, {@code queue}. */
    String name();

    /** One line for {@code tern help}. */
    String summary();

    /** The full usage text, shown by {@code tern NAME --help} and after a usage error. */
    String usage();

    /** True when {@code args} ask for this command's usage rather than running it. */
    default boolean asksForHelp(List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }

    /**
     * Runs with the arguments after the command's name.
     *
     * @return the exit code
     * @throws UsageException when the arguments do not fit
     * @throws tern.config.ConfigException when the configuration file is wrong
     */
    int run(List<String> args, Terminal terminal);
}
