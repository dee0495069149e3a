package tern.cli;

import java.io.Console;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import tern.config.ConfigReader;
import tern.config.TernConfig;
import tern.configfile.ConfigLoader;

/**
 * What a command gets from the process that runs it: where to write, the directory tern was
 * started from (relative paths in the configuration resolve against it) and the host name.
 * Tests build one over byte buffers and a temporary directory.
 *
 * <p>{@code in} is standard input; {@code console} is the interactive terminal, or null when
 * standard input is not one (a pipe, a file, a test), so that a command can tell whether it
 * may prompt without echo ({@code tern user add}).
 */
record Terminal(PrintStream out, PrintStream err, Path workingDir, String hostName, InputStream in,
                Console console) {

    /** A terminal with no input, as most commands need none. */
    Terminal(PrintStream out, PrintStream err, Path workingDir, String hostName) {
        this(out, err, workingDir, hostName, InputStream.nullInputStream(), null);
    }

    static Terminal system() {
        Console console = System.console();
        // Since JDK 22 System.console() exists even when stdin is redirected; only a real
        // terminal may be prompted.
        return new Terminal(System.out, System.err, Path.of("").toAbsolutePath(), HostName.get(), System.in,
                console != null && console.isTerminal() ? console : null);
    }

    /** The file named by {@code --config}, or the defaults when there is none. */
    TernConfig config(Optional<String> file) {
        return settings(file).config();
    }

    /** The configuration as {@link #config} reads it, with every key's effective value. */
    ConfigReader.Result settings(Optional<String> file) {
        ConfigLoader loader = new ConfigLoader(workingDir, hostName);
        TernConfig config = file.map(f -> loader.load(Path.of(f))).orElseGet(loader::defaults);
        return new ConfigReader.Result(config, loader.settings());
    }

    /** The spot where a command's machinery is not in this build yet. */
    int notAvailable(String command) {
        err.println("tern " + command + ": not available yet");
        return Exit.NOT_AVAILABLE;
    }
}
