package tern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.queue.QueueId;
import tern.queue.QueueState;
import tern.testing.Eventually;
import tern.testing.ScriptedSmtpServer;
import tern.testing.TernInstance;
import tern.testing.TestDnsServer;

/**
 * RFC 5321 5.1 through the whole server: MX lookup against a DNS server of the test's, two
 * "MX hosts" on 127.0.0.2 and 127.0.0.3 at the same port ({@code delivery.port}).
 */
class MxDeliveryTest {

    private static final Duration ARRIVAL = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private TestDnsServer dns;
    private ScriptedSmtpServer first;  // 127.0.0.2
    private ScriptedSmtpServer second; // 127.0.0.3

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    /** Both hosts on one port (retrying if 127.0.0.3 happens to have that port taken), then the server. */
    private TernInstance start(ScriptedSmtpServer.Builder at2, ScriptedSmtpServer.Builder at3, String extraDelivery)
            throws Exception {
        dns = keep(TestDnsServer.start());
        for (int tries = 0; second == null; tries++) {
            first = at2.bind("127.0.0.2").port(0).start();
            try {
                second = at3.bind("127.0.0.3").port(first.port()).start();
            } catch (java.net.BindException taken) {
                first.close();
                if (tries == 5) {
                    throw taken;
                }
            }
        }
        keep(first);
        keep(second);
        return keep(TernInstance.start(dir, "mx.tern.test", """
                domains:
                  local: [tern.test]
                delivery:
                  port: %d
                  %s
                dns:
                  servers: ["%s"]
                """.formatted(first.port(), extraDelivery, dns.server())));
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    @Test
    void lowestPreferenceIsTriedFirst() throws Exception {
        TernInstance tern = start(ScriptedSmtpServer.builder(), ScriptedSmtpServer.builder(), "");
        // Listed highest preference first: the order of the answer must not matter.
        dns.mx("pref.test", 20, "backup.pref.test").mx("pref.test", 10, "primary.pref.test")
                .a("backup.pref.test", "127.0.0.3").a("primary.pref.test", "127.0.0.2");

        tern.send("<alice@remote.test>", List.of("<bob@pref.test>"), "Subject: lowest first\r\n\r\nx\r\n");

        var got = first.awaitMessages(1, ARRIVAL).getFirst();
        assertThat(got.accepted()).containsExactly("bob@pref.test");
        assertThat(got.heloName()).isEqualTo("mx.tern.test");
        assertThat(got.dataText()).contains("Subject: lowest first");
        assertThat(second.connections()).isZero();
    }

    @Test
    void nextPreferenceIsTriedWhenTheLowestFails() throws Exception {
        TernInstance tern = start(ScriptedSmtpServer.builder().greeting("421 4.3.2 Shutting down"),
                ScriptedSmtpServer.builder(), "");
        dns.mx("pref.test", 10, "primary.pref.test").mx("pref.test", 20, "backup.pref.test")
                .a("primary.pref.test", "127.0.0.2").a("backup.pref.test", "127.0.0.3");

        tern.send("<alice@remote.test>", List.of("<bob@pref.test>"), "Subject: to the backup\r\n\r\nx\r\n");

        var got = second.awaitMessages(1, ARRIVAL).getFirst();
        assertThat(got.accepted()).containsExactly("bob@pref.test");
        assertThat(got.reversePath()).isEqualTo("alice@remote.test");
        assertThat(first.connections()).as("the primary was tried").isEqualTo(1);
        assertThat(first.transactions()).isEmpty();
    }

    @Test
    void nullMxBouncesToTheLocalSenderWithStatus5110() throws Exception {
        TernInstance tern = start(ScriptedSmtpServer.builder(), ScriptedSmtpServer.builder(), "");
        dns.nullMx("nomail.test");

        QueueId id = tern.send("<alice@tern.test>", List.of("<bob@nomail.test>"),
                "From: alice@tern.test\r\nSubject: into the void\r\n\r\nx\r\n");

        String ndr = tern.awaitMaildir("alice", "tern.test", 1, ARRIVAL).getFirst();
        assertThat(ndr).contains("Content-Type: multipart/report; report-type=delivery-status")
                .contains("X-Tern-Queue-ID: " + id.value())
                .contains("Final-Recipient: rfc822; bob@nomail.test")
                .contains("Action: failed")
                .contains("Status: 5.1.10")
                .contains("Subject: into the void");
        assertThat(first.connections() + second.connections()).isZero();
    }

    @Test
    void aDomainWithOnlyAnAddressRecordIsItsOwnMx() throws Exception {
        TernInstance tern = start(ScriptedSmtpServer.builder(), ScriptedSmtpServer.builder(), "");
        dns.a("implicit.test", "127.0.0.3"); // RFC 5321 5.1: no MX, so the implicit MX of preference 0

        tern.send("<alice@remote.test>", List.of("<carl@implicit.test>"), "Subject: implicit\r\n\r\nx\r\n");

        var got = second.awaitMessages(1, ARRIVAL).getFirst();
        assertThat(got.accepted()).containsExactly("carl@implicit.test");
        assertThat(dns.queries("implicit.test", org.xbill.DNS.Type.MX)).isPositive();
        assertThat(first.connections()).isZero();
    }

    @Test
    void aHangingDestinationDoesNotHoldUpAnother() throws Exception {
        // A connection timeout far longer than the healthy deliveries need even on a busy machine:
        // the test checks the order of events (healthy mail done while the hang still hangs), not durations.
        TernInstance tern = start(ScriptedSmtpServer.builder().hangOnConnect(), ScriptedSmtpServer.builder(),
                "connections: {timeout: 8s}");
        dns.mx("hang.test", 10, "mx.hang.test").a("mx.hang.test", "127.0.0.2")
                .mx("fine.test", 10, "mx.fine.test").a("mx.fine.test", "127.0.0.3");

        long sent = System.nanoTime();
        QueueId stuck = tern.send("<alice@remote.test>", List.of("<h@hang.test>"), "Subject: hang\r\n\r\nx\r\n");
        Eventually.await("the hanging host is connected to", ARRIVAL, () -> first.connections() == 1);
        for (int i = 0; i < 5; i++) {
            tern.send("<alice@remote.test>", List.of("<f" + i + "@fine.test>"), "Subject: fine " + i + "\r\n\r\nx\r\n");
        }

        second.awaitMessages(5, ARRIVAL);
        var hung = tern.recipient(stuck, "h@hang.test").orElseThrow();
        assertThat(hung.attempts()).as("the hanging attempt has not timed out yet").isZero();

        // ...and it does time out (connections.timeout), deferred rather than lost.
        Eventually.await("the hanging attempt deferred", ARRIVAL,
                () -> tern.recipient(stuck, "h@hang.test").map(QueueState.RecipientStatus::attempts).orElse(0) == 1);
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(Duration.ofSeconds(8));
        assertThat(tern.recipient(stuck, "h@hang.test").orElseThrow().state()).isEqualTo(QueueState.State.PENDING);
    }
}
