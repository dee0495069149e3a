package tern.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tern.admin.Json;
import tern.admin.console.QueueShape;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.journal.JournalEvent;
import tern.journal.JournalReader;

/**
 * {@code tern queue list}: the queued messages, read from the journal in two passes with
 * memory that does not grow with the messages' contents.
 *
 * <p>Why two passes: a message's Accepted event (envelope and bytes) comes first in the
 * journal and its fate later, so one pass cannot print a message when it meets it, and keeping
 * every envelope until the end is what made the listing of a large queue cost hundreds of
 * megabytes. Pass one folds the journal into {@link QueueFacts} (primitives per message and
 * recipient); pass two reads the journal again and prints each still-queued message at its
 * Accepted event, in journal order: arrival order, except that a message journal retention
 * copied forward appears where it was first accepted if that cycle is still there, else where
 * the copy is. A message is printed once. Events appended between the passes are not listed.
 *
 * <p>Filters narrow the recipients printed: {@code --domain D} those at D (domain compared
 * without regard to case), {@code --state pending|deferred} those waiting in that state; a
 * message with no recipient left is not printed. {@code --json} prints one object per message
 * and line, {@code --summary} counts the waiting recipients per destination domain by the age of
 * their message, in the console's buckets (Postfix's qshape).
 */
final class QueueListCommand {

    /** What to print; {@code domain} and {@code state} are null when not filtered on. */
    record Options(String domain, String state, Format format) {
    }

    enum Format {
        TEXT, JSON, SUMMARY
    }

    private QueueListCommand() {
    }

    static Options parse(Arguments a) {
        a.positionals(1, 1, "");
        boolean json = a.flag("--json");
        boolean summary = a.flag("--summary");
        if (json && summary) {
            throw new UsageException("--json and --summary do not go together");
        }
        String domain = a.option("--domain").map(d -> d.strip().toLowerCase(Locale.ROOT)).orElse(null);
        String state = a.option("--state").map(s -> s.strip().toLowerCase(Locale.ROOT)).orElse(null);
        if (state != null && !state.equals("pending") && !state.equals("deferred")) {
            throw new UsageException("--state is pending or deferred, not " + state);
        }
        return new Options(domain, state, json ? Format.JSON : summary ? Format.SUMMARY : Format.TEXT);
    }

    static int run(Options options, Path journalDir, PrintStream terminal, Instant now) {
        // Two million lines through a terminal stream that flushes every line cost more than reading the journal.
        PrintStream out = new PrintStream(new java.io.BufferedOutputStream(terminal, 1 << 16), false,
                java.nio.charset.StandardCharsets.UTF_8);
        try {
            return list(options, journalDir, out, now);
        } finally {
            out.flush();
        }
    }

    private static int list(Options options, Path journalDir, PrintStream out, Instant now) {
        QueueFacts facts = QueueFacts.read(journalDir);
        Printer printer = switch (options.format()) {
            case TEXT -> new Text(out, now, options.domain() != null || options.state() != null);
            case JSON -> new JsonLines(out);
            case SUMMARY -> new Summary(out, now);
        };
        if (facts.queuedMessages() > 0 && Files.isDirectory(journalDir)) {
            BitSet printed = new BitSet();
            try (JournalReader reader = JournalReader.open(journalDir)) {
                reader.readWithoutBodies((event, size) -> {
                    if (event instanceof JournalEvent.Accepted a) {
                        int m = facts.queued(a.id().value());
                        if (m >= 0 && !printed.get(m)) {
                            printed.set(m);
                            select(options, facts, m, a.envelope(), size, printer);
                        }
                    }
                });
            }
        }
        printer.end();
        return Exit.OK;
    }

    /** Hands the message with the recipients that pass the filters to the printer, if any pass. */
    private static void select(Options o, QueueFacts facts, int m, Envelope envelope, long size, Printer printer) {
        List<Recipient> all = envelope.recipients();
        List<Shown> shown = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            Recipient r = all.get(i);
            if (o.domain() != null && !r.address().domain().toLowerCase(Locale.ROOT).equals(o.domain())) {
                continue;
            }
            QueueFacts.RecipientFacts f = facts.recipient(m, i);
            if (o.state() != null && !(f.waiting() && f.label().equals(o.state()))) {
                continue;
            }
            shown.add(new Shown(r, f));
        }
        if (!shown.isEmpty()) {
            printer.message(envelope, size, shown);
        }
    }

    record Shown(Recipient recipient, QueueFacts.RecipientFacts facts) {
        String domain() {
            return recipient.address().domain().toLowerCase(Locale.ROOT);
        }
    }

    private interface Printer {
        void message(Envelope envelope, long size, List<Shown> recipients);

        void end();
    }

    /** The plain form, as it always was: a line per message, an indented line per recipient, a footer. */
    private static final class Text implements Printer {
        private final PrintStream out;
        private final Instant now;
        private int messages;
        private int pending;
        private int deferred;
        private final boolean filtered;

        Text(PrintStream out, Instant now, boolean filtered) {
            this.out = out;
            this.now = now;
            this.filtered = filtered;
        }

        @Override
        public void message(Envelope e, long size, List<Shown> recipients) {
            messages++;
            out.println(QueueListing.summary(e.id().value(), Duration.between(e.arrival(), now), size,
                    e.reversePath().toString()));
            for (Shown s : recipients) {
                QueueFacts.RecipientFacts f = s.facts();
                out.println("    " + QueueListing.recipient(s.recipient().address().toString(), f.label(), f.attempts(),
                        f.next(), f.lastReply()));
                if (f.waiting()) {
                    if (f.attempts() > 0) {
                        deferred++;
                    } else {
                        pending++;
                    }
                }
            }
        }

        @Override
        public void end() {
            out.println(filtered && messages == 0 ? "no queued message matches"
                    : QueueListing.footer(messages, pending, deferred));
        }
    }

    /** One JSON object per message and line, for scripts ({@code jq}). */
    private static final class JsonLines implements Printer {
        private final PrintStream out;

        JsonLines(PrintStream out) {
            this.out = out;
        }

        @Override
        public void message(Envelope e, long size, List<Shown> recipients) {
            List<Map<String, Object>> rcpts = new ArrayList<>(recipients.size());
            for (Shown s : recipients) {
                QueueFacts.RecipientFacts f = s.facts();
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("address", s.recipient().address().toString());
                r.put("state", f.label());
                r.put("attempts", f.attempts());
                r.put("next", f.next() == null ? null : f.next().toString());
                r.put("lastReply", f.lastReply());
                rcpts.add(r);
            }
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("id", e.id().value());
            message.put("arrival", e.arrival().toString());
            message.put("size", size);
            message.put("sender", e.reversePath().toString());
            message.put("recipients", rcpts);
            out.println(Json.object(message));
        }

        @Override
        public void end() {
        }
    }

    /**
     * Postfix's qshape: per destination domain, the waiting recipients by the age of their
     * message, T the total; the first row is the total of all domains, then the domains with
     * the most first.
     */
    private static final class Summary implements Printer {
        private static final int[] BOUNDS = QueueShape.bounds();
        private final PrintStream out;
        private final Instant now;
        private final Map<String, long[]> rows = new HashMap<>();

        Summary(PrintStream out, Instant now) {
            this.out = out;
            this.now = now;
        }

        @Override
        public void message(Envelope e, long size, List<Shown> recipients) {
            int bucket = QueueShape.bucket(Duration.between(e.arrival(), now));
            for (Shown s : recipients) {
                if (s.facts().waiting()) {
                    long[] row = rows.computeIfAbsent(s.domain(), d -> new long[BOUNDS.length + 2]);
                    row[0]++;
                    row[bucket + 1]++;
                }
            }
        }

        @Override
        public void end() {
            long[] total = new long[BOUNDS.length + 2];
            rows.values().forEach(row -> {
                for (int i = 0; i < row.length; i++) {
                    total[i] += row[i];
                }
            });
            int width = Math.max("TOTAL".length(), rows.keySet().stream().mapToInt(String::length).max().orElse(0));
            StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%" + width + "s %7s", "", "T"));
            for (int bound : BOUNDS) {
                head.append(String.format(Locale.ROOT, " %6d", bound));
            }
            head.append(String.format(Locale.ROOT, " %6s", BOUNDS[BOUNDS.length - 1] + "+"));
            out.println(head);
            out.println(row(width, "TOTAL", total));
            rows.entrySet().stream()
                    .sorted(Map.Entry.<String, long[]>comparingByValue((a, b) -> Long.compare(b[0], a[0]))
                            .thenComparing(Map.Entry.comparingByKey()))
                    .forEach(e -> out.println(row(width, e.getKey(), e.getValue())));
        }

        private static String row(int width, String name, long[] counts) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%" + width + "s %7d", name, counts[0]));
            for (int i = 1; i < counts.length; i++) {
                line.append(String.format(Locale.ROOT, " %6d", counts[i]));
            }
            return line.toString();
        }
    }
}
