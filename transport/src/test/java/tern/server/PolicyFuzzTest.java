package tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import tern.auth.AuthThrottle;
import tern.queue.QueueIdGenerator;
import tern.testing.Eventually;
import tern.testing.SmtpTestClient;

/**
 * A seeded fuzzer: mutations of valid sessions (byte flips, inserted NUL/CR/LF, huge lines,
 * random verbs, pipelined bursts) over a modest number of connections. The server must answer
 * or close every connection promptly, count every session out again, and
 * still serve a well-behaved client afterwards.
 */
class PolicyFuzzTest {

    private static final long SEED = 0x7e2e5_2025L;
    private static final int LINES = 100_000;
    private static final int PARALLEL = 8;
    private static final Duration CLOSE_WITHIN = Duration.ofSeconds(10);

    private static final String[] VALID = {
        "EHLO fuzz.example", "HELO fuzz.example", "MAIL FROM:<a@b.example>", "MAIL FROM:<a@b.example> SIZE=100 BODY=8BITMIME",
        "MAIL FROM:<> RET=HDRS ENVID=x+2By", "RCPT TO:<x@tern.test>", "RCPT TO:<y@tern.test> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;y@tern.test",
        "RCPT TO:<user%remote@tern.test>", "RCPT TO:<\"q@r\"@tern.test>", "RCPT TO:<@a.example:z@tern.test>",
        "DATA", "Subject: fuzz", "", "body line", "..dot", ".", "BDAT 5", "hello", "BDAT 0 LAST", "RSET", "NOOP",
        "VRFY x", "HELP", "AUTH PLAIN", "AUTH PLAIN dUB4", "AUTH LOGIN =", "*", "STARTTLS", "EHLO [127.0.0.1]",
    };
    // AUTH is fuzzed up to the credentials, rarely beyond: each complete attempt costs a deliberate
    // ~150 ms key derivation (AuthThrottle and the PBKDF2 cost have tests of their own).
    private static final String[] VERBS = {
        "EHLO", "HELO", "MAIL", "RCPT", "DATA", "BDAT", "RSET", "NOOP", "VRFY", "HELP", "AUTH", "STARTTLS", "QUIT",
        "EXPN", "TURN", "ETRN", "XCLIENT", "GET", "POST", "X", "",
    };

    @Test
    void survivesAHundredThousandMutatedCommandLines() throws Exception {
        PolicyConfig config = new PolicyConfig();
        config.maxErrors = 1_000_000; // go deep: the error limit would end most sessions after ten lines
        config.maxConnections = 100;
        RecordingSpool spool = new RecordingSpool();
        // Every fuzz connection comes from 127.0.0.1: the real throttle would hold AUTH answers for
        // up to 30 s each, which tests the clock, not the parser. No free failure is ever used up here.
        var noThrottle = new AuthThrottle(ServerFixture.CLOCK, Integer.MAX_VALUE, Duration.ofMinutes(1),
                Duration.ZERO, Duration.ZERO, 10);
        try (ServerFixture f = new ServerFixture(SmtpServer.start(config.build(), spool,
                new QueueIdGenerator(ServerFixture.CLOCK), ServerFixture.CLOCK, null, noThrottle))) {
            Random seeds = new Random(SEED);
            AtomicLong sent = new AtomicLong();
            AtomicLong received = new AtomicLong();
            // Rounds of connections until enough lines went out: how many lines a connection gets
            // through before the server hangs up on it (a line that never ends) varies.
            try (ExecutorService pool = Executors.newFixedThreadPool(PARALLEL)) {
                for (int round = 0; round < 20 && sent.get() < LINES; round++) {
                    List<Future<?>> runs = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        long seed = seeds.nextLong();
                        runs.add(pool.submit(() -> {
                            oneConnection(f, new Random(seed), sent, received);
                            return null;
                        }));
                    }
                    for (Future<?> run : runs) {
                        run.get(60, TimeUnit.SECONDS);
                    }
                }
            }
            assertThat(sent.get()).isGreaterThanOrEqualTo(LINES);
            assertThat(received.get()).isPositive();
            Eventually.await("every session counted out", () -> f.server.openSessions() == 0
                    && f.server.openConnections() == 0 && f.server.connectedClientAddresses() == 0);
            try (SmtpTestClient c = f.greeted()) {
                c.expect("MAIL FROM:<a@b.example>", 250);
                c.expect("RCPT TO:<x@tern.test>", 250);
                c.expect("DATA", 354);
                c.send("Subject: after the storm\r\n\r\nstill here\r\n.\r\n").expect(250);
            }
        }
    }

    /** 250 lines in bursts, then a half-close: the server must close its side within the limit. */
    private static void oneConnection(ServerFixture f, Random random, AtomicLong sent, AtomicLong received)
            throws Exception {
        try (Socket socket = new Socket(f.address().getAddress(), f.address().getPort())) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            CountDownLatch greeted = new CountDownLatch(1);
            long[] got = new long[1];
            Thread reader = Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[8192];
                try {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        got[0] += n;
                        greeted.countDown();
                    }
                    got[0] = -got[0] - 1; // EOF seen: a clean close
                } catch (IOException e) {
                    got[0] = -got[0] - 1; // reset by the server: closed too
                }
                greeted.countDown();
            });
            assertThat(greeted.await(CLOSE_WITHIN.toMillis(), TimeUnit.MILLISECONDS)).as("greeting").isTrue();
            int lines = 0;
            try {
                while (lines < 250) {
                    int burst = 1 + random.nextInt(random.nextInt(10) == 0 ? 60 : 8);
                    ByteArrayOutputStream batch = new ByteArrayOutputStream();
                    for (int i = 0; i < burst; i++) {
                        batch.write(mutatedLine(random));
                        batch.write(random.nextInt(50) == 0 ? new byte[] {'\n'} : new byte[] {'\r', '\n'});
                    }
                    out.write(batch.toByteArray());
                    out.flush();
                    lines += burst;
                }
                socket.shutdownOutput();
            } catch (IOException closedByServer) {
                // QUIT, an HTTP verb or a mutation the server hung up on: also a clean end
            }
            sent.addAndGet(lines);
            reader.join(CLOSE_WITHIN.toMillis() + 1000);
            assertThat(reader.isAlive()).as("the server closed the connection").isFalse();
            assertThat(got[0]).as("closed").isNegative();
            received.addAndGet(-got[0] - 1);
        }
    }

    private static byte[] mutatedLine(Random random) {
        String base = switch (random.nextInt(10)) {
            case 0 -> VERBS[random.nextInt(VERBS.length)] + " " + randomAscii(random, random.nextInt(40));
            default -> VALID[random.nextInt(VALID.length)];
        };
        byte[] line = base.getBytes(StandardCharsets.UTF_8);
        int mutations = random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            line = switch (random.nextInt(7)) {
                case 0 -> flip(line, random);
                case 1 -> insert(line, random, (byte) 0);
                case 2 -> insert(line, random, (byte) '\r');
                case 3 -> insert(line, random, (byte) '\n');
                case 4 -> random.nextInt(20) == 0 ? huge(random) : line;
                case 5 -> insert(line, random, (byte) (0x80 | random.nextInt(0x80)));
                default -> truncate(line, random);
            };
        }
        return line;
    }

    private static byte[] flip(byte[] line, Random random) {
        if (line.length == 0) {
            return line;
        }
        byte[] out = line.clone();
        out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
        return out;
    }

    private static byte[] insert(byte[] line, Random random, byte b) {
        int at = random.nextInt(line.length + 1);
        byte[] out = new byte[line.length + 1];
        System.arraycopy(line, 0, out, 0, at);
        out[at] = b;
        System.arraycopy(line, at, out, at + 1, line.length - at);
        return out;
    }

    private static byte[] truncate(byte[] line, Random random) {
        return java.util.Arrays.copyOf(line, line.length == 0 ? 0 : random.nextInt(line.length));
    }

    private static byte[] huge(Random random) {
        byte[] out = new byte[1000 + random.nextInt(70_000)];
        java.util.Arrays.fill(out, (byte) ('a' + random.nextInt(26)));
        return out;
    }

    private static String randomAscii(Random random, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append((char) (32 + random.nextInt(95)));
        }
        return sb.toString();
    }
}
