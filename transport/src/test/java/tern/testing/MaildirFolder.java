package tern.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What tests read of a Maildir: the messages in its {@code new/} folder. */
public final class MaildirFolder {
    private MaildirFolder() {
    }

    /** The messages in {@code maildir/new}, by file name (oldest first); none when it does not exist yet. */
    public static List<String> messages(Path maildir) {
        Path fresh = maildir.resolve("new");
        if (!Files.isDirectory(fresh)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(fresh)) {
            return files.sorted().map(f -> {
                try {
                    return Files.readString(f, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
