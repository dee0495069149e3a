package tern.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Which configuration file a command reads, and why that one: {@code --config FILE}, else
 * {@code $TERN_CONFIG}, else the system file {@code /etc/tern/tern.yaml} when it exists, else
 * none (every key at its default). The first two are the operator naming a file, so a missing
 * one is an error; the system file is only a place to look, so its absence is not.
 */
record ConfigSource(Optional<Path> file, Origin origin) {

    /** The path a package or the dist's instructions install the configuration to. */
    static final Path SYSTEM_FILE = Path.of("/etc/tern/tern.yaml");

    /** The environment variable that names the file when {@code --config} does not. */
    static final String ENVIRONMENT_VARIABLE = "TERN_CONFIG";

    enum Origin {
        OPTION("--config"),
        ENVIRONMENT("$" + ENVIRONMENT_VARIABLE),
        SYSTEM_FILE("the system file"),
        DEFAULTS("no file");

        private final String description;

        Origin(String description) {
            this.description = description;
        }
    }

    /**
     * Where to look besides {@code --config}: the value of {@code $TERN_CONFIG} (null when
     * unset) and the system file's path. Tests give their own instead of the process's.
     */
    record Search(String environmentValue, Path systemFile) {

        /** The process's environment and {@link #SYSTEM_FILE}. */
        static Search system() {
            return from(System.getenv(), SYSTEM_FILE);
        }

        static Search from(Map<String, String> environment, Path systemFile) {
            return new Search(environment.get(ENVIRONMENT_VARIABLE), systemFile);
        }

        /** Nothing to find: without --config, the defaults. */
        static final Search NOTHING = new Search(null, null);

        ConfigSource find(Optional<String> option) {
            if (option.isPresent()) {
                return new ConfigSource(Optional.of(Path.of(option.get())), Origin.OPTION);
            }
            if (environmentValue != null && !environmentValue.isBlank()) {
                return new ConfigSource(Optional.of(Path.of(environmentValue.trim())), Origin.ENVIRONMENT);
            }
            if (systemFile != null && Files.exists(systemFile)) {
                return new ConfigSource(Optional.of(systemFile), Origin.SYSTEM_FILE);
            }
            return new ConfigSource(Optional.empty(), Origin.DEFAULTS);
        }
    }

    /** One phrase for the start-up log: {@code /etc/tern/tern.yaml (the system file)}. */
    String describe() {
        return file.map(f -> f + " (from " + origin.description + ")")
                .orElse("none (no --config, no $" + ENVIRONMENT_VARIABLE + ", no " + SYSTEM_FILE
                        + "): every key at its default");
    }
}
