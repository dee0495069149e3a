package tern.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Postfix's {@code smtp-sink} as a real, independent SMTP server: every transaction it
 * receives is dumped to a file of its own ({@code -d}), the envelope in front as
 * {@code X-Helo-Args}, {@code X-Mail-Args} and {@code X-Rcpt-Args} lines, then its own
 * Received header, then the message as it arrived.
 */
public final class SmtpSink implements AutoCloseable {

    public static final Path PROGRAM = Path.of("/usr/sbin/smtp-sink");

    /** One dumped transaction. Header names compare case-insensitively; folded headers are unfolded. */
    public record Dump(String helo, String mailArgs, List<String> rcptArgs, List<String> headers, String body) {

        /** The reverse-path without brackets: "" for the null reverse-path. */
        public String reversePath() {
            return mailArgs.substring(mailArgs.indexOf('<') + 1, mailArgs.indexOf('>'));
        }

        /** The forward-paths without brackets. */
        public List<String> recipients() {
            return rcptArgs.stream().map(r -> r.substring(r.indexOf('<') + 1, r.indexOf('>'))).toList();
        }

        /** Every value of a header field, in order. */
        public List<String> header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headers.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(h -> h.substring(prefix.length()).strip()).toList();
        }

        public Optional<String> first(String name) {
            return header(name).stream().findFirst();
        }
    }

    private final Process process;
    private final Path dumps;
    private final InetSocketAddress address;

    private SmtpSink(Process process, Path dumps, InetSocketAddress address) {
        this.process = process;
        this.dumps = dumps;
        this.address = address;
    }

    public static boolean installed() {
        return Files.isExecutable(PROGRAM);
    }

    /** Starts {@code smtp-sink -d DIR/m. HOST:PORT} and waits until it accepts connections. */
    public static SmtpSink start(String host, int port) throws IOException, InterruptedException {
        // Not under the test's @TempDir: that is mode 700 and smtp-sink writes as "nobody" when run as root.
        Path dumps = Files.createTempDirectory("tern-smtp-sink");
        Files.setPosixFilePermissions(dumps, PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> command = new ArrayList<>(List.of(PROGRAM.toString()));
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "nobody")); // smtp-sink refuses to run as root
        }
        command.addAll(List.of("-h", "sink.postfix.test", "-d", dumps + "/m.", host + ":" + port, "64"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dumps.resolve("sink.log").toFile()).start();
        var sink = new SmtpSink(p, dumps, new InetSocketAddress(host, port));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(sink.address, 200);
                return sink;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    sink.close();
                    throw new IOException("smtp-sink did not listen on " + sink.address + ": " + notYet);
                }
                Thread.sleep(20);
            }
        }
    }

    public InetSocketAddress address() {
        return address;
    }

    /** "[host]:port", the form of a smart host or route next hop. */
    public String nextHop() {
        return "[" + address.getHostString() + "]:" + address.getPort();
    }

    /** Every transaction dumped so far. */
    public List<Dump> dumps() throws IOException {
        List<Dump> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(dumps)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("m.")).sorted(Comparator.comparing(Path::toString)).toList()) {
                all.add(parse(Files.readString(f, StandardCharsets.ISO_8859_1)));
            }
        }
        return all;
    }

    /** Waits for the dump that {@code which} picks, e.g. by its Subject. */
    public Dump await(String what, Predicate<Dump> which, Duration timeout) throws IOException {
        Dump[] found = new Dump[1];
        Eventually.await(what + " at smtp-sink " + address, timeout, () -> {
            try {
                found[0] = dumps().stream().filter(which).findFirst().orElse(null);
            } catch (IOException | RuntimeException e) {
                found[0] = null; // a dump still being written
            }
            return found[0] != null;
        });
        return found[0];
    }

    public Dump awaitSubject(String subject, Duration timeout) throws IOException {
        return await("Subject: " + subject, d -> d.first("Subject").map(subject::equals).orElse(false), timeout);
    }

    private static Dump parse(String text) {
        int end = text.indexOf("\n\n");
        String head = end < 0 ? text : text.substring(0, end);
        String body = end < 0 ? "" : text.substring(end + 2);
        List<String> fields = new ArrayList<>();
        for (String line : head.split("\r?\n")) {
            if (!fields.isEmpty() && (line.startsWith(" ") || line.startsWith("\t"))) {
                fields.set(fields.size() - 1, fields.getLast() + " " + line.strip());
            } else {
                fields.add(line);
            }
        }
        String helo = null;
        String mail = null;
        List<String> rcpts = new ArrayList<>();
        List<String> headers = new ArrayList<>();
        for (String f : fields) {
            if (f.startsWith("X-Helo-Args: ")) {
                helo = f.substring(13);
            } else if (f.startsWith("X-Mail-Args: ")) {
                mail = f.substring(13);
            } else if (f.startsWith("X-Rcpt-Args: ")) {
                rcpts.add(f.substring(13));
            } else if (!f.startsWith("X-Client-")) {
                headers.add(f);
            }
        }
        if (mail == null) {
            throw new IllegalStateException("no X-Mail-Args yet");
        }
        return new Dump(helo, mail, List.copyOf(rcpts), List.copyOf(headers), body);
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        try (Stream<Path> files = Files.walk(dumps)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
