package tern.submission;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code sendmail -bs}: SMTP on standard input and output, spoken by the running server
 * itself. The bytes go through unchanged, except that a line the program ends with a bare LF
 * gets the CR that SMTP requires (the server refuses bare line ends, and programs that
 * talk SMTP through a pipe often write plain newlines). The session ends when the server
 * closes the connection (after QUIT). When standard input ends with QUIT, the proxy waits for
 * the server to answer everything before it (a program may write its whole session at once
 * and close); when it ends otherwise, the connection is half-closed, so the server ends too.
 */
final class SmtpProxy {

    private final InetSocketAddress server;
    private final Duration connectTimeout;

    SmtpProxy(InetSocketAddress server, Duration connectTimeout) {
        this.server = server;
        this.connectTimeout = connectTimeout;
    }

    /** Returns sendmail's exit code: 0, or 75 when no server answers (said as a 421 on {@code out} too). */
    int run(InputStream in, OutputStream out) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(server, (int) connectTimeout.toMillis());
        } catch (IOException e) {
            socket.close();
            out.write(("421 4.3.2 no mail server answers on " + server.getHostString() + ":" + server.getPort()
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return LoopbackSubmission.EX_TEMPFAIL;
        }
        try (socket) {
            InputStream fromServer = socket.getInputStream();
            OutputStream toServer = socket.getOutputStream();
            // Standard input may never end (a program waiting for our 221): a daemon thread reads it.
            Thread.ofPlatform().daemon(true).name("sendmail-bs-stdin").start(() -> {
                try {
                    if (!copyWithCrlf(in, toServer)) {
                        socket.shutdownOutput();
                    }
                } catch (IOException e) {
                    // the server closed first: nothing left to send to
                }
            });
            byte[] buffer = new byte[8192];
            for (int n; (n = fromServer.read(buffer)) != -1; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the connection broke: the program sees its end, as it would with sendmail
        }
        return LoopbackSubmission.EX_OK;
    }

    /** Copies until the end of {@code in}; true when its last line was QUIT. */
    private static boolean copyWithCrlf(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[8192];
        byte[] converted = new byte[2 * buffer.length];
        boolean afterCr = false;
        StringBuilder line = new StringBuilder();
        String lastLine = "";
        for (int n; (n = in.read(buffer)) != -1; ) {
            int m = 0;
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (b == '\n' && !afterCr) {
                    converted[m++] = '\r';
                }
                converted[m++] = b;
                afterCr = b == '\r';
                if (b == '\n') {
                    lastLine = line.toString();
                    line.setLength(0);
                } else if (b != '\r' && line.length() < 16) {
                    line.append((char) (b & 0xff));
                }
            }
            out.write(converted, 0, m);
            out.flush();
        }
        if (!line.isEmpty()) {
            out.write(new byte[] {'\r', '\n'}); // the last line without its newline still ends
            out.flush();
        }
        String last = line.isEmpty() ? lastLine : line.toString();
        return last.strip().equalsIgnoreCase("QUIT");
    }
}
