package tern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.client.ClientSettings;
import tern.client.SmtpConnection;
import tern.client.Transaction;
import tern.config.TernConfig;
import tern.envelope.Recipient;
import tern.journal.JournalEvent;
import tern.journal.JournalReader;
import tern.queue.QueueState;
import tern.testing.LoopbackPorts;
import tern.testing.TernProcess;

/**
 * "Nothing answered with 250 is ever lost": many sessions send at once, the server is killed
 * with SIGKILL mid-stream, and after a restart every acknowledged message is found intact,
 * delivered to its Maildir (the local recipient) and still pending in the queue (the remote
 * recipient, whose next hop refuses connections).
 */
class CrashSafetyTest {

    @TempDir
    Path dir;

    @Test
    void everyMessageAnsweredWith250SurvivesSigkillAndRestart() throws Exception {
        Socket dead = LoopbackPorts.refusingPort(); // held, never listening: remote delivery defers
        int deadPort = dead.getLocalPort();
        Path data = dir.resolve("data");
        Path config = dir.resolve("tern.yaml");
        Files.writeString(config, """
                server:
                  fqdn: crash.tern.test
                  listen: ["127.0.0.1:0"]
                  dataDir: %s
                domains:
                  local: [local.test]
                routes:
                  - {domain: far.test, nextHop: "[127.0.0.1]:%d"}
                admin:
                  listen: ""
                """.formatted(data, deadPort));

        Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
        try (TernProcess server = TernProcess.serve(config, dir.resolve("first.log"))) {
            int port = server.smtpPort();
            var stop = new AtomicBoolean();
            var enough = new CountDownLatch(300);
            try (var sessions = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int s = 0; s < 20; s++) {
                    int session = s;
                    sessions.execute(() -> send(port, session, stop, acknowledged, enough));
                }
                enough.await();
                server.kill(); // mid-stream: sessions are still sending
                stop.set(true);
            }
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(300);

        try (dead; TernProcess again = TernProcess.serve(config, dir.resolve("second.log"))) {
            Path maildir = data.resolve("drop/local.test/keeper/new");
            // Replayed work goes out at once after a restart, bounded by the destination windows.
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            Map<String, byte[]> delivered = new HashMap<>();
            while (!delivered.keySet().containsAll(acknowledged.keySet()) && System.nanoTime() < deadline) {
                delivered = byTestId(maildir);
                Thread.sleep(100);
            }
            assertThat(again.terminate(Duration.ofSeconds(20))).isZero();
            for (var ack : acknowledged.entrySet()) {
                assertThat(delivered).as("Maildir copy of " + ack.getKey()).containsKey(ack.getKey());
                assertThat(new String(delivered.get(ack.getKey()), StandardCharsets.US_ASCII))
                        .endsWith(new String(ack.getValue(), StandardCharsets.US_ASCII));
            }
        }

        // The remote recipient of every acknowledged message is still queued, bytes and all.
        QueueState queue = new QueueState();
        Map<String, byte[]> journaled = new HashMap<>();
        try (JournalReader reader = JournalReader.open(data.resolve("journal"))) {
            reader.readAvailable(event -> {
                queue.apply(event);
                if (event instanceof JournalEvent.Accepted a) {
                    journaled.put(testId(a.message()), a.message());
                }
            });
        }
        for (var ack : acknowledged.entrySet()) {
            byte[] message = journaled.get(ack.getKey());
            assertThat(message).as("journaled " + ack.getKey()).isNotNull();
            assertThat(new String(message, StandardCharsets.US_ASCII)).endsWith(new String(ack.getValue(), StandardCharsets.US_ASCII));
        }
        long pendingRemote = queue.list().stream().flatMap(m -> m.recipients().stream())
                .filter(r -> r.name().equals("away@far.test") && r.state() == QueueState.State.PENDING).count();
        assertThat(pendingRemote).isGreaterThanOrEqualTo(acknowledged.size());
    }

    private static void send(int port, int session, AtomicBoolean stop, Map<String, byte[]> acknowledged,
                             CountDownLatch progress) {
        var settings = new ClientSettings("sender.test", Duration.ofSeconds(10), TernConfig.OutboundTls.OFF, null, null);
        var from = ReversePath.of(new Mailbox("sender", "remote.test"));
        var to = List.of(Recipient.of(new Mailbox("keeper", "local.test")), Recipient.of(new Mailbox("away", "far.test")));
        try (SmtpConnection c = SmtpConnection.open(new InetSocketAddress("127.0.0.1", port), settings)) {
            for (int n = 0; !stop.get(); n++) {
                String id = session + "-" + n;
                // Message-ID and Date as a mail client writes them: Tern adds neither, so the stored
                // bytes end with exactly what was sent.
                byte[] message = ("X-Test-Id: " + id + "\r\nSubject: crash " + id + "\r\nMessage-ID: <" + id
                        + "@crash.test>\r\nDate: Tue, 8 Dec 2026 00:00:00 +0000\r\n\r\n" + "body of " + id + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                var result = c.send(Transaction.of(from, to, message));
                if (result.dataReply() != null && result.dataReply().code() == 250) {
                    acknowledged.put(id, message);
                    progress.countDown();
                }
            }
        } catch (Exception e) {
            // the kill ends every session; only acknowledged messages count
        }
    }

    private static Map<String, byte[]> byTestId(Path maildir) throws Exception {
        Map<String, byte[]> found = new HashMap<>();
        if (!Files.isDirectory(maildir)) {
            return found;
        }
        try (Stream<Path> files = Files.list(maildir)) {
            for (Path f : files.toList()) {
                byte[] bytes = Files.readAllBytes(f);
                found.put(testId(bytes), bytes);
            }
        }
        return found;
    }

    private static String testId(byte[] message) {
        String text = new String(message, StandardCharsets.US_ASCII);
        int at = text.indexOf("X-Test-Id: ");
        return at < 0 ? "" : text.substring(at + 11, text.indexOf("\r\n", at));
    }
}
