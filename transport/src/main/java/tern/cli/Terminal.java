package tern.cli;

import java.io.Console;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import tern.config.ConfigException;
import tern.config.ConfigReader;
import tern.config.TernConfig;
import tern.configfile.ConfigLoader;

/**
 * What a command gets from the process that runs it: where to write, the directory tern was
 * started from (relative paths in the configuration resolve against it), the host name as the
 * default {@code server.fqdn} and where to look for the configuration file
 * ({@link ConfigSource.Search}). Tests build one over byte buffers and a temporary directory.
 *
 * <p>{@code in} is standard input; {@code console} is the interactive terminal, or null when
 * standard input is not one (a pipe, a file, a test), so that a command can tell whether it
 * may prompt without echo ({@code tern user add}).
 */
record Terminal(PrintStream out, PrintStream err, Path workingDir, String hostName, InputStream in,
                Console console, ConfigSource.Search configSearch) {

    /** A terminal with no input, as most commands need none. */
    Terminal(PrintStream out, PrintStream err, Path workingDir, String hostName) {
        this(out, err, workingDir, hostName, InputStream.nullInputStream(), null);
    }

    /** A terminal that finds no configuration file but the one {@code --config} names. */
    Terminal(PrintStream out, PrintStream err, Path workingDir, String hostName, InputStream in, Console console) {
        this(out, err, workingDir, hostName, in, console, ConfigSource.Search.NOTHING);
    }

    static Terminal system() {
        Console console = System.console();
        // Since JDK 22 System.console() exists even when stdin is redirected; only a real
        // terminal may be prompted.
        return new Terminal(System.out, System.err, Path.of("").toAbsolutePath(), HostName.defaultFqdn(), System.in,
                console != null && console.isTerminal() ? console : null, ConfigSource.Search.system());
    }

    /** Which file {@code --config} (or its absence) means here: see {@link ConfigSource}. */
    ConfigSource configSource(Optional<String> option) {
        return configSearch.find(option);
    }

    /** The configuration {@code --config} (or its absence) means here. */
    TernConfig config(Optional<String> option) {
        return config(configSource(option));
    }

    TernConfig config(ConfigSource source) {
        return settings(source).config();
    }

    /** The configuration as {@link #config} reads it, with every key's effective value. */
    ConfigReader.Result settings(Optional<String> option) {
        return settings(configSource(option));
    }

    ConfigReader.Result settings(ConfigSource source) {
        ConfigLoader loader = new ConfigLoader(workingDir, hostName);
        if (source.origin() == ConfigSource.Origin.ENVIRONMENT
                && !Files.isReadable(workingDir.resolve(source.file().orElseThrow()))) {
            // Named after the variable, not --config, so the operator knows where to look.
            throw new ConfigException("$" + ConfigSource.ENVIRONMENT_VARIABLE, source.file().get(), "a readable file");
        }
        TernConfig config = source.file().map(loader::load).orElseGet(loader::defaults);
        return new ConfigReader.Result(config, loader.settings());
    }

    /** The spot where a command's machinery is not in this build yet. */
    int notAvailable(String command) {
        err.println("tern " + command + ": not available yet");
        return Exit.NOT_AVAILABLE;
    }
}
