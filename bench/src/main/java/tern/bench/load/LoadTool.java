package tern.bench.load;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code load ...}: the command-line face of {@link LoadRun}. */
public final class LoadTool {
    private LoadTool() {
    }

    /** Runs the tool; returns the process exit status. */
    public static int run(String[] args) throws InterruptedException {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (Flags.UsageException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("load: " + e.getMessage());
            }
            System.err.print(LoadOptions.USAGE);
            return e.getMessage().isEmpty() ? 0 : 2;
        }
        LoadRun run = new LoadRun(options, options.progress() ? System.err : null);
        TestMessages m = run.messages();
        if (m.messageSize() != options.size()) {
            System.err.printf("load: --size %d is below the headers' size; every message is %d bytes%n",
                    options.size(), m.messageSize());
        }
        PrintStream human = options.json() ? System.err : System.out;
        AtomicBoolean reported = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        // Ctrl-C: stop sending, let messages in flight finish briefly, then say what was done
        Thread hook = new Thread(() -> {
            if (finished.getCount() > 0) {
                run.abort("interrupted");
                try {
                    finished.await(options.timeout().toMillis() > 2000 ? 2000 : options.timeout().toMillis(),
                            java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException ignored) {
                    // report what we have
                }
                report(run.summary(), options, human, reported);
            }
        }, "load-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        LoadSummary summary = run.run();
        finished.countDown();
        report(summary, options, human, reported);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
        return summary.allAcknowledged() ? 0 : 1;
    }

    private static void report(LoadSummary summary, LoadOptions options, PrintStream human, AtomicBoolean reported) {
        if (!reported.compareAndSet(false, true)) {
            return;
        }
        human.print(summary.text());
        human.flush();
        if (options.json()) {
            System.out.println(summary.json());
            System.out.flush();
        }
    }
}
