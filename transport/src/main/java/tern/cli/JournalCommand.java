package tern.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import tern.journal.EventFormat;
import tern.journal.JournalEvent;
import tern.journal.JournalReader;
import java.util.Set;
import tern.config.TernConfig;

/** {@code tern journal tail}: every journal event, oldest first, one line each. */
final class JournalCommand implements Command {
    @Override
    public String name() {
        return "journal";
    }

    @Override
    public String summary() {
        return "print the journal's events (tail [--follow] [--json])";
    }

    @Override
    public String usage() {
        return """
                usage: tern journal tail [--config FILE] [--follow] [--json]

                Prints every event in the journal under server.dataDir, oldest first, one
                line each. --follow keeps printing new events as they are appended;
                --json prints one JSON object per line instead of text.
                """;
    }

    @Override
    public int run(List<String> args, Terminal terminal) {
        Arguments a = new Arguments(args, Set.of("--follow", "--json"), Set.of("--config"));
        List<String> words = a.positionals(1, 1, "what to do with the journal (tail)");
        if (!words.getFirst().equals("tail")) {
            throw new UsageException("unknown journal command " + words.getFirst());
        }
        TernConfig config = terminal.config(a.option("--config"));
        boolean follow = a.flag("--follow");
        boolean json = a.flag("--json");
        Path dir = config.server().dataDir().resolve("journal");
        if (!Files.isDirectory(dir)) {
            terminal.err().println("tern journal tail: no journal at " + dir);
            return Exit.FAILURE;
        }
        try (JournalReader reader = JournalReader.open(dir)) {
            Consumer<JournalEvent> print = event -> terminal.out().println(json ? EventFormat.json(event) : EventFormat.text(event));
            reader.readAvailable(print);
            terminal.out().flush();
            if (follow) {
                reader.follow(event -> {
                    print.accept(event);
                    terminal.out().flush();
                });
            }
        }
        return Exit.OK;
    }
}
