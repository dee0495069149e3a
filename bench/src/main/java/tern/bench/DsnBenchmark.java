package tern.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.dsn.DeliveryStatusNotification;
import tern.dsn.RecipientStatus;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.queue.QueueId;
import tern.smtp.Reply;

/**
 * Building a non-delivery report: a 1 KB original message (returned whole, RET absent),
 * three recipients failed with 5xx replies, one of them with an ORCPT.
 *
 * <p>One op = one {@link DeliveryStatusNotification.Builder#build} call producing the DSN's
 * envelope and its bytes (about 2.5 KB); the score is in ops/s (throughput).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class DsnBenchmark {

    private DeliveryStatusNotification.Builder builder;
    private Envelope original;
    private byte[] message;
    private List<RecipientStatus> failed;
    private QueueId id;

    @Setup(Level.Trial)
    public void setUp() {
        Instant arrival = Instant.parse("2025-11-28T10:00:00Z");
        builder = new DeliveryStatusNotification.Builder("mx.example.test", InstantSource.fixed(arrival.plusSeconds(60)));
        Recipient bob = new Recipient(new Mailbox("bob", "b.example"), Set.of(), "rfc822;bob@b.example");
        Recipient carol = Recipient.of(new Mailbox("carol", "c.example"));
        Recipient dave = Recipient.of(new Mailbox("dave", "c.example"));
        original = new Envelope(new QueueId("0ORIG000001"), ReversePath.of(new Mailbox("alice", "example.test")),
                List.of(bob, carol, dave), Body.SEVEN_BIT, false, null, "ENV-1", -1, "127.0.0.1",
                "client.example.test", arrival);
        StringBuilder m = new StringBuilder("Received: from client.example.test ([127.0.0.1])\r\n"
                + "\tby mx.example.test with ESMTP id 0ORIG000001; Fri, 28 Nov 2025 10:00:00 +0000\r\n"
                + "From: Alice <alice@example.test>\r\nTo: bob@b.example, carol@c.example, dave@c.example\r\n"
                + "Subject: Quarterly numbers\r\nMessage-ID: <m1@example.test>\r\n"
                + "Date: Fri, 28 Nov 2025 10:00:00 +0000\r\n\r\n");
        while (m.length() < 1024 - 72) {
            m.append("The quick brown fox jumps over the lazy dog, again and again and again.\r\n");
        }
        message = m.toString().getBytes(StandardCharsets.US_ASCII);
        Instant at = arrival.plusSeconds(30);
        failed = List.of(
                RecipientStatus.failed(bob, new Reply(550, "5.1.1", "<bob@b.example>: Recipient address rejected: User unknown"), "mx.b.example", at),
                RecipientStatus.failed(carol, new Reply(552, "5.2.2", "Mailbox full"), "mx.c.example", at),
                RecipientStatus.failed(dave, new Reply(554, null, "Transaction failed"), "mx.c.example", at));
        id = new QueueId("0DSN0000001");
    }

    @Benchmark
    public DeliveryStatusNotification buildNonDeliveryReport() {
        return builder.build(id, original, message, failed);
    }
}
