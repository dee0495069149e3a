package tern.cli;

import java.util.List;

/** {@code tern bench load|sink}: the end-to-end load tools (an SMTP load generator, a counting sink). */
final class BenchCommand implements Command {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "SMTP load generator and counting sink (load ... | sink ...)";
    }

    @Override
    public String usage() {
        return """
                usage: tern bench load [OPTIONS]
                       tern bench sink [OPTIONS]

                load: sends messages to an SMTP server and reports throughput and latency
                sink: an SMTP server that accepts and counts messages, for delivery runs
                OPTIONS belong to each tool; see tern bench load --help.
                """;
    }

    /** After the tool's name, --help belongs to the tool. */
    @Override
    public boolean asksForHelp(List<String> args) {
        return !args.isEmpty() && (args.getFirst().equals("--help") || args.getFirst().equals("-h"));
    }

    @Override
    public int run(List<String> args, Terminal terminal) {
        if (args.isEmpty()) {
            throw new UsageException("missing the tool (load or sink)");
        }
        String tool = args.getFirst();
        if (!tool.equals("load") && !tool.equals("sink")) {
            throw new UsageException("unknown bench tool " + tool);
        }
        // The tools live in the bench module's jar; the ./tern launcher runs them from there
        // and never reaches this point. Here tern.jar was started by hand.
        terminal.err().println("tern bench " + tool + ": the load tools are in bench/target/tern-bench.jar;"
                + " run ./tern bench " + tool + " (or java -cp bench/target/tern-bench.jar tern.bench.BenchMain "
                + tool + ")");
        return Exit.NOT_AVAILABLE;
    }
}
