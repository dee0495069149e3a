package tern.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.admin.console.ConsoleSettings;
import tern.config.ConfigException;
import tern.config.Settings;
import tern.configfile.SettingsFile;

/**
 * The settings page's configuration: the file the server was started with, changed through
 * {@link SettingsFile} and applied with the same reload as SIGHUP and {@code tern reload}.
 * Without a file (every key at its default) the page is read-only.
 */
final class LiveSettings implements ConsoleSettings {
    private static final Logger log = LoggerFactory.getLogger("tern.server");

    /**
     * What a reload leaves as it was: listeners and the data directory are bound and opened once,
     * and the pools, resolver and journal mode are built at start.
     */
    static final Set<String> RESTART_KEYS = Set.of(
            "server.listen", "server.dataDir", "server.implicitTls", "server.submission", "server.tls.certificate",
            "server.tls.privateKey", "server.idleTimeout", "admin.listen", "delivery.connections.total",
            "delivery.connections.perDomain", "dns.servers", "dns.timeout", "journal.sync");

    private final Supplier<Settings> defaults;
    private final Supplier<String> reload;
    private volatile SettingsFile file;
    private volatile Settings fromFile;

    /**
     * @param defaults every key at its default: what the page shows without a file
     * @param reload   the server's reload: null on success, else why it failed
     */
    LiveSettings(Supplier<Settings> defaults, Supplier<String> reload) {
        this.defaults = defaults;
        this.reload = reload;
    }

    /** The server runs with {@code file}: the page shows it and writes to it. */
    void use(SettingsFile file) {
        this.file = file;
        this.fromFile = null;
    }

    /** The server reloaded (SIGHUP, {@code tern reload}, or here): read the file again when next asked. */
    void reloaded() {
        fromFile = null;
    }

    @Override
    public Optional<Path> file() {
        SettingsFile f = file;
        return f == null ? Optional.empty() : Optional.of(f.file());
    }

    @Override
    public Settings effective() {
        SettingsFile f = file;
        if (f == null) {
            return defaults.get();
        }
        Settings s = fromFile;
        if (s == null) {
            try {
                s = f.read().settings();
                fromFile = s;
            } catch (ConfigException e) {
                // Changed by hand into something that does not load: the server still runs the old one.
                log.warn("settings page: {} does not load: {}", f.file(), e.getMessage());
                return defaults.get();
            }
        }
        return s;
    }

    @Override
    public Set<String> restartKeys() {
        return RESTART_KEYS;
    }

    @Override
    public synchronized Change change(Map<String, String> values) {
        SettingsFile f = file;
        if (f == null) {
            return new Change(Map.of("", "no configuration file to change"), List.of(), List.of(), null);
        }
        SettingsFile.Edit edit;
        try {
            edit = f.edit(values);
            if (!edit.errors().isEmpty()) {
                return new Change(edit.errors(), List.of(), List.of(), null);
            }
            f.write(edit.text());
        } catch (IOException e) {
            return new Change(Map.of("", "cannot write " + f.file() + ": " + e.getMessage()), List.of(), List.of(), null);
        }
        fromFile = null;
        log.info("settings changed from the console: {} written to {}", edit.changed(), f.file());
        String problem = reload.get();
        List<String> restart = edit.changed().stream().filter(RESTART_KEYS::contains).toList();
        return new Change(Map.of(), edit.changed(), restart, problem);
    }
}
