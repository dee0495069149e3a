package tern.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import tern.config.TernConfig;
import tern.configfile.ConfigLoader;

/**
 * What a command gets from the process that runs it: where to write, the directory tern was
 * started from (relative paths in the configuration resolve against it) and the host name.
 * Tests build one over byte buffers and a temporary directory.
 */
record Terminal(PrintStream out, PrintStream err, Path workingDir, String hostName) {

    static Terminal system() {
        return new Terminal(System.out, System.err, Path.of("").toAbsolutePath(), HostName.get());
    }

    /** The file named by {@code --config}, or the defaults when there is none. */
    TernConfig config(Optional<String> file) {
        ConfigLoader loader = new ConfigLoader(workingDir, hostName);
        return file.map(f -> loader.load(Path.of(f))).orElseGet(loader::defaults);
    }

    /** The spot where a command's machinery is not in this build yet. */
    int notAvailable(String command) {
        err.println("tern " + command + ": not available yet");
        return Exit.NOT_AVAILABLE;
    }
}
