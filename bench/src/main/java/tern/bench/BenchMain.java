package tern.bench;

import tern.bench.load.LoadTool;
import tern.bench.sink.SinkTool;

/**
 * The operator's load tools: {@code load} (an SMTP load generator) and {@code sink}
 * (a counting SMTP server with failure injection). JMH benchmarks run through JMH's
 * own main class in the same jar.
 */
public final class BenchMain {
    private static final String USAGE = """
            usage: java -cp tern-bench.jar tern.bench.BenchMain load|sink|deferred [flags]   (./tern bench ...)
              load   send N messages over C connections and report msgs/s, latency and errors
              sink   accept and count mail, optionally failing some of it on purpose
              deferred  write a journal of N deferred messages (a next hop down), fast, for restart runs
            "load --help" and "sink --help" list the flags; bench/README.md explains them.
            """;

    private BenchMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length == 0) {
            System.err.print(USAGE);
            System.exit(2);
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        int status = switch (args[0]) {
            case "load" -> LoadTool.run(rest);
            case "sink" -> SinkTool.run(rest);
            case "deferred" -> DeferredQueueTool.run(rest);
            case "help", "--help", "-h" -> {
                System.out.print(USAGE);
                yield 0;
            }
            default -> {
                System.err.println("unknown tool: " + args[0]);
                System.err.print(USAGE);
                yield 2;
            }
        };
        System.exit(status);
    }
}
