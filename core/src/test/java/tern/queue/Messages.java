package tern.queue;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Notify;
import tern.envelope.Recipient;
import tern.journal.JournalEvent.Accepted;

/** Envelopes for tests. */
final class Messages {
    static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    static final ReversePath ALICE = ReversePath.of(new Mailbox("alice", "example.test"));

    private Messages() {
    }

    static Recipient rcpt(String address, Notify... notify) {
        int at = address.indexOf('@');
        return new Recipient(new Mailbox(address.substring(0, at), address.substring(at + 1)),
                Set.copyOf(Arrays.asList(notify)), null);
    }

    static Envelope envelope(String id, ReversePath from, Instant arrival, Recipient... recipients) {
        return new Envelope(new QueueId(id), from, List.of(recipients), Body.SEVEN_BIT, false, null, null, -1,
                "127.0.0.1", "client.example.test", arrival);
    }

    static Envelope envelope(String id, Recipient... recipients) {
        return envelope(id, ALICE, T0, recipients);
    }

    static Accepted accepted(Envelope envelope) {
        return new Accepted(envelope, new byte[1234]);
    }
}
