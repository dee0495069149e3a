package tern.bench.sink;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import tern.bench.load.Flags;

/** {@code sink ...}: runs a {@link SmtpSink} until SIGTERM or Ctrl-C, then prints the totals. */
public final class SinkTool {
    private SinkTool() {
    }

    public static int run(String[] args) throws InterruptedException {
        SinkOptions options;
        try {
            options = SinkOptions.parse(args);
        } catch (Flags.UsageException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("sink: " + e.getMessage());
            }
            System.err.print(SinkOptions.USAGE);
            return e.getMessage().isEmpty() ? 0 : 2;
        } catch (IOException e) {
            System.err.println("sink: " + e.getMessage());
            return 2;
        }
        SmtpSink sink;
        try {
            sink = new SmtpSink(options, System.err);
        } catch (IOException e) {
            System.err.println("sink: cannot listen on " + options.listen() + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sink.close();
            System.err.println(sink.totals());
            System.err.flush();
            stopped.countDown();
        }, "sink-stop"));
        sink.start();
        System.err.println("sink: listening on " + options.listen()
                + (options.rules().isEmpty() ? "" : ", " + options.rules().rules().size() + " reply rule(s)")
                + (options.delay().isZero() ? "" : ", " + options.delay().toMillis() + " ms before every reply")
                + (options.countFile() == null ? "" : ", counting into " + options.countFile()));
        stopped.await();
        return 0;
    }
}
