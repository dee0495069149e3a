package tern.bench.sink;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import tern.smtp.Reply;

/**
 * A counting SMTP server that throws the mail away: one virtual thread per connection,
 * blocking sockets. It keeps a count file current and prints a rate line while mail arrives.
 */
public final class SmtpSink implements Closeable {
    private final SinkOptions options;
    private final SinkCounters counters = new SinkCounters();
    private final ServerSocket server;
    private final PrintStream log;
    private final byte[] greeting;
    private final byte[] ehlo;
    private final byte[] helo;
    private final long startNanos = System.nanoTime();
    private final ReentrantLock countFileLock = new ReentrantLock();
    private Thread acceptor;
    private Thread reporter;
    private volatile boolean closed;
    private String lastWritten = "";

    /** Binds the listen address (port 0 = any free port); {@link #start()} begins accepting. */
    public SmtpSink(SinkOptions options, PrintStream log) throws IOException {
        this.options = options;
        this.log = log;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(options.listen().host()), options.listen().port()), 4096);
        this.greeting = new Reply(220, null, options.hostName() + " ESMTP tern-bench sink").wire()
                .getBytes(StandardCharsets.US_ASCII);
        this.ehlo = SinkSession.ehloReply(options.hostName());
        this.helo = new Reply(250, null, options.hostName()).wire().getBytes(StandardCharsets.US_ASCII);
    }

    public SmtpSink start() {
        acceptor = Thread.ofPlatform().name("sink-accept").start(this::acceptLoop);
        reporter = Thread.ofPlatform().daemon().name("sink-report").start(this::report);
        return this;
    }

    public int port() {
        return server.getLocalPort();
    }

    public SinkCounters counters() {
        return counters;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().name("sink-session").start(new SinkSession(s, options, counters, greeting, ehlo, helo));
            } catch (IOException e) {
                if (!closed) {
                    log.println("sink: accept failed: " + e.getMessage());
                }
            }
        }
    }

    /** Writes the count file every 100 ms when it changed, and the rate line every interval. */
    private void report() {
        long intervalNanos = options.interval().toNanos();
        long lastLine = System.nanoTime();
        long lastMessages = 0;
        long printedMessages = 0;
        try {
            while (!closed) {
                Thread.sleep(100);
                writeCountFile();
                long now = System.nanoTime();
                if (intervalNanos > 0 && now - lastLine >= intervalNanos) {
                    long m = counters.messages();
                    long activity = m + counters.rejectedMessages() + counters.rejectedRecipients();
                    if (activity != printedMessages) {
                        log.printf(Locale.ROOT, "sink %s: %,d msgs (%,.0f/s)  %,d rcpts  rejected %,d msgs %,d rcpts  %d open connections%n",
                                options.listen(), m, (m - lastMessages) * 1e9 / (now - lastLine), counters.recipients(),
                                counters.rejectedMessages(), counters.rejectedRecipients(),
                                counters.openConnections.get());
                        printedMessages = activity;
                    }
                    lastMessages = m;
                    lastLine = now;
                }
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    private void writeCountFile() {
        if (options.countFile() == null) {
            return;
        }
        countFileLock.lock();
        try {
            String line = counters.countLine();
            if (!line.equals(lastWritten)) {
                counters.writeTo(options.countFile());
                lastWritten = line;
            }
        } catch (IOException e) {
            log.println("sink: cannot write " + options.countFile() + ": " + e.getMessage());
        } finally {
            countFileLock.unlock();
        }
    }

    /** The totals line printed at exit. */
    public String totals() {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        return String.format(Locale.ROOT,
                "sink %s: stopped after %.1f s: %,d messages, %,d recipients, %.1f MB, rejected %,d messages and %,d recipients, %,d connections",
                options.listen(), secs, counters.messages(), counters.recipients(), counters.bytes() / 1e6,
                counters.rejectedMessages(), counters.rejectedRecipients(), counters.connections());
    }

    /** Stops accepting (sessions in progress are cut off when the JVM exits) and writes the count file a last time. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            if (acceptor != null) {
                acceptor.join(TimeUnit.SECONDS.toMillis(2));
            }
            if (reporter != null) {
                reporter.interrupt();
                reporter.join(TimeUnit.SECONDS.toMillis(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeCountFile();
    }
}
