package tern.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Sends the messages: one virtual thread per connection, each taking the next message
 * number from a shared counter (closed loop), or waiting for that number's slot in the
 * schedule when a rate is set (open loop: message i is due at start + i/R).
 */
public final class LoadRun {
    /** Consecutive failed connection attempts after which a worker concludes the target is down. */
    private static final int CONNECT_ATTEMPTS = 8;

    private final LoadOptions options;
    private final TestMessages messages;
    private final byte[] mailCommand;
    private final PrintStream progressOut;
    private final AtomicBoolean aborted = new AtomicBoolean();
    private volatile String abortReason;
    private volatile LoadStats current;
    private volatile String phase = "";
    private volatile long phaseMessages;

    /** @param progressOut where the live progress line goes, or null for none */
    public LoadRun(LoadOptions options, PrintStream progressOut) {
        this.options = options;
        this.messages = new TestMessages(options.size(), options.from(), options.to(), options.toDomains());
        this.mailCommand = ("MAIL FROM:<" + options.from() + ">\r\n").getBytes(StandardCharsets.US_ASCII);
        this.progressOut = progressOut;
    }

    public TestMessages messages() {
        return messages;
    }

    /** Runs the warm-up (if any) and the measured run; returns the measured run's summary. */
    public LoadSummary run() throws InterruptedException {
        if (options.warmup() > 0) {
            phase("warmup", options.warmup(), 0);
            if (aborted.get()) {
                return summary();
            }
        }
        phase("", options.messages(), options.warmup());
        return summary();
    }

    /** Stops sending new messages (Ctrl-C); messages in flight still finish. */
    public void abort(String reason) {
        abortReason = reason;
        aborted.set(true);
    }

    /** The figures of the measured run so far; safe to call while it runs. */
    public LoadSummary summary() {
        LoadStats s = current;
        return LoadSummary.of(options, messages, s == null ? new LoadStats() : s, s == null ? 0 : nanosSoFar(s),
                abortReason);
    }

    private static long nanosSoFar(LoadStats s) {
        long start = s.firstStartNanos.get();
        long end = s.lastReplyNanos.get();
        return start == 0 || end < start ? 0 : end - start;
    }

    private void phase(String name, long count, long firstSeq) throws InterruptedException {
        LoadStats stats = new LoadStats();
        this.phase = name;
        this.phaseMessages = count;
        this.current = stats;
        AtomicLong next = new AtomicLong();
        long start = System.nanoTime();
        stats.firstStartNanos.set(start);
        stats.startEpochMillis = System.currentTimeMillis();
        int workers = (int) Math.min(options.connections(), count);
        List<Thread> threads = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            threads.add(Thread.ofVirtual().name("load-" + w).start(() -> work(stats, next, count, firstSeq, start)));
        }
        Thread ticker = progressOut == null ? null : Thread.ofPlatform().daemon().name("load-progress")
                .start(() -> tick(stats));
        for (Thread t : threads) {
            t.join();
        }
        if (ticker != null) {
            ticker.interrupt();
            ticker.join();
            progressOut.print("\r" + " ".repeat(100) + "\r");
            progressOut.flush();
        }
    }

    private void work(LoadStats stats, AtomicLong next, long count, long firstSeq, long startNanos) {
        LoadConnection.Outcome outcome = new LoadConnection.Outcome();
        LoadConnection conn = null;
        int connectFailures = 0;
        double nanosPerMessage = options.rate() > 0 ? 1e9 / options.rate() : 0;
        int timeout = (int) Math.min(Integer.MAX_VALUE, options.timeout().toMillis());
        try {
            while (!aborted.get()) {
                long i = next.getAndIncrement();
                if (i >= count) {
                    return;
                }
                if (nanosPerMessage > 0) {
                    long due = startNanos + (long) (i * nanosPerMessage);
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                long seq = firstSeq + i;
                if (conn == null) {
                    try {
                        conn = LoadConnection.open(options.target(), timeout, options.helo());
                        stats.connections.increment();
                        connectFailures = 0;
                    } catch (LoadConnection.RejectedException e) {
                        stats.started.increment();
                        stats.recordError(e.code + " " + enhanced(e.text) + "at " + e.stage.label);
                        if (++connectFailures >= CONNECT_ATTEMPTS) {
                            abort("the target keeps refusing sessions: " + e.getMessage());
                            return;
                        }
                        backOff(connectFailures);
                        continue;
                    } catch (IOException e) {
                        stats.started.increment();
                        stats.recordError("connection: " + describe(e) + " (connect)");
                        if (++connectFailures >= CONNECT_ATTEMPTS) {
                            abort("cannot connect to " + options.target() + ": " + describe(e));
                            return;
                        }
                        backOff(connectFailures);
                        continue;
                    }
                }
                String rcpt = messages.recipient(seq);
                byte[] rcptCommand = ("RCPT TO:<" + rcpt + ">\r\n").getBytes(StandardCharsets.US_ASCII);
                byte[] prefix = messages.prefix(seq, rcpt);
                stats.started.increment();
                try {
                    conn.send(mailCommand, rcptCommand, prefix, messages.stuffedBody(), options.pipelining(), outcome);
                    if (outcome.accepted()) {
                        stats.recordLatency(outcome.dotToReplyNanos);
                        stats.acknowledged();
                    } else {
                        stats.recordError(outcome.code + " " + enhanced(outcome.text) + "at " + outcome.stage.label);
                    }
                } catch (IOException e) {
                    stats.recordError("connection: " + describe(e));
                    conn.close();
                    conn = null;
                    continue;
                }
                if (!options.reuse() || !conn.usable()) {
                    conn.quit();
                    conn = null;
                }
            }
        } finally {
            if (conn != null) {
                conn.quit();
            }
        }
    }

    private static void backOff(int failures) {
        try {
            Thread.sleep(Math.min(250, 25L << Math.min(failures, 6)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The enhanced status code at the start of a reply's text, with a trailing space; "" if none. */
    static String enhanced(String text) {
        if (text == null) {
            return "";
        }
        int dots = 0;
        int i = 0;
        for (; i < text.length() && i < 12; i++) {
            char c = text.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c == ' ') {
                break;
            } else if (c < '0' || c > '9') {
                return "";
            }
        }
        return dots == 2 && i > 4 ? text.substring(0, i) + " " : "";
    }

    private static String describe(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return "timeout";
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private void tick(LoadStats stats) {
        long lastAcked = 0;
        long lastNanos = System.nanoTime();
        long start = lastNanos;
        try {
            while (true) {
                Thread.sleep(1000);
                long now = System.nanoTime();
                long acked = stats.acknowledged.sum();
                Histogram h = stats.drainInterval();
                double rate = (acked - lastAcked) * 1e9 / (now - lastNanos);
                lastAcked = acked;
                lastNanos = now;
                String line = String.format(Locale.ROOT,
                        "\r%ssent %,d/%,d  acked %,d  errors %,d  %,.0f msgs/s  p50 %s  p99 %s  %ds   ",
                        phase.isEmpty() ? "" : "[" + phase + "] ", stats.started.sum(), phaseMessages, acked,
                        stats.failed.sum(), rate,
                        h.getTotalCount() == 0 ? "-" : LoadSummary.millis(h.getValueAtPercentile(50)),
                        h.getTotalCount() == 0 ? "-" : LoadSummary.millis(h.getValueAtPercentile(99)),
                        (now - start) / 1_000_000_000L);
                progressOut.print(line);
                progressOut.flush();
            }
        } catch (InterruptedException e) {
            // the phase is over
        }
    }
}
