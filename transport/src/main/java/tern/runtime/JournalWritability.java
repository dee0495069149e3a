package tern.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import tern.admin.ReadinessCheck;

/**
 * Whether the journal can be written, as {@code /health/ready} reports it. The journal's
 * own appends are the evidence: every append goes through {@link #watch}, a failed one
 * (a full disk, an I/O error: the moment a session answers 452 4.3.1) marks the journal
 * unwritable, a successful one clears the mark.
 *
 * <p>A server that is not ready gets no traffic, so no append would ever clear the mark. So
 * while it is set, a probe (at most once a second) writes and syncs a page-sized file in
 * the journal directory: once the file system takes that again, the mark goes. Permissions
 * are checked too, for a server not running as root.
 */
final class JournalWritability implements ReadinessCheck {

    private static final Duration PROBE_EVERY = Duration.ofSeconds(1);
    private static final int PROBE_SIZE = 4096;

    private record Failure(Instant since, String reason) {
    }

    private final Path directory;
    private final InstantSource clock;
    private volatile Failure failure;
    private Instant lastProbe = Instant.MIN;
    private String lastProbeResult;

    JournalWritability(Path directory, InstantSource clock) {
        this.directory = directory;
        this.clock = clock;
    }

    /** Notes the outcome of {@code append}; returns it unchanged. */
    <T> CompletableFuture<T> watch(CompletableFuture<T> append) {
        append.whenComplete((ok, error) -> {
            if (error == null) {
                failure = null;
            } else if (failure == null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                failure = new Failure(clock.instant(), describe(cause));
            }
        });
        return append;
    }

    @Override
    public String name() {
        return "journal";
    }

    @Override
    public Verdict check() {
        if (!Files.isWritable(directory)) {
            return Verdict.notReady("the journal directory " + directory + " is not writable");
        }
        Failure f = failure;
        if (f == null) {
            return Verdict.ready();
        }
        String probe = probe();
        if (probe == null) {
            failure = null;
            return Verdict.ready();
        }
        return Verdict.notReady("appends failing since " + f.since() + " (" + f.reason() + "); a test write fails: "
                + probe);
    }

    /** Null when a test write succeeds, else what went wrong. */
    private synchronized String probe() {
        Instant now = clock.instant();
        if (Duration.between(lastProbe, now).compareTo(PROBE_EVERY) < 0) {
            return lastProbeResult != null ? lastProbeResult : "not tried again yet";
        }
        lastProbe = now;
        lastProbeResult = tryWrite();
        return lastProbeResult;
    }

    private String tryWrite() {
        Path file = directory.resolve(".writable-probe");
        try {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer page = ByteBuffer.allocate(PROBE_SIZE);
                while (page.hasRemaining()) {
                    ch.write(page);
                }
                ch.force(true);
            }
            return null;
        } catch (IOException e) {
            return describe(e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the next probe truncates it
            }
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
