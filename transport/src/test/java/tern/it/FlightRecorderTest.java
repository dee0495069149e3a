package tern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moditect.jfrunit.EnableEvent;
import org.moditect.jfrunit.JfrEventTest;
import org.moditect.jfrunit.JfrEvents;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.client.ClientSettings;
import tern.client.SmtpConnection;
import tern.client.Transaction;
import tern.config.TernConfig;
import tern.envelope.Recipient;
import tern.queue.QueueId;
import tern.testing.Eventually;
import tern.testing.ScriptedSmtpServer;
import tern.testing.ScriptedSmtpServer.Verb;
import tern.testing.TernInstance;

/** What the flight recorder sees of a running server: no pinned virtual threads, and Tern's own events. */
@JfrEventTest
public class FlightRecorderTest {

    public JfrEvents jfrEvents = new JfrEvents();

    @TempDir
    Path dir;

    @Test
    @EnableEvent(value = "jdk.VirtualThreadPinned", threshold = 0)
    @EnableEvent("tern.DeliveryAttempt")
    public void aThousandMessagesThroughTheSmartHostPinNoVirtualThread() throws Exception {
        int sessions = 10;
        int perSession = 100;
        try (ScriptedSmtpServer smartHost = ScriptedSmtpServer.builder().start();
             TernInstance tern = TernInstance.start(dir, "jfr.tern.test", """
                     delivery:
                       smartHost: "[127.0.0.1]:%d"
                       connections: {timeout: 10s}
                     """.formatted(smartHost.port()))) {
            List<Future<Integer>> sent = new ArrayList<>();
            try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int s = 0; s < sessions; s++) {
                    int session = s;
                    sent.add(clients.submit(() -> send(tern.smtp(), session, perSession)));
                }
            }
            for (Future<Integer> f : sent) {
                assertThat(f.get()).isEqualTo(perSession);
            }
            var delivered = smartHost.awaitMessages(sessions * perSession, Duration.ofSeconds(60));
            assertThat(delivered).hasSize(sessions * perSession);
            assertThat(delivered).allMatch(t -> t.dataText().contains("by jfr.tern.test with ESMTP id "));
        }

        jfrEvents.awaitEvents();
        List<RecordedEvent> pinned = jfrEvents.filter(e -> e.getEventType().getName().equals("jdk.VirtualThreadPinned")).toList();
        assertThat(pinned).as("pinned virtual threads: %s", pinned).isEmpty();
        // The recording did watch the whole run: every delivery attempt is in it.
        assertThat(jfrEvents.filter(e -> e.getEventType().getName().equals("tern.DeliveryAttempt")
                && "delivered".equals(e.getString("outcome")))).hasSize(sessions * perSession);
    }

    private static int send(InetSocketAddress server, int session, int count) throws Exception {
        var settings = new ClientSettings("client.tern.test", Duration.ofSeconds(20), TernConfig.OutboundTls.OFF, null, null);
        var from = ReversePath.of(new Mailbox("load", "remote.test"));
        var to = List.of(Recipient.of(new Mailbox("sink" + session, "far.test")));
        int ok = 0;
        try (SmtpConnection c = SmtpConnection.open(server, settings)) {
            for (int n = 0; n < count; n++) {
                byte[] message = ("Subject: load " + session + "-" + n + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
                var result = c.send(Transaction.of(from, to, message));
                if (result.dataReply() != null && result.dataReply().code() == 250) {
                    ok++;
                }
            }
        }
        return ok;
    }

    @Test
    @EnableEvent("tern.MessageAccepted")
    @EnableEvent("tern.DeliveryAttempt")
    @EnableEvent("tern.JournalCommit")
    public void ternEventsCarryTheQueueIdClientDestinationOutcomeAndBatch() throws Exception {
        try (ScriptedSmtpServer smartHost = ScriptedSmtpServer.builder().start();
             ScriptedSmtpServer deferring = ScriptedSmtpServer.builder()
                     .reply(Verb.RCPT, "451 4.7.1 Greylisted").start();
             TernInstance tern = TernInstance.start(dir, "jfr.tern.test", """
                     delivery:
                       smartHost: "[127.0.0.1]:%d"
                       retry: {first: 1h}
                     routes:
                       - {domain: grey.test, nextHop: "[127.0.0.1]:%d"}
                     """.formatted(smartHost.port(), deferring.port()))) {
            String text = "Subject: recorded\r\n\r\nx\r\n";
            QueueId delivered = tern.send("<alice@remote.test>", List.of("<a@far.test>", "<b@far.test>"), text);
            QueueId deferred = tern.send("<alice@remote.test>", List.of("<c@grey.test>"), text);
            smartHost.awaitMessages(1, Duration.ofSeconds(10));
            Eventually.await("the deferral", Duration.ofSeconds(10),
                    () -> tern.recipient(deferred, "c@grey.test").map(r -> r.attempts() == 1).orElse(false));

            jfrEvents.awaitEvents();
            RecordedEvent accepted = only("tern.MessageAccepted", delivered);
            assertThat(accepted.getString("client")).isEqualTo("127.0.0.1");
            assertThat(accepted.getInt("recipients")).isEqualTo(2);
            // The journaled message: ours, with the Received field we put on top.
            assertThat(accepted.getLong("size")).isGreaterThan(text.length() + "Received: ".length());
            assertThat(only("tern.MessageAccepted", deferred).getInt("recipients")).isEqualTo(1);

            RecordedEvent ok = only("tern.DeliveryAttempt", delivered);
            assertThat(ok.getString("destination")).isEqualTo("127.0.0.1[127.0.0.1]:" + smartHost.port());
            assertThat(ok.getInt("recipients")).isEqualTo(2);
            assertThat(ok.getString("outcome")).isEqualTo("delivered");
            assertThat(ok.getString("reply")).startsWith("250");

            RecordedEvent later = only("tern.DeliveryAttempt", deferred);
            assertThat(later.getString("destination")).isEqualTo("127.0.0.1[127.0.0.1]:" + deferring.port());
            assertThat(later.getString("outcome")).isEqualTo("deferred");
            assertThat(later.getString("reply")).isEqualTo("451 4.7.1 Greylisted");

            // Two Accepted, two Delivered and one Deferred were journaled, in however many group commits.
            List<RecordedEvent> commits = jfrEvents.filter(e -> e.getEventType().getName().equals("tern.JournalCommit")).toList();
            assertThat(commits).isNotEmpty().allMatch(c -> c.getBoolean("synced") && c.getInt("batchSize") >= 1);
            assertThat(commits.stream().mapToInt(c -> c.getInt("batchSize")).sum()).isEqualTo(5);
        }
    }

    private RecordedEvent only(String type, QueueId id) {
        List<RecordedEvent> found = jfrEvents.filter(e -> e.getEventType().getName().equals(type)
                && id.value().equals(e.getString("queueId"))).toList();
        assertThat(found).as(type + " of " + id).hasSize(1);
        return found.getFirst();
    }
}
