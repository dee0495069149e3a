package tern.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The next hop of a cluster test: an SMTP server that accepts everything, holds each message
 * for {@code hold} before its 250 (so deliveries overlap), then hangs up, so the connections
 * it has open are the deliveries under way. It counts them and keeps the highest count seen.
 * A message whose Subject contains "hold forever" is never answered: its delivery stays under
 * way until the client dies.
 */
final class CountingSink implements AutoCloseable {

    private final ServerSocket server;
    private final long holdMillis;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final List<String> subjects = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final java.util.Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    CountingSink(long holdMillis) throws IOException {
        this.holdMillis = holdMillis;
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    String nextHop() {
        return "[127.0.0.1]:" + port();
    }

    /** The most connections open at once so far. */
    int peak() {
        return peak.get();
    }

    int open() {
        return open.get();
    }

    /** The Subject of every message answered with 250. */
    List<String> subjects() {
        return List.copyOf(subjects);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                int now = open.incrementAndGet();
                peak.accumulateAndGet(now, Math::max);
                Thread.ofVirtual().start(() -> session(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void session(Socket s) {
        try (s; var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))) {
            OutputStream out = s.getOutputStream();
            say(out, "220 sink.tern.test ESMTP");
            String line;
            while ((line = in.readLine()) != null) {
                String verb = line.length() < 4 ? line.toUpperCase() : line.substring(0, 4).toUpperCase();
                switch (verb) {
                    case "EHLO" -> say(out, "250 sink.tern.test");
                    case "HELO", "MAIL", "RCPT", "RSET", "NOOP" -> say(out, "250 ok");
                    case "QUIT" -> {
                        say(out, "221 bye");
                        return;
                    }
                    case "DATA" -> {
                        say(out, "354 go on");
                        String subject = "";
                        String l;
                        while ((l = in.readLine()) != null && !l.equals(".")) {
                            if (subject.isEmpty() && l.regionMatches(true, 0, "Subject:", 0, 8)) {
                                subject = l.substring(8).strip();
                            }
                        }
                        if (subject.contains("hold forever")) {
                            closed.await();
                            return;
                        }
                        Thread.sleep(holdMillis);
                        // Counted closed before the client reads the 250: the client's next delivery
                        // may open a connection as soon as it has it.
                        open.decrementAndGet();
                        sockets.remove(s);
                        subjects.add(subject);
                        say(out, "250 ok");
                        s.close();
                        return;
                    }
                    default -> say(out, "502 no");
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        } finally {
            if (sockets.remove(s)) {
                open.decrementAndGet();
            }
        }
    }

    private static void say(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
