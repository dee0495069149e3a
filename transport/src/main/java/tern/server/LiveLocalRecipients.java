package tern.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import tern.config.ConfigException;
import tern.envelope.Recipient;
import tern.recipient.LocalRecipients;

/**
 * The {@code domains.recipients} file as RCPT sees it: loaded at start (missing or malformed,
 * start-up stops naming the key) and again whenever it changes ({@link LiveFile}), so adding a
 * user or an alias needs no restart. An edit that breaks the file keeps the table loaded
 * before, and the log says why.
 *
 * <p>{@link #accept} runs on the event loop: it costs one {@code stat} of the file, and a
 * parse of it only after a change.
 */
final class LiveLocalRecipients {

    static final String KEY = "domains.recipients";

    private final LiveFile<LocalRecipients> file;

    LiveLocalRecipients(Path path) {
        this.file = new LiveFile<>(path, "recipients file", LiveLocalRecipients::load, t -> t.size() + " entries");
    }

    Path path() {
        return file.path();
    }

    /** What an accepted RCPT of a local domain stands for; empty for an unknown recipient. */
    List<Recipient> accept(Recipient recipient) {
        return file.current().accept(recipient);
    }

    private static LocalRecipients load(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(KEY, path, "an existing file of local recipients");
        } catch (IOException e) {
            throw new ConfigException(KEY, path, "a readable UTF-8 file of local recipients (" + e + ")");
        }
        return LocalRecipients.parse(text, path.toString());
    }
}
