package tern.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A small blocking SMTP server on a loopback address for tests: replies scripted per
 * command, per connection and per transaction; every command and transaction recorded.
 *
 * <pre>{@code
 * try (ScriptedSmtpServer mx = ScriptedSmtpServer.builder()
 *         .without("PIPELINING")
 *         .rcpt("nobody@example.test", "550 5.1.1 No such user")
 *         .failFirst(Verb.MESSAGE, 1, "451 4.3.0 Try again later")
 *         .start()) {
 *     ... deliver to mx.address() ...
 *     assertThat(mx.awaitMessages(1, Duration.ofSeconds(5)).getFirst().dataText()).contains("Subject:");
 * }
 * }</pre>
 *
 * Binding 127.0.0.2 or 127.0.0.3 works on Linux (all of 127/8 is on lo), so a test can
 * run several "MX hosts" at once.
 */
public final class ScriptedSmtpServer implements AutoCloseable {

    /** Never reply: the client must time out. */
    public static final String HANG = "\0hang";

    /** What a reply is scripted for. CONNECT is the greeting; MESSAGE the reply after the final dot. */
    public enum Verb {
        CONNECT, EHLO, HELO, STARTTLS, AUTH, MAIL, RCPT, DATA, MESSAGE, RSET, NOOP, QUIT
    }

    /** What a script sees when it decides a reply. Numbers count from 1. */
    public record Exchange(Verb verb, String argument, int connection, int transaction, int transactionOnConnection) {
        /** The address inside {@code <...>} of MAIL/RCPT, lower-cased; "" for none. */
        public String address() {
            int open = argument.indexOf('<');
            int close = argument.indexOf('>', open + 1);
            return open < 0 || close < 0 ? "" : argument.substring(open + 1, close).toLowerCase(Locale.ROOT);
        }
    }

    /** Decides a reply; null means "the default reply". */
    @FunctionalInterface
    public interface Script {
        String reply(Exchange exchange);
    }

    /** One command line as received. {@code moreWaiting}: more input was already there (pipelining). */
    public record ReceivedCommand(int connection, String line, boolean moreWaiting, Instant at) {
    }

    /**
     * One transaction, from MAIL to the reply after the message (or RSET/QUIT/close).
     *
     * @param mailFrom   the MAIL argument after "FROM:", parameters included
     * @param rcptTo     every RCPT argument after "TO:", refused ones too
     * @param accepted   addresses (without brackets) of the RCPTs answered 2xx
     * @param data       the message after dot-unstuffing, CRLFs kept; null when no message came
     * @param dataReply  what the server answered after the message; null when none
     */
    public record ReceivedTransaction(int connection, String heloName, boolean tls, String authUser,
                                      String mailFrom, List<String> rcptTo, List<String> accepted,
                                      byte[] data, String dataReply, Instant started, Instant finished) {

        public String dataText() {
            return data == null ? null : new String(data, StandardCharsets.UTF_8);
        }

        /** The reverse-path without brackets. */
        public String reversePath() {
            int close = mailFrom.indexOf('>');
            return mailFrom.substring(mailFrom.indexOf('<') + 1, close);
        }

        /** MAIL parameters after the path, e.g. {@code [SIZE=120, BODY=8BITMIME]}. */
        public List<String> mailParameters() {
            String rest = mailFrom.substring(mailFrom.indexOf('>') + 1).strip();
            return rest.isEmpty() ? List.of() : List.of(rest.split("\\s+"));
        }

        public boolean delivered() {
            return dataReply != null && dataReply.startsWith("2");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String bind = "127.0.0.1";
        private int port;
        private String name = "mx.scripted.test";
        private final Set<String> extensions = new LinkedHashSet<>(
                List.of("PIPELINING", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "DSN", "SIZE"));
        private long size;
        private SSLContext tls;
        private String user;
        private String password;
        private String authMechanisms = "PLAIN LOGIN";
        private final Map<Verb, List<Script>> scripts = new EnumMap<>(Verb.class);

        /** A loopback address: 127.0.0.1 (default), 127.0.0.2, ... */
        public Builder bind(String address) {
            this.bind = address;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The name in the greeting and EHLO reply. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Leaves EHLO keywords out, e.g. "PIPELINING", "8BITMIME", "SMTPUTF8", "SIZE", "DSN". */
        public Builder without(String... keywords) {
            for (String k : keywords) {
                extensions.remove(k.toUpperCase(Locale.ROOT));
            }
            return this;
        }

        /** Adds an EHLO line as is, e.g. "CHUNKING" or "AUTH=LOGIN". */
        public Builder advertise(String line) {
            extensions.add(line);
            return this;
        }

        /** Advertises SIZE with this limit and refuses bigger SIZE= declarations. */
        public Builder size(long limit) {
            this.size = limit;
            return this;
        }

        /** Offers STARTTLS with this (server) context. */
        public Builder startTls(SSLContext context) {
            this.tls = context;
            return this;
        }

        /** Offers AUTH PLAIN LOGIN and accepts only these credentials. */
        public Builder auth(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /** The mechanisms AUTH advertises (default "PLAIN LOGIN"); the server speaks PLAIN and LOGIN. */
        public Builder authMechanisms(String... mechanisms) {
            this.authMechanisms = String.join(" ", mechanisms);
            return this;
        }

        /** A script for a verb; scripts run in the order added, the first non-null reply wins. */
        public Builder on(Verb verb, Script script) {
            scripts.computeIfAbsent(verb, v -> new ArrayList<>()).add(script);
            return this;
        }

        /** Always this reply to a verb (full reply text, e.g. "421 4.3.2 Busy"; or {@link #HANG}). */
        public Builder reply(Verb verb, String reply) {
            return on(verb, e -> reply);
        }

        /** The greeting; e.g. "421 4.3.2 Too busy", "554 5.7.1 Go away" or {@link #HANG}. */
        public Builder greeting(String reply) {
            return reply(Verb.CONNECT, reply);
        }

        /** Never greets. */
        public Builder hangOnConnect() {
            return greeting(HANG);
        }

        /** EHLO gets "500 5.5.1 Command unrecognized", so the client must fall back to HELO. */
        public Builder rejectEhlo() {
            return reply(Verb.EHLO, "500 5.5.1 Command unrecognized: EHLO");
        }

        /** This reply to RCPT of this address (case-insensitive, without brackets). */
        public Builder rcpt(String address, String reply) {
            String a = address.toLowerCase(Locale.ROOT);
            return on(Verb.RCPT, e -> e.address().equals(a) ? reply : null);
        }

        /** This reply to the first {@code k} transactions' {@code verb} (by transaction number), the default after. */
        public Builder failFirst(Verb verb, int k, String reply) {
            return on(verb, e -> e.transaction() <= k ? reply : null);
        }

        /** This reply on the first {@code k} connections, the default after. */
        public Builder failFirstConnections(Verb verb, int k, String reply) {
            return on(verb, e -> e.connection() <= k ? reply : null);
        }

        public ScriptedSmtpServer start() throws IOException {
            return new ScriptedSmtpServer(this);
        }
    }

    private final Builder config;
    private final ServerSocket listener;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final List<ReceivedCommand> commands = new CopyOnWriteArrayList<>();
    private final List<ReceivedTransaction> transactions = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger transactionCount = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile boolean closed;

    private ScriptedSmtpServer(Builder config) throws IOException {
        this.config = config;
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getByName(config.bind), config.port), 100);
        Thread.ofPlatform().daemon().name("scripted-smtp-" + listener.getLocalPort()).start(this::accept);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    public List<ReceivedCommand> commands() {
        return List.copyOf(commands);
    }

    /** The command lines of one connection, in order. */
    public List<String> commandLines(int connection) {
        return commands.stream().filter(c -> c.connection() == connection).map(ReceivedCommand::line).toList();
    }

    /** Every finished transaction (delivered or not), in the order they finished. */
    public List<ReceivedTransaction> transactions() {
        return List.copyOf(transactions);
    }

    /** The transactions whose message was answered 2xx. */
    public List<ReceivedTransaction> messages() {
        return transactions.stream().filter(ReceivedTransaction::delivered).toList();
    }

    /** Waits until {@code n} messages were accepted; returns them. */
    public List<ReceivedTransaction> awaitMessages(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (messages().size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + n + " messages, got " + messages().size());
                }
                changed.awaitNanos(left);
            }
            return messages();
        } finally {
            lock.unlock();
        }
    }

    private void accept() {
        while (!closed) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                return;
            }
            open.add(s);
            int n = connections.incrementAndGet();
            Thread.ofVirtual().name("scripted-smtp-conn-" + n).start(() -> {
                try {
                    new Session(s, n).run();
                } catch (IOException e) {
                    // the client went away
                } finally {
                    open.remove(s);
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // closed
                    }
                }
            });
        }
    }

    private final class Session {
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private final int connection;
        private int onConnection;
        private String helo;
        private boolean tls;
        private String authUser;
        // the transaction in progress
        private String mailFrom;
        private List<String> rcptTo;
        private List<String> accepted;
        private Instant started;
        private int transaction;

        Session(Socket socket, int connection) throws IOException {
            this.connection = connection;
            attach(socket);
        }

        private void attach(Socket s) throws IOException {
            socket = s;
            in = new BufferedInputStream(s.getInputStream());
            out = s.getOutputStream();
        }

        void run() throws IOException {
            if (!reply(Verb.CONNECT, "", "220 " + config.name + " ESMTP scripted")) {
                return;
            }
            while (!closed) {
                String line = readLine();
                if (line == null) {
                    finish(null, null);
                    return;
                }
                commands.add(new ReceivedCommand(connection, line, in.available() > 0, Instant.now()));
                String upper = line.toUpperCase(Locale.ROOT);
                String verbWord = upper.split(" ", 2)[0];
                String arg = line.length() > verbWord.length() ? line.substring(verbWord.length()).strip() : "";
                switch (verbWord) {
                    case "EHLO" -> {
                        helo = arg;
                        if (reply(Verb.EHLO, arg, ehloReply())) {
                            mailFrom = null;
                        }
                    }
                    case "HELO" -> {
                        helo = arg;
                        reply(Verb.HELO, arg, "250 " + config.name);
                    }
                    case "STARTTLS" -> {
                        if (config.tls == null || tls) {
                            reply(Verb.STARTTLS, arg, "502 5.5.1 STARTTLS not offered");
                        } else if (reply(Verb.STARTTLS, arg, "220 2.0.0 Ready to start TLS")) {
                            SSLSocket ssl = (SSLSocket) config.tls.getSocketFactory()
                                    .createSocket(socket, null, socket.getPort(), true);
                            ssl.setUseClientMode(false);
                            ssl.startHandshake();
                            attach(ssl);
                            tls = true;
                            helo = null;
                        }
                    }
                    case "AUTH" -> auth(arg);
                    case "MAIL" -> {
                        if (mailFrom != null) {
                            reply(Verb.MAIL, arg, "503 5.5.1 Nested MAIL command");
                            continue;
                        }
                        String from = arg.length() > 5 ? arg.substring(5).strip() : "";
                        transaction = transactionCount.incrementAndGet();
                        onConnection++;
                        String def = "250 2.1.0 Ok";
                        long declared = declaredSize(from);
                        if (config.size > 0 && declared > config.size) {
                            def = "552 5.3.4 Message size exceeds fixed limit";
                        }
                        String r = decide(Verb.MAIL, from, def);
                        if (r.startsWith("2")) {
                            mailFrom = from;
                            rcptTo = new ArrayList<>();
                            accepted = new ArrayList<>();
                            started = Instant.now();
                        }
                        send(r);
                        if (r == HANG) {
                            return;
                        }
                    }
                    case "RCPT" -> {
                        if (mailFrom == null) {
                            reply(Verb.RCPT, arg, "503 5.5.1 Need MAIL first");
                            continue;
                        }
                        String to = arg.length() > 3 ? arg.substring(3).strip() : "";
                        rcptTo.add(to);
                        String r = decide(Verb.RCPT, to, "250 2.1.5 Ok");
                        if (r.startsWith("2")) {
                            accepted.add(new Exchange(Verb.RCPT, to, 0, 0, 0).address());
                        }
                        send(r);
                        if (r == HANG) {
                            return;
                        }
                    }
                    case "DATA" -> {
                        if (mailFrom == null || accepted.isEmpty()) {
                            reply(Verb.DATA, arg, "503 5.5.1 Need valid RCPT first");
                            continue;
                        }
                        String r = decide(Verb.DATA, arg, "354 End data with <CR><LF>.<CR><LF>");
                        send(r);
                        if (r == HANG) {
                            return;
                        }
                        if (!r.startsWith("354")) {
                            continue;
                        }
                        byte[] data = readData();
                        String fin = decide(Verb.MESSAGE, "", "250 2.0.0 Ok: queued as " + transaction);
                        if (fin == HANG) {
                            hang();
                            return;
                        }
                        finish(data, fin);
                        send(fin);
                    }
                    case "RSET" -> {
                        finish(null, null);
                        reply(Verb.RSET, arg, "250 2.0.0 Ok");
                    }
                    case "NOOP" -> reply(Verb.NOOP, arg, "250 2.0.0 Ok");
                    case "QUIT" -> {
                        finish(null, null);
                        reply(Verb.QUIT, arg, "221 2.0.0 Bye");
                        return;
                    }
                    default -> send("500 5.5.1 Command unrecognized");
                }
            }
        }

        private void auth(String arg) throws IOException {
            String[] words = arg.split(" ");
            String mechanism = words[0].toUpperCase(Locale.ROOT);
            String user;
            String pass;
            if (config.user == null) {
                send("502 5.5.1 AUTH not offered");
                return;
            }
            if (mechanism.equals("PLAIN")) {
                String token = words.length > 1 ? words[1] : prompt("");
                String[] parts = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8).split("\0", -1);
                user = parts.length == 3 ? parts[1] : "";
                pass = parts.length == 3 ? parts[2] : "";
            } else if (mechanism.equals("LOGIN")) {
                user = new String(Base64.getDecoder().decode(prompt("VXNlcm5hbWU6")), StandardCharsets.UTF_8);
                pass = new String(Base64.getDecoder().decode(prompt("UGFzc3dvcmQ6")), StandardCharsets.UTF_8);
            } else {
                send("504 5.5.4 Unrecognized authentication type");
                return;
            }
            boolean ok = config.user.equals(user) && config.password.equals(pass);
            if (reply(Verb.AUTH, mechanism, ok ? "235 2.7.0 Authentication successful"
                    : "535 5.7.8 Authentication credentials invalid") && ok) {
                authUser = user;
            }
        }

        private String prompt(String challenge) throws IOException {
            send("334 " + challenge);
            String line = readLine();
            if (line == null) {
                throw new IOException("closed during AUTH");
            }
            commands.add(new ReceivedCommand(connection, line, false, Instant.now()));
            return line;
        }

        private String ehloReply() {
            List<String> lines = new ArrayList<>();
            lines.add(config.name);
            for (String e : config.extensions) {
                lines.add(e.equals("SIZE") && config.size > 0 ? "SIZE " + config.size : e);
            }
            if (config.tls != null && !tls) {
                lines.add("STARTTLS");
            }
            if (config.user != null) {
                lines.add("AUTH " + config.authMechanisms);
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                sb.append("250").append(i == lines.size() - 1 ? ' ' : '-').append(lines.get(i));
                if (i < lines.size() - 1) {
                    sb.append("\r\n");
                }
            }
            return sb.toString();
        }

        private static long declaredSize(String from) {
            for (String p : from.split("\\s+")) {
                if (p.toUpperCase(Locale.ROOT).startsWith("SIZE=")) {
                    try {
                        return Long.parseLong(p.substring(5));
                    } catch (NumberFormatException e) {
                        return -1;
                    }
                }
            }
            return -1;
        }

        /** Scripts first, then the default; false when the scripted reply was HANG (session over). */
        private boolean reply(Verb verb, String arg, String defaultReply) throws IOException {
            String r = decide(verb, arg, defaultReply);
            if (r == HANG) {
                hang();
                return false;
            }
            send(r);
            return r.startsWith("2") || r.startsWith("3");
        }

        private String decide(Verb verb, String arg, String defaultReply) {
            Exchange e = new Exchange(verb, arg, connection, transaction, onConnection);
            for (Script s : config.scripts.getOrDefault(verb, List.of())) {
                String r = s.reply(e);
                if (r != null) {
                    return r;
                }
            }
            return defaultReply;
        }

        private void send(String reply) throws IOException {
            if (reply == HANG) {
                hang();
                return;
            }
            out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Reads and ignores input until the client gives up and closes. */
        private void hang() throws IOException {
            byte[] sink = new byte[1024];
            while (!closed && in.read(sink) >= 0) {
                // swallow
            }
            throw new IOException("hung up");
        }

        private void finish(byte[] data, String dataReply) {
            if (mailFrom == null) {
                return;
            }
            transactions.add(new ReceivedTransaction(connection, helo, tls, authUser, mailFrom, List.copyOf(rcptTo),
                    List.copyOf(accepted), data, dataReply, started, Instant.now()));
            mailFrom = null;
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(128);
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                line.write(b);
            }
            if (b < 0 && line.size() == 0) {
                return null;
            }
            byte[] bytes = line.toByteArray();
            int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
            return new String(bytes, 0, len, StandardCharsets.UTF_8);
        }

        /** The message up to CRLF.CRLF, dot-unstuffed, CRLFs kept. */
        private byte[] readData() throws IOException {
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            while (true) {
                line.reset();
                int b;
                while ((b = in.read()) >= 0) {
                    line.write(b);
                    if (b == '\n') {
                        break;
                    }
                }
                if (b < 0) {
                    throw new IOException("closed during DATA");
                }
                byte[] l = line.toByteArray();
                if (l.length == 3 && l[0] == '.' && l[1] == '\r') {
                    return data.toByteArray();
                }
                int from = l.length > 0 && l[0] == '.' ? 1 : 0;
                data.write(l, from, l.length - from);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

}
