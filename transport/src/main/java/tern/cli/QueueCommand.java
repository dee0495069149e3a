package tern.cli;

import java.util.List;
import java.util.Set;
import tern.config.TernConfig;
import tern.queue.QueueId;

/** {@code tern queue}: look at the queued messages and act on one or all of them. */
final class QueueCommand implements Command {

    /** What the operator asked for; {@code id} is null for list and retry --all. */
    record Request(Action action, QueueId id) {
    }

    enum Action {
        LIST, SHOW, RETRY, RETRY_ALL, DELETE
    }

    @Override
    public String name() {
        return "queue";
    }

    @Override
    public String summary() {
        return "list, show, retry or delete queued messages";
    }

    @Override
    public String usage() {
        return """
                usage: tern queue list [--config FILE]
                       tern queue show ID [--config FILE]
                       tern queue retry ID [--config FILE]
                       tern queue retry --all [--config FILE]
                       tern queue delete ID [--config FILE]

                list:   every queued message: id, age, size, sender, and each recipient
                        with its state, attempts and next attempt
                show:   one message in full
                retry:  attempt delivery now (--all: every queued message, a flush)
                delete: remove a message from the queue (journaled; no NDR is sent)
                """;
    }

    /** Parses the arguments alone: the tests check the grammar without any queue behind it. */
    static Request parse(Arguments a) {
        List<String> words = a.positionals();
        if (words.isEmpty()) {
            throw new UsageException("missing what to do (list, show, retry or delete)");
        }
        String verb = words.getFirst();
        boolean all = a.flag("--all");
        if (all && !verb.equals("retry")) {
            throw new UsageException("--all goes with retry only");
        }
        return switch (verb) {
            case "list" -> {
                a.positionals(1, 1, "");
                yield new Request(Action.LIST, null);
            }
            case "retry" -> {
                if (all) {
                    a.positionals(1, 1, "");
                    yield new Request(Action.RETRY_ALL, null);
                }
                yield new Request(Action.RETRY, id(a));
            }
            case "show" -> new Request(Action.SHOW, id(a));
            case "delete" -> new Request(Action.DELETE, id(a));
            default -> throw new UsageException("unknown queue command " + verb);
        };
    }

    private static QueueId id(Arguments a) {
        String id = a.positionals(2, 2, "the queue id (see tern queue list)").get(1);
        try {
            return new QueueId(id);
        } catch (IllegalArgumentException e) {
            throw new UsageException("not a queue id: " + id);
        }
    }

    private static String words(Action action) {
        return action.name().toLowerCase(java.util.Locale.ROOT).replace("_", " --");
    }

    @Override
    public int run(List<String> args, Terminal terminal) {
        Arguments a = new Arguments(args, Set.of("--all"), Set.of("--config"));
        Request request = parse(a);
        TernConfig config = terminal.config(a.option("--config"));
        // wired by the lead: LIST/SHOW read the queue state (the fold of the journal under
        // config.server().dataDir()); RETRY/RETRY_ALL/DELETE journal a RetryRequested or a
        // removal that the running server picks up. Return Exit.OK, or Exit.FAILURE for an
        // id that is not queued.
        return terminal.notAvailable("queue " + words(request.action()));
    }
}
