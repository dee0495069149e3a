package tern.submission;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.address.ReversePath;
import tern.badmail.Badmail;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.fs.AtomicFiles;
import tern.queue.QueueId;
import tern.queue.QueueIdGenerator;
import tern.queue.Spool;

/**
 * The Pickup directory of the IIS SMTP service, {@code <dataDir>/pickup/}: a program that
 * cannot speak SMTP puts a message file there, and Tern queues it (see {@link PickupFile} for
 * the format) and removes the file once the journal has it: the same promise as a 250, made
 * through the same {@link Spool}. A file that cannot be queued goes to the Badmail
 * directory with the reason ({@code .bdr}), and is removed from here too.
 *
 * <p><b>Only complete files.</b> IIS takes a file when its writer closes it; a portable
 * program cannot see that. So the rule is the one of Maildir and Postfix's maildrop: write
 * the file elsewhere on the same file system, or in here under a name starting with a dot
 * ({@code .report.eml.tmp}), and rename it into place. Names starting with a dot are never
 * taken. As a guard against writers that do not rename ({@code cp} straight into the
 * directory), a file is also left alone until it has not been modified for a second.
 *
 * <p><b>Finding files.</b> A {@link WatchService} wakes the scanner when a name appears, and
 * the directory is listed every second anyway: watch events can be lost (overflow), and a
 * file left for its settling second needs a second look. Files are taken oldest first.
 *
 * <p><b>After a crash</b> between the journal's commit and the file's removal, the file is
 * queued again at the next start: a duplicate, never a loss (IIS behaves the same).
 */
public final class Pickup implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Pickup.class);

    /** How often the directory is listed besides the watch events. */
    static final Duration SCAN_EVERY = Duration.ofSeconds(1);
    /** A file modified more recently than this may still be being written. */
    static final Duration SETTLE = Duration.ofSeconds(1);
    /** Most bytes read and handed to the journal before waiting for their commit. */
    private static final long BATCH_BYTES = 64L << 20;
    private static final int BATCH_FILES = 256;

    private static final DateTimeFormatter RFC5322 =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /**
     * What the server's configuration says about a pickup message; asked at every file, so a
     * reload applies.
     */
    public record Settings(String fqdn, long maxMessageSize, int maxHopCount) {
    }

    private final Path directory;
    private final Spool spool;
    private final QueueIdGenerator ids;
    private final Badmail badmail;
    private final Supplier<Settings> settings;
    private final InstantSource clock;
    private final WatchService watch;
    private final Thread scanner;
    private volatile boolean closed;
    /** After the journal refused a file (a full disk), files wait until then rather than fail every second. */
    private Instant pausedUntil = Instant.MIN;

    /** How long files wait after the journal refused one. */
    static final Duration PAUSE_AFTER_REFUSAL = Duration.ofSeconds(10);

    Pickup(Path directory, Spool spool, QueueIdGenerator ids, Badmail badmail, Supplier<Settings> settings,
                   InstantSource clock) throws IOException {
        this.directory = directory;
        this.spool = spool;
        this.ids = ids;
        this.badmail = badmail;
        this.settings = settings;
        this.clock = clock;
        AtomicFiles.createDirectories(directory);
        this.watch = watch(directory);
        this.scanner = Thread.ofPlatform().name("tern-pickup").daemon(true).unstarted(this::run);
    }

    /** Creates {@code directory} if need be and starts taking files from it. */
    public static Pickup start(Path directory, Spool spool, QueueIdGenerator ids, Badmail badmail,
                               Supplier<Settings> settings, InstantSource clock) throws IOException {
        Pickup pickup = new Pickup(directory, Objects.requireNonNull(spool), Objects.requireNonNull(ids),
                Objects.requireNonNull(badmail), Objects.requireNonNull(settings), clock);
        pickup.scanner.start();
        log.info("pickup directory {}: files renamed into it are queued", directory);
        return pickup;
    }

    public Path directory() {
        return directory;
    }

    private static WatchService watch(Path directory) {
        try {
            WatchService service = directory.getFileSystem().newWatchService();
            directory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            return service;
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("pickup directory {}: no file system notifications ({}); listing it every {} s",
                    directory, e.getMessage(), SCAN_EVERY.toSeconds());
            return null;
        }
    }

    private void run() {
        while (!closed) {
            try {
                scan();
            } catch (RuntimeException | IOException e) {
                log.error("pickup directory {}: {}", directory, e.toString());
            }
            try {
                awaitChange();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
        }
    }

    private void awaitChange() throws InterruptedException {
        if (watch == null) {
            Thread.sleep(SCAN_EVERY);
            return;
        }
        WatchKey key = watch.poll(SCAN_EVERY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        if (key != null) {
            key.pollEvents(); // which names does not matter (overflow neither): the whole directory is listed
            key.reset();
        }
    }

    /** Takes every complete file there is now; returns how many were taken (queued or badmailed). */
    int scan() throws IOException {
        if (clock.instant().isBefore(pausedUntil)) {
            return 0;
        }
        List<Path> files = completeFiles();
        int taken = 0;
        List<InFlight> batch = new ArrayList<>();
        long bytes = 0;
        for (Path file : files) {
            if (closed) {
                break;
            }
            InFlight submitted = take(file);
            if (submitted == null) {
                taken++; // badmailed
                continue;
            }
            batch.add(submitted);
            bytes += submitted.size();
            if (bytes >= BATCH_BYTES || batch.size() >= BATCH_FILES) {
                taken += settle(batch);
                batch.clear();
                bytes = 0;
            }
        }
        taken += settle(batch);
        return taken;
    }

    /** The files to take: regular, not dot-named, settled; oldest first. */
    private List<Path> completeFiles() throws IOException {
        record Candidate(Path path, Instant modified) {
        }
        List<Candidate> found = new ArrayList<>();
        Instant settledBefore = Instant.now().minus(SETTLE); // file times are wall-clock times
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                if (entry.getFileName().toString().startsWith(".")) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException gone) {
                    continue;
                }
                if (!attributes.isRegularFile()) {
                    continue;
                }
                Instant modified = attributes.lastModifiedTime().toInstant();
                if (modified.isBefore(settledBefore)) {
                    found.add(new Candidate(entry, modified));
                }
            }
        }
        found.sort(Comparator.comparing(Candidate::modified).thenComparing(c -> c.path().getFileName().toString()));
        return found.stream().map(Candidate::path).toList();
    }

    private record InFlight(Path file, Envelope envelope, int size, CompletableFuture<Void> stored) {
    }

    /** Hands {@code file} to the spool; null when it went to Badmail instead. */
    private InFlight take(Path file) {
        String name = file.getFileName().toString();
        Instant now = clock.instant();
        QueueId id = ids.next();
        Settings current = settings.get();
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            toBadmail(file, id, new byte[0], "cannot be read: " + e.getMessage(), now);
            return null;
        }
        PickupFile parsed = PickupFile.parse(content, new PickupFile.Limits(current.maxMessageSize(),
                current.maxHopCount()));
        return switch (parsed) {
            case PickupFile.Unusable u -> {
                toBadmail(file, id, content, u.reason(), now);
                yield null;
            }
            case PickupFile.Ready r -> {
                Envelope envelope = new Envelope(id, r.sender(), r.recipients().stream().map(Recipient::of).toList(),
                        eightBit(r.message()) ? Body.EIGHT_BIT_MIME : Body.SEVEN_BIT, r.smtpUtf8(), null, null, -1,
                        "127.0.0.1", "pickup", now);
                byte[] received = received(current.fqdn(), id, now).getBytes(StandardCharsets.US_ASCII);
                byte[] bytes = new byte[received.length + r.message().length];
                System.arraycopy(received, 0, bytes, 0, received.length);
                System.arraycopy(r.message(), 0, bytes, received.length, r.message().length);
                CompletableFuture<Void> stored;
                try {
                    stored = spool.accept(envelope, bytes).toCompletableFuture();
                } catch (RuntimeException e) {
                    stored = CompletableFuture.failedFuture(e);
                }
                log.debug("{}: pickup file {} handed to the journal", id, name);
                yield new InFlight(file, envelope, bytes.length, stored);
            }
        };
    }

    /** Waits for the batch's commits; removes the files the journal has. Returns how many. */
    private int settle(List<InFlight> batch) {
        int removed = 0;
        for (InFlight f : batch) {
            String name = f.file().getFileName().toString();
            try {
                f.stored().join();
            } catch (RuntimeException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                // The journal refused (full disk): the file stays, and is tried again at the next scan.
                log.warn("{}: pickup file {} stays: the journal could not store it: {}; trying again in {} s",
                        f.envelope().id(), name, cause.toString(), PAUSE_AFTER_REFUSAL.toSeconds());
                pausedUntil = clock.instant().plus(PAUSE_AFTER_REFUSAL);
                continue;
            }
            try {
                Files.deleteIfExists(f.file());
                removed++;
                log.info("{}: pickup file {} from=<{}> size={} nrcpt={} queued", f.envelope().id(), name,
                        f.envelope().reversePath(), f.size(), f.envelope().recipients().size());
            } catch (IOException e) {
                log.error("{}: pickup file {} is queued but could not be removed ({}); it would be queued again",
                        f.envelope().id(), name, e.toString());
            }
        }
        if (removed > 0) {
            syncDirectory();
        }
        return removed;
    }

    private void toBadmail(Path file, QueueId id, byte[] content, String reason, Instant now) {
        String name = file.getFileName().toString();
        Envelope envelope = new Envelope(id, ReversePath.NULL, List.of(), Body.SEVEN_BIT, false, null, null, -1,
                "127.0.0.1", "pickup", now);
        try {
            badmail.store(envelope, content, "pickup file " + name + ": " + reason, now);
            Files.deleteIfExists(file);
            syncDirectory();
            log.warn("{}: pickup file {} moved to Badmail: {}", id, name, reason);
        } catch (IOException e) {
            log.error("{}: pickup file {} is unusable ({}) and could not be moved to Badmail: {}", id, name, reason,
                    e.toString());
        }
    }

    private void syncDirectory() {
        try {
            AtomicFiles.syncDirectory(directory);
        } catch (IOException e) {
            log.warn("pickup directory {}: fsync failed: {}", directory, e.toString());
        }
    }

    /**
     * The trace field of a pickup message (RFC 5321 4.4): there is no client, so "from pickup"
     * says where it came from; "by" is our name, as in every Received field we write.
     */
    static String received(String fqdn, QueueId id, Instant at) {
        return "Received: from pickup (the pickup directory)\r\n\tby " + fqdn + " id " + id.value() + ";\r\n\t"
                + RFC5322.format(at) + "\r\n";
    }

    private static boolean eightBit(byte[] m) {
        for (byte b : m) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }

    /** Stops taking files; a file being taken is either queued and removed, or left for the next start. */
    @Override
    public void close() {
        closed = true;
        if (watch != null) {
            try {
                watch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        } else {
            scanner.interrupt();
        }
        if (scanner.getState() == Thread.State.NEW) {
            return;
        }
        try {
            scanner.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
