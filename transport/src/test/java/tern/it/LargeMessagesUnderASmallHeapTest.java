package tern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.testing.Eventually;
import tern.testing.SmtpTestClient;
import tern.testing.Submission;
import tern.testing.TernProcess;

/**
 * Anyone who can connect may send large messages, or never finish one. Forty clients outside
 * relay.allowFrom each send 30 MB of DATA without the final dot to a server with a 256 MB
 * heap: 1.2 GB that no heap of that size could hold. The server writes them to spool files,
 * keeps serving a normal client meanwhile, and deletes every spool file once its message is
 * committed or its client is gone.
 */
class LargeMessagesUnderASmallHeapTest {

    private static final int SESSIONS = 40;
    private static final int MEGABYTES_EACH = 30;

    @TempDir
    Path dir;

    @Test
    void fortyUnfinishedThirtyMegabyteMessagesLeaveTheServerServingAndTheirSpoolFilesGoAway() throws Exception {
        Path data = dir.resolve("data");
        Path config = dir.resolve("tern.yaml");
        Files.writeString(config, """
                server:
                  fqdn: big.tern.test
                  listen: ["127.0.0.1:0"]
                  dataDir: %s
                  maxConnectionsPerClient: 100
                domains:
                  local: [tern.test]
                relay:
                  allowFrom: ["127.0.0.2/32"]
                admin:
                  listen: "127.0.0.1:0"
                """.formatted(data));
        try (TernProcess server = TernProcess.serve(config, dir.resolve("serve.log"), "-Xmx256m",
                "-XX:+ExitOnOutOfMemoryError")) {
            InetSocketAddress smtp = new InetSocketAddress("127.0.0.1", server.smtpPort());
            List<SmtpTestClient> hogs = new ArrayList<>();
            CountDownLatch sent = new CountDownLatch(SESSIONS);
            List<Thread> senders = new ArrayList<>();
            long peakHeap = 0;
            try {
                for (int i = 0; i < SESSIONS; i++) {
                    SmtpTestClient c = SmtpTestClient.connect(smtp, Duration.ofSeconds(60));
                    c.expect(220);
                    c.expect("EHLO hog" + i + ".example", 250);
                    c.expect("MAIL FROM:<hog" + i + "@hogs.example>", 250);
                    c.expect("RCPT TO:<victim@tern.test>", 250);
                    c.expect("DATA", 354);
                    hogs.add(c);
                    senders.add(Thread.ofVirtual().start(() -> {
                        sendUnfinished(c);
                        sent.countDown();
                    }));
                }
                while (!sent.await(500, TimeUnit.MILLISECONDS)) {
                    assertThat(server.process().isAlive()).as("the server is alive").isTrue();
                    peakHeap = Math.max(peakHeap, heapUsed(server.adminPort()));
                }
                peakHeap = Math.max(peakHeap, heapUsed(server.adminPort()));
                assertThat(server.process().isAlive()).isTrue();
                assertThat(spoolFiles(data)).as("the unfinished messages wait on disk").isEqualTo(SESSIONS);

                // A normal client is served meanwhile, and so is a large message that ends.
                Submission.send(smtp, "<alice@remote.test>", List.of("<normal@tern.test>"),
                        "Subject: normal\r\n\r\nstill serving\r\n");
                try (SmtpTestClient big = SmtpTestClient.connect(smtp, Duration.ofSeconds(60))) {
                    big.expect(220);
                    big.expect("EHLO big.example", 250);
                    big.expect("MAIL FROM:<big@remote.test>", 250);
                    big.expect("RCPT TO:<big@tern.test>", 250);
                    big.expect("DATA", 354);
                    OutputStream out = big.socket().getOutputStream();
                    out.write("Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    writeLines(out, 3);
                    out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    big.expect(250);
                }
                assertThat(spoolFiles(data)).as("the committed message's spool file is gone").isEqualTo(SESSIONS);
            } finally {
                hogs.forEach(SmtpTestClient::close);
                for (Thread t : senders) {
                    t.join(TimeUnit.SECONDS.toMillis(30));
                }
            }
            Eventually.await("every spool file deleted once its client left", Duration.ofSeconds(30),
                    () -> spoolFiles(data) == 0);
            assertThat(server.process().isAlive()).isTrue();
            System.out.printf("%d sessions x %d MB unfinished DATA with -Xmx256m: peak heap used %.1f MB%n",
                    SESSIONS, MEGABYTES_EACH, peakHeap / 1e6);
            assertThat(server.log()).doesNotContain("OutOfMemoryError");
        }
    }

    private static void sendUnfinished(SmtpTestClient c) {
        try {
            OutputStream out = c.socket().getOutputStream();
            out.write("Subject: never ends\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            writeLines(out, MEGABYTES_EACH);
            out.flush();
        } catch (IOException e) {
            throw new AssertionError("the server hung up on a large message", e);
        }
    }

    /** {@code megabytes} MB of 100-octet text lines, in 64 KB writes. */
    private static void writeLines(OutputStream out, int megabytes) throws IOException {
        byte[] line = ("x".repeat(98) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] block = new byte[line.length * 655];
        for (int i = 0; i < 655; i++) {
            System.arraycopy(line, 0, block, i * line.length, line.length);
        }
        long total = (long) megabytes * 1_000_000;
        for (long written = 0; written < total; written += block.length) {
            out.write(block);
        }
    }

    private static long spoolFiles(Path data) {
        Path spool = data.resolve("spool");
        if (!Files.isDirectory(spool)) {
            return 0;
        }
        try (var files = Files.list(spool)) {
            return files.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static final Pattern HEAP = Pattern.compile("(?m)^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} (\\S+)$");

    /** The heap in use now, from the server's own metrics (the sum over its heap pools). */
    private static long heapUsed(int adminPort) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            double sum = 0;
            Matcher m = HEAP.matcher(metrics);
            while (m.find()) {
                sum += Double.parseDouble(m.group(1));
            }
            return (long) sum;
        }
    }
}
