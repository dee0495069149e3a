package tern.bench.load;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One SMTP client connection of the load tool: greeting, EHLO, then transactions,
 * pipelined (RFC 2920) when asked and offered. Blocking I/O on a virtual thread; the
 * hot path makes no Strings: commands are pre-encoded and replies are parsed in place.
 */
final class LoadConnection implements Closeable {

    /** Where in a transaction a reply came from; errors are grouped by it. */
    enum Stage {
        CONNECT("greeting"), EHLO("EHLO"), MAIL("MAIL"), RCPT("RCPT"), DATA("DATA"), END_OF_DATA("end of data");

        final String label;

        Stage(String label) {
            this.label = label;
        }
    }

    /** The outcome of one transaction, reused by its worker to avoid garbage. */
    static final class Outcome {
        int code;
        Stage stage;
        String text;
        long dotToReplyNanos;

        boolean accepted() {
            return code >= 200 && code < 300 && stage == Stage.END_OF_DATA;
        }
    }

    private static final byte[] DATA = "DATA\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RSET = "RSET\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] QUIT = "QUIT\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DOT = ".\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Socket socket;
    private final LineReader in;
    private final BufferedOutputStream out;
    private boolean pipelining;
    private boolean broken;
    /** The last line of the last reply, kept only when a reply was negative. */
    private String lastText = "";

    private LoadConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new LineReader(socket.getInputStream(), 8192);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 65536);
    }

    /** Connects, reads the greeting and says EHLO; fails with a {@link RejectedException} on a negative reply. */
    static LoadConnection open(Flags.HostPort target, int timeoutMillis, String helo) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(target.host(), target.port()), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            LoadConnection c = new LoadConnection(socket);
            int greeting = c.reply();
            if (greeting != 220) {
                throw new RejectedException(Stage.CONNECT, greeting, c.lastText);
            }
            c.write(("EHLO " + helo + "\r\n").getBytes(StandardCharsets.US_ASCII));
            c.out.flush();
            int ehlo = c.ehloReply();
            if (ehlo != 250) {
                throw new RejectedException(Stage.EHLO, ehlo, c.lastText);
            }
            return c;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** A negative reply before any transaction could start. */
    static final class RejectedException extends IOException {
        final Stage stage;
        final int code;
        final String text;

        RejectedException(Stage stage, int code, String text) {
            super(code + " " + text);
            this.stage = stage;
            this.code = code;
            this.text = text;
        }
    }

    boolean pipelining() {
        return pipelining;
    }

    /** Whether the connection can carry another transaction. */
    boolean usable() {
        return !broken && !socket.isClosed();
    }

    /**
     * Sends one message. {@code pipeline} = MAIL, RCPT and DATA in one write when the server offered PIPELINING.
     * IOExceptions leave the connection broken; the caller closes it.
     */
    void send(byte[] mail, byte[] rcpt, byte[] prefix, byte[] body, boolean pipeline, Outcome o) throws IOException {
        o.text = null;
        o.dotToReplyNanos = 0;
        try {
            if (pipeline && pipelining) {
                sendPipelined(mail, rcpt, prefix, body, o);
            } else {
                sendInLockstep(mail, rcpt, prefix, body, o);
            }
        } catch (IOException e) {
            broken = true;
            throw e;
        }
        if (o.code == 421) {
            broken = true;
        }
    }

    private void sendInLockstep(byte[] mail, byte[] rcpt, byte[] prefix, byte[] body, Outcome o) throws IOException {
        write(mail);
        out.flush();
        int code = reply();
        if (!positive(code)) {
            fail(o, Stage.MAIL, code);
            reset();
            return;
        }
        write(rcpt);
        out.flush();
        code = reply();
        if (!positive(code)) {
            fail(o, Stage.RCPT, code);
            reset();
            return;
        }
        write(DATA);
        out.flush();
        code = reply();
        if (code != 354) {
            fail(o, Stage.DATA, code);
            reset();
            return;
        }
        content(prefix, body, o);
    }

    private void sendPipelined(byte[] mail, byte[] rcpt, byte[] prefix, byte[] body, Outcome o) throws IOException {
        write(mail);
        write(rcpt);
        write(DATA);
        out.flush();
        int mailCode = reply();
        String mailText = positive(mailCode) ? null : lastText;
        int rcptCode = reply();
        String rcptText = positive(rcptCode) ? null : lastText;
        int dataCode = reply();
        if (dataCode == 354) {
            if (mailText == null && rcptText == null) {
                content(prefix, body, o);
                return;
            }
            // RFC 2920 3.1: the server should have refused DATA; end the empty message so the session stays in step
            write(DOT);
            out.flush();
            reply();
        }
        if (mailText != null) {
            fail(o, Stage.MAIL, mailCode);
            o.text = mailText;
        } else if (rcptText != null) {
            fail(o, Stage.RCPT, rcptCode);
            o.text = rcptText;
        } else {
            fail(o, Stage.DATA, dataCode);
        }
        reset();
    }

    private void content(byte[] prefix, byte[] body, Outcome o) throws IOException {
        write(prefix);
        write(body);
        write(DOT);
        out.flush();
        long dot = System.nanoTime();
        int code = reply();
        o.dotToReplyNanos = System.nanoTime() - dot;
        o.code = code;
        o.stage = Stage.END_OF_DATA;
        if (!positive(code)) {
            o.text = lastText;
        }
    }

    private void fail(Outcome o, Stage stage, int code) {
        o.code = code;
        o.stage = stage;
        o.text = lastText;
    }

    private void reset() throws IOException {
        if (broken || socket.isClosed()) {
            return;
        }
        write(RSET);
        out.flush();
        reply();
    }

    /** QUIT, wait for 221 (bounded by the socket timeout), close. Errors here do not matter. */
    void quit() {
        try {
            if (!broken) {
                write(QUIT);
                out.flush();
                reply();
            }
        } catch (IOException ignored) {
            // the server may close first; the message was already acknowledged
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        broken = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do about a failed close
        }
    }

    private void write(byte[] bytes) throws IOException {
        out.write(bytes, 0, bytes.length);
    }

    private static boolean positive(int code) {
        return code >= 200 && code < 400;
    }

    /** Reads one (possibly multi-line) reply and returns its code. */
    private int reply() throws IOException {
        while (true) {
            in.next();
            int code = code();
            if (lastLine()) {
                if (code >= 400) {
                    lastText = in.text(4);
                }
                if (code == 421) {
                    broken = true;
                }
                return code;
            }
        }
    }

    private int ehloReply() throws IOException {
        while (true) {
            in.next();
            int code = code();
            String keyword = in.text(4).trim();
            if (code == 250 && (keyword.equalsIgnoreCase("PIPELINING") || keyword.regionMatches(true, 0, "PIPELINING ", 0, 11))) {
                pipelining = true;
            }
            if (lastLine()) {
                if (code >= 400) {
                    lastText = in.text(4);
                }
                return code;
            }
        }
    }

    private int code() throws IOException {
        byte[] b = in.buffer();
        int s = in.start();
        if (in.length() < 3 || !digit(b[s]) || !digit(b[s + 1]) || !digit(b[s + 2])) {
            broken = true;
            throw new IOException("malformed reply: " + in.text());
        }
        return (b[s] - '0') * 100 + (b[s + 1] - '0') * 10 + (b[s + 2] - '0');
    }

    private boolean lastLine() {
        return in.length() == 3 || in.buffer()[in.start() + 3] != '-';
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }
}
