package tern.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tern.badmail.Badmail;
import tern.config.TernConfig;
import tern.envelope.Envelope;
import tern.fs.DataDirLock;
import tern.journal.Journal;
import tern.journal.JournalEvent;
import tern.journal.JournalReader;

/**
 * {@code tern queue retry|delete --domain D}: every queued message with a recipient waiting at
 * domain D is made due now, or moved to Badmail (whole, as {@code queue delete ID}).
 *
 * <p>With the server running, its queue manager does it (through {@code POST
 * /queue/retry|delete?domain=D}), in chunks between its other work, and this command polls
 * {@code GET /queue/sweep?job=N} and prints the progress. With the server stopped it holds the
 * data directory's lock and works on the journal in {@link QueueFacts}' two passes: the first
 * finds which recipients still wait, the second meets each queued message's Accepted event and
 * appends its RetryRequested or Badmailed, a thousand messages per group commit.
 */
final class QueueDomainCommand {

    private static final long POLL_NANOS = 500_000_000L;
    private static final int BATCH = 1_000;
    private static final int PROGRESS_EVERY = 10_000;
    private static final String REASON = "deleted by operator";

    private QueueDomainCommand() {
    }

    static int run(boolean delete, String domain, TernConfig config, Terminal terminal) throws IOException {
        String verb = delete ? "delete" : "retry";
        String name = "tern queue " + verb + " --domain";
        String d = domain.toLowerCase(Locale.ROOT);
        AdminClient admin = AdminClient.of(config);
        var answer = admin.post("/queue/" + verb, Map.of("domain", d));
        if (answer.isPresent()) {
            return online(name, answer.get(), admin, terminal);
        }
        try (DataDirLock lock = DataDirLock.acquire(config.server().dataDir())) {
            return offline(delete, d, config, terminal);
        } catch (DataDirLock.HeldException e) {
            terminal.err().println(name + ": a server is running on " + config.server().dataDir() + " ("
                    + e.lockFile() + " is held by process " + e.holder() + ") but its admin listener (admin.listen: \""
                    + (config.admin().listen() == null ? "" : config.admin().listen())
                    + "\") does not answer; nothing was changed");
            return Exit.FAILURE;
        }
    }

    /** The server started a sweep: follow it until it is over, a line of progress every half second. */
    private static int online(String name, AdminClient.Answer started, AdminClient admin, Terminal terminal)
            throws IOException {
        if (!started.ok()) {
            terminal.err().println(name + ": " + started.body());
            return Exit.FAILURE;
        }
        String job = field(started.body(), "job").orElseThrow(() -> new IOException("the server did not name the job: "
                + started.body()));
        String last = started.body();
        String printed = "";
        while (!"true".equals(field(last, "finished").orElse("false"))) {
            String line = progress(last);
            if (!line.equals(printed)) {
                terminal.out().println(line);
                printed = line;
            }
            LockSupport.parkNanos(POLL_NANOS);
            Optional<AdminClient.Answer> now = admin.get("/queue/sweep", Map.of("job", job));
            if (now.isEmpty() || !now.get().ok()) {
                terminal.err().println(name + ": the server stopped answering about job " + job
                        + now.map(a -> ": " + a.body()).orElse(""));
                return Exit.FAILURE;
            }
            last = now.get().body();
        }
        Optional<String> error = field(last, "error").filter(e -> !e.equals("null"));
        String done = field(last, "done").orElse("0");
        String recipients = field(last, "recipients").orElse("0");
        String domain = field(last, "domain").orElse("");
        if (error.isPresent()) {
            terminal.err().println(name + ": stopped after " + done + " messages: " + error.get());
            return Exit.FAILURE;
        }
        terminal.out().println(done + " message" + ("1".equals(done) ? "" : "s") + " (" + recipients + " recipient"
                + ("1".equals(recipients) ? "" : "s") + " at " + domain + ") "
                + (name.contains("delete") ? "deleted (moved to Badmail)" : "due now"));
        return Exit.OK;
    }

    private static String progress(String body) {
        return field(body, "action").orElse("") + " --domain " + field(body, "domain").orElse("") + ": "
                + field(body, "done").orElse("0") + " of " + field(body, "messages").orElse("?") + " messages";
    }

    /** A top-level scalar of the server's flat JSON answer (a number, true/false/null, or a string's text). */
    static Optional<String> field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(\"((?:[^\"\\\\]|\\\\.)*)\"|[^,}]+)").matcher(json);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(m.group(2) != null ? m.group(2) : m.group(1).strip());
    }

    /** The server is stopped and this command holds the lock: two passes over the journal. */
    private static int offline(boolean delete, String domain, TernConfig config, Terminal terminal) {
        Path journalDir = config.server().dataDir().resolve("journal");
        String verb = delete ? "delete" : "retry";
        QueueFacts facts = QueueFacts.read(journalDir);
        if (facts.queuedMessages() == 0 || !Files.isDirectory(journalDir)) {
            terminal.out().println("0 messages at " + domain + ": the queue is empty");
            return Exit.OK;
        }
        Badmail badmail = new Badmail(config.server().dataDir());
        Instant now = Instant.now();
        int[] counts = new int[2]; // messages, recipients at the domain
        List<CompletableFuture<Void>> batch = new ArrayList<>(BATCH);
        BitSet seen = new BitSet();
        try (Journal journal = Journal.open(journalDir, config.journal().sync(), InstantSource.system());
             JournalReader reader = JournalReader.open(journalDir)) {
            reader.readAvailable(event -> {
                if (!(event instanceof JournalEvent.Accepted a)) {
                    return;
                }
                int m = facts.queued(a.id().value());
                if (m < 0 || seen.get(m)) {
                    return;
                }
                seen.set(m);
                int waiting = waitingAt(facts, m, a.envelope(), domain);
                if (waiting == 0) {
                    return;
                }
                JournalEvent event2;
                if (delete) {
                    try {
                        badmail.store(a.envelope(), a.message(), REASON, now);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    event2 = new JournalEvent.Badmailed(a.id(), now, REASON);
                } else {
                    event2 = new JournalEvent.RetryRequested(a.id(), now);
                }
                batch.add(journal.append(event2));
                counts[0]++;
                counts[1] += waiting;
                if (batch.size() == BATCH) {
                    CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
                    batch.clear();
                }
                if (counts[0] % PROGRESS_EVERY == 0) {
                    terminal.out().println(verb + " --domain " + domain + ": " + counts[0] + " messages so far");
                }
            });
            CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
        } catch (java.io.UncheckedIOException e) {
            terminal.err().println("tern queue " + verb + " --domain: Badmail could not be written after "
                    + counts[0] + " messages: " + e.getCause().getMessage());
            return Exit.FAILURE;
        }
        terminal.out().println(counts[0] + " message" + (counts[0] == 1 ? "" : "s") + " (" + counts[1] + " recipient"
                + (counts[1] == 1 ? "" : "s") + " at " + domain + ") "
                + (delete ? "deleted (moved to Badmail); the server is not running"
                        : "due now; the server is not running, it delivers them when it starts"));
        return Exit.OK;
    }

    private static int waitingAt(QueueFacts facts, int m, Envelope envelope, String domain) {
        int n = 0;
        for (int i = 0; i < envelope.recipients().size(); i++) {
            if (facts.waiting(m, i) && envelope.recipients().get(i).address().domain().equalsIgnoreCase(domain)) {
                n++;
            }
        }
        return n;
    }
}
