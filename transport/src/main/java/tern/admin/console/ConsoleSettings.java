package tern.admin.console;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tern.config.Settings;

/** The configuration as the settings page reads and changes it, supplied by the running server. */
public interface ConsoleSettings {

    /**
     * What a change did.
     *
     * @param errors        key to the message that names it; nothing was written when not empty
     * @param changed       the keys written to the file
     * @param needRestart   of those, the ones a reload does not apply
     * @param reloadProblem why the reload after writing failed; null when it succeeded
     */
    record Change(Map<String, String> errors, List<String> changed, List<String> needRestart, String reloadProblem) {
    }

    /** The file changes are written to; empty when the server runs without one (read-only page). */
    Optional<Path> file();

    /** Every key's value in force. */
    Settings effective();

    /** The keys a reload does not apply: they take effect at the next start. */
    Set<String> restartKeys();

    /**
     * Checks each value (key to what the operator typed; "" = back to the default) with the
     * configuration's own rules, writes the file (the old one kept as {@code <file>.bak}) and
     * reloads.
     */
    Change change(Map<String, String> values);
}
