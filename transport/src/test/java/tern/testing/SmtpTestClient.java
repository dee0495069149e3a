package tern.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw-socket SMTP client for tests: it sends exactly the bytes it is given (bare LFs,
 * pipelined batches, broken commands) and reads replies one at a time, multi-line aware.
 * Loopback only, as every test.
 */
public final class SmtpTestClient implements AutoCloseable {

    /** One reply: its code and its lines of text (after "250-" / "250 "). */
    public record Reply(int code, List<String> lines) {
        public String text() {
            return String.join("\n", lines);
        }

        /** The enhanced status code at the start of the last line, or "" when none. */
        public String status() {
            String last = lines.getLast();
            int space = last.indexOf(' ');
            String first = space < 0 ? last : last.substring(0, space);
            return first.matches("[245]\\.\\d{1,3}\\.\\d{1,3}") ? first : "";
        }

        @Override
        public String toString() {
            return code + " " + String.join(" | ", lines);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private SmtpTestClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static SmtpTestClient connect(InetSocketAddress address) {
        return connect(address, Duration.ofSeconds(10));
    }

    public static SmtpTestClient connect(InetSocketAddress address, Duration readTimeout) {
        if (!address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("tests talk to loopback only: " + address);
        }
        try {
            Socket socket = new Socket();
            socket.connect(address, 5000);
            socket.setSoTimeout((int) readTimeout.toMillis());
            socket.setTcpNoDelay(true);
            return new SmtpTestClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Connected from {@code localAddress}, another address of 127.0.0.0/8: the whole block is
     * the loopback interface on Linux, so a test can be a client the server does not trust.
     */
    public static SmtpTestClient connectFrom(String localAddress, InetSocketAddress address) {
        java.net.InetAddress local = java.net.InetAddress.ofLiteral(localAddress);
        if (!local.isLoopbackAddress() || !address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("tests talk to loopback only: " + localAddress + " -> " + address);
        }
        try {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(local, 0));
            socket.connect(address, 5000);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            return new SmtpTestClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client over a socket already connected, such as a TLS socket layered over another client's. */
    public static SmtpTestClient over(Socket socket) {
        try {
            return new SmtpTestClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The socket underneath, for layering TLS over it after STARTTLS. */
    public Socket socket() {
        return socket;
    }

    /** Sends text as UTF-8, exactly as given: write the CRLFs yourself. */
    public SmtpTestClient send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    public SmtpTestClient send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one command line, adding CRLF. */
    public SmtpTestClient command(String line) {
        return send(line + "\r\n");
    }

    /** Reads one whole reply (all its continuation lines). */
    public Reply read() {
        List<String> lines = new ArrayList<>();
        int code;
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new IllegalStateException("connection closed while waiting for a reply"
                        + (lines.isEmpty() ? "" : " after " + lines));
            }
            if (line.length() < 3) {
                throw new IllegalStateException("not a reply line: " + line);
            }
            code = Integer.parseInt(line.substring(0, 3));
            lines.add(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new Reply(code, lines);
            }
        }
    }

    /** Reads one reply and fails unless it has this code. */
    public Reply expect(int code) {
        Reply reply = read();
        if (reply.code() != code) {
            throw new AssertionError("expected " + code + " but got " + reply);
        }
        return reply;
    }

    /** Sends a command and expects a code. */
    public Reply expect(String commandLine, int code) {
        command(commandLine);
        return expect(code);
    }

    /** True when the server has closed the connection (reads EOF within the timeout). */
    public boolean isClosedByServer() {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private String readLine() {
        ByteArrayOutputStream line = new ByteArrayOutputStream(80);
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
                }
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, n, StandardCharsets.UTF_8);
                }
                line.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
