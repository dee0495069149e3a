package tern.journal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Notify;
import tern.envelope.Recipient;
import tern.envelope.Ret;
import tern.queue.QueueId;

/** Journal events for tests. */
final class Events {

    static final Instant T0 = Instant.parse("2026-11-29T10:00:00.123456789Z");

    private Events() {
    }

    static JournalEvent.Accepted accepted(String id, Instant at, byte[] message) {
        var envelope = new Envelope(new QueueId(id), ReversePath.of(new Mailbox("a", "x.test")),
                List.of(Recipient.of(new Mailbox("b", "y.test")),
                        new Recipient(new Mailbox("c", "y.test"), Set.of(Notify.SUCCESS, Notify.FAILURE), null)),
                Body.EIGHT_BIT_MIME, false, null, null, -1, "127.0.0.1", "client.test", at);
        return new JournalEvent.Accepted(envelope, message);
    }

    static JournalEvent.Accepted accepted(String id, Instant at) {
        return accepted(id, at, body(id, 1024));
    }

    /** A message body that tells which id it belongs to, so a test can check it arrived intact. */
    static byte[] body(String id, int size) {
        byte[] seed = ("Subject: " + id + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
            out[i] = i < seed.length ? seed[i] : (byte) ('a' + (id.hashCode() + i) % 26);
        }
        return out;
    }

    /** The international one: UTF-8 everywhere, every DSN parameter set. */
    static JournalEvent.Accepted internationalAccepted() {
        var envelope = new Envelope(new QueueId("0PZK3M1A2B4"), ReversePath.of(new Mailbox("JÖrg", "bücher.test")),
                List.of(new Recipient(new Mailbox("用户", "例子.测试"), Set.of(Notify.DELAY, Notify.FAILURE),
                                "utf-8;用户@例子.测试"),
                        new Recipient(new Mailbox("odd one", "[192.0.2.1]"), Set.of(Notify.NEVER),
                                "rfc822;odd@example.test"),
                        new Recipient(new Mailbox("plain", "y.test"), Set.of(Notify.SUCCESS), null)),
                Body.BINARY_MIME, true, Ret.HDRS, "ENV-ïd+2B42", 123_456, "2001:db8::1", "clïent.test", T0);
        return new JournalEvent.Accepted(envelope, "Subject: Grüße\r\n\r\n\u00ff\u0000".getBytes(StandardCharsets.UTF_8));
    }

    static List<JournalEvent> everyType() {
        var id = new QueueId("0PZK3M1A2B4");
        Instant later = T0.plusSeconds(90);
        return List.of(
                internationalAccepted(),
                new JournalEvent.Accepted(new Envelope(new QueueId("0PZK3M1A2B5"), ReversePath.NULL,
                        List.of(Recipient.of(new Mailbox("postmaster", "x.test"))), Body.SEVEN_BIT, false,
                        Ret.FULL, null, -1, "127.0.0.1", "h", T0), new byte[0]),
                new JournalEvent.Delivered(id, later, "用户@例子.测试", "local", "250 2.0.0 Ok"),
                new JournalEvent.Deferred(id, later, "plain@y.test", "mx.y.test[192.0.2.7]:25",
                        "451 4.7.1 \"Greylisted\"\nplease retry", 3, later.plusSeconds(1800)),
                new JournalEvent.Failed(id, later, "\"odd\\ one\"@[192.0.2.1]", "mx.y.test", "550 5.1.1 No such user"),
                new JournalEvent.DelayNotified(id, later, "plain@y.test"),
                new JournalEvent.Badmailed(id, later, "NDR to <> undeliverable: 550 5.1.1"),
                new JournalEvent.RetryRequested(id, later),
                new JournalEvent.Failed(id, later, "plain@y.test", new tern.outcome.LocalDecision(
                        tern.outcome.LocalDecision.Reason.EXPIRED,
                        new tern.smtp.Reply(554, "4.4.1", "delivery time expired after 2d"), null,
                        new tern.outcome.LocalDecision(tern.outcome.LocalDecision.Reason.HOST_REFUSED,
                                new tern.smtp.Reply(451, "4.4.0", "host refused the session"), "[192.0.2.7]:25",
                                new tern.outcome.RemoteReply(new tern.smtp.Reply(421, "4.7.0",
                                        java.util.List.of("Tèmporarily", "busy")), "mx.y.test", "[192.0.2.7]:25")))),
                new JournalEvent.Deferred(id, later, "plain@y.test", new tern.outcome.LocalDecision(
                        tern.outcome.LocalDecision.Reason.CONNECTION_FAILED,
                        new tern.smtp.Reply(451, "4.4.1", "connection refused by [192.0.2.7]:25"), "[192.0.2.7]:25",
                        null), 4, later.plusSeconds(60)),
                new JournalEvent.HandedOver(id, later, List.of("plain@y.test", "用户@例子.测试"),
                        new tern.outcome.RemoteReply(new tern.smtp.Reply(250, "2.0.0", "Ok: queued as 0QX1"),
                                "mx2.tern.test", "[192.0.2.9]:25")));
    }
}
