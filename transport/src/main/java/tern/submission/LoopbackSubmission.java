package tern.submission;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.envelope.Notify;
import tern.envelope.Ret;

/**
 * One message handed to the running server's SMTP listener on this host, all or nothing:
 * every recipient the server accepts gets the message, and if the server defers any
 * recipient (4xx) the transaction is abandoned before DATA, so that the caller's retry
 * (sendmail's exit code 75) cannot deliver twice to the others. A recipient refused for
 * good (5xx) is reported and the rest still get the message, as sendmail does.
 */
final class LoopbackSubmission {

    /** sysexits.h, as sendmail's callers read them. */
    static final int EX_OK = 0;
    static final int EX_USAGE = 64;
    static final int EX_DATAERR = 65;
    static final int EX_NOUSER = 67;
    static final int EX_UNAVAILABLE = 69;
    static final int EX_SOFTWARE = 70;
    static final int EX_TEMPFAIL = 75;

    /** How it went: the exit code, and one line per problem for stderr. */
    record Outcome(int exitCode, List<String> problems, String queueReply) {
        Outcome {
            problems = List.copyOf(problems);
        }
    }

    private record Reply(int code, List<String> lines) {
        String text() {
            return lines.stream().map(l -> code + " " + l).collect(Collectors.joining(" / "));
        }
    }

    private final InetSocketAddress server;
    private final String heloName;
    private final Duration timeout;

    LoopbackSubmission(InetSocketAddress server, String heloName, Duration timeout) {
        this.server = server;
        this.heloName = heloName;
        this.timeout = timeout;
    }

    Outcome send(ReversePath sender, List<Mailbox> recipients, Set<Notify> notify, Ret ret, byte[] message) {
        try (Socket socket = new Socket()) {
            try {
                socket.connect(server, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            } catch (IOException e) {
                return new Outcome(EX_TEMPFAIL, List.of("no mail server answers on " + where() + " (" + e.getMessage()
                        + "); is tern serve running?"), null);
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            return transaction(in, out, sender, recipients, notify, ret, message);
        } catch (IOException e) {
            return new Outcome(EX_TEMPFAIL, List.of("the connection to " + where() + " failed: " + e.getMessage()), null);
        }
    }

    private Outcome transaction(InputStream in, OutputStream out, ReversePath sender, List<Mailbox> recipients,
                                Set<Notify> notify, Ret ret, byte[] message) throws IOException {
        Reply greeting = read(in);
        if (greeting.code() != 220) {
            Outcome refusal = refused("the server's greeting", greeting);
            return greeting.code() / 100 == 5 ? new Outcome(EX_UNAVAILABLE, refusal.problems(), null) : refusal;
        }
        Reply ehlo = command(in, out, "EHLO " + heloName);
        if (ehlo.code() != 250) {
            return quit(in, out, refused("EHLO", ehlo));
        }
        Set<String> extensions = new HashSet<>();
        for (String line : ehlo.lines().subList(1, ehlo.lines().size())) {
            extensions.add(line.split(" ", 2)[0].toUpperCase(Locale.ROOT));
        }
        boolean utf8 = recipients.stream().anyMatch(Mailbox::isInternationalized)
                || (!sender.isNull() && sender.mailbox().isInternationalized())
                || HeaderSection.parse(message).hasNonAscii();
        StringBuilder mail = new StringBuilder("MAIL FROM:<").append(sender).append('>');
        if (eightBit(message) && extensions.contains("8BITMIME")) {
            mail.append(" BODY=8BITMIME");
        }
        if (utf8 && extensions.contains("SMTPUTF8")) {
            mail.append(" SMTPUTF8");
        }
        boolean dsn = extensions.contains("DSN");
        if (dsn && ret != null) {
            mail.append(" RET=").append(ret.name());
        }
        Reply mailReply = command(in, out, mail.toString());
        if (mailReply.code() != 250) {
            return quit(in, out, refused("the sender <" + sender + ">", mailReply));
        }
        List<String> problems = new ArrayList<>();
        int accepted = 0;
        boolean deferred = false;
        String notifyParameter = dsn && !notify.isEmpty()
                ? " NOTIFY=" + notify.stream().map(Enum::name).sorted().collect(Collectors.joining(",")) : "";
        for (Mailbox rcpt : recipients) {
            Reply r = command(in, out, "RCPT TO:<" + rcpt + ">" + notifyParameter);
            if (r.code() / 100 == 2) {
                accepted++;
            } else {
                deferred |= r.code() / 100 != 5;
                problems.add("<" + rcpt + ">: " + r.text());
            }
        }
        if (deferred) {
            command(in, out, "RSET");
            problems.add("nothing was sent: the server deferred a recipient; try again later");
            return quit(in, out, new Outcome(EX_TEMPFAIL, problems, null));
        }
        if (accepted == 0) {
            return quit(in, out, new Outcome(EX_NOUSER, problems, null));
        }
        Reply data = command(in, out, "DATA");
        if (data.code() != 354) {
            return quit(in, out, refused("DATA", data));
        }
        writeDotStuffed(message, out);
        out.flush();
        Reply queued = read(in);
        if (queued.code() / 100 != 2) {
            Outcome refusal = refused("the message", queued);
            problems.addAll(refusal.problems());
            return quit(in, out, new Outcome(refusal.exitCode(), problems, null));
        }
        return quit(in, out, new Outcome(problems.isEmpty() ? EX_OK : EX_NOUSER, problems, queued.text()));
    }

    private String where() {
        return server.getHostString() + ":" + server.getPort();
    }

    /** 4xx: try again later (75); 5xx: the server will not take it (sender or message: 65). */
    private static Outcome refused(String what, Reply reply) {
        int code = reply.code() / 100 == 4 ? EX_TEMPFAIL : reply.code() / 100 == 5 ? EX_DATAERR : EX_UNAVAILABLE;
        return new Outcome(code, List.of(what + " refused: " + reply.text()), null);
    }

    private static Outcome quit(InputStream in, OutputStream out, Outcome outcome) {
        try {
            command(in, out, "QUIT");
        } catch (IOException ignored) {
            // the answer is decided; a server that hung up already changes nothing
        }
        return outcome;
    }

    private static Reply command(InputStream in, OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return read(in);
    }

    private static Reply read(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine(in);
            if (line.length() < 3 || !Character.isDigit(line.charAt(0))) {
                throw new IOException("not an SMTP reply: " + line);
            }
            lines.add(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) != '-') {
                return new Reply(Integer.parseInt(line.substring(0, 3)), lines);
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(80);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
            if (line.size() > 8192) {
                throw new IOException("reply line too long");
            }
        }
        if (b == -1 && line.size() == 0) {
            throw new IOException("the server closed the connection");
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** RFC 5321 4.5.2: a line starting with a dot gets one more; then CRLF.CRLF. The message ends with CRLF. */
    static void writeDotStuffed(byte[] m, OutputStream out) throws IOException {
        boolean lineStart = true;
        int start = 0;
        for (int i = 0; i < m.length; i++) {
            if (lineStart && m[i] == '.') {
                out.write(m, start, i - start);
                out.write('.');
                start = i;
            }
            lineStart = m[i] == '\n';
        }
        out.write(m, start, m.length - start);
        out.write(new byte[] {'.', '\r', '\n'});
    }

    private static boolean eightBit(byte[] m) {
        for (byte b : m) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }
}
