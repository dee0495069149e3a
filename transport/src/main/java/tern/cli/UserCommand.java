package tern.cli;

import java.util.List;
import java.util.Set;
import tern.config.TernConfig;
import tern.configfile.Syntax;

/** {@code tern user add ADDRESS}: a mailbox user for authenticated submission. */
final class UserCommand implements Command {
    @Override
    public String name() {
        return "user";
    }

    @Override
    public String summary() {
        return "add a user (user add ADDRESS)";
    }

    @Override
    public String usage() {
        return """
                usage: tern user add ADDRESS [--config FILE]

                Adds the user ADDRESS (local-part@domain); the password is read from
                standard input.
                """;
    }

    @Override
    public int run(List<String> args, Terminal terminal) {
        Arguments a = new Arguments(args, Set.of(), Set.of("--config"));
        List<String> words = a.positionals(1, 2, "what to do (add ADDRESS)");
        if (!words.getFirst().equals("add")) {
            throw new UsageException("unknown user command " + words.getFirst());
        }
        if (words.size() < 2) {
            throw new UsageException("missing the user's ADDRESS");
        }
        if (!Syntax.isMailbox(words.get(1))) {
            throw new UsageException("not a mail address: " + words.get(1));
        }
        TernConfig config = terminal.config(a.option("--config"));
        // wired by the lead: store the user (and the password from stdin) under
        // config.server().dataDir(); return Exit.OK.
        return terminal.notAvailable("user add");
    }
}
