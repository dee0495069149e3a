package tern.badmail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Notify;
import tern.envelope.Recipient;
import tern.queue.QueueId;

class BadmailTest {

    @TempDir
    Path data;

    @Test
    void storesTheMessageItsReasonAndItsEnvelopeAsThreeReadableFiles() throws Exception {
        var envelope = new Envelope(new QueueId("0BAD"), ReversePath.NULL,
                List.of(new Recipient(new Mailbox("bob", "far.test"), Set.of(Notify.FAILURE), "rfc822;bob@far.test")),
                Body.EIGHT_BIT_MIME, false, null, "env-1", -1, "127.0.0.1", "client.test",
                Instant.parse("2026-11-29T10:00:00Z"));
        var badmail = new Badmail(data);

        Path bad = badmail.store(envelope, "Subject: x\r\n\r\ny\r\n".getBytes(), "550 5.1.1 no such user (from mx.far.test)",
                Instant.parse("2026-11-29T10:05:00Z"));

        assertThat(bad).isEqualTo(data.resolve("badmail/0BAD.bad"));
        assertThat(Files.readString(bad)).isEqualTo("Subject: x\r\n\r\ny\r\n");
        assertThat(Files.readString(data.resolve("badmail/0BAD.bdr")))
                .contains("Queue-Id: 0BAD", "Badmailed-At: 2026-11-29T10:05:00Z", "Reason: 550 5.1.1 no such user");
        assertThat(Files.readString(data.resolve("badmail/0BAD.bdp")))
                .contains("Reverse-Path: <>", "Recipient: <bob@far.test> NOTIFY=FAILURE ORCPT=rfc822;bob@far.test",
                        "Envelope-Id: env-1", "Body: 8BITMIME", "Client: [127.0.0.1] helo=client.test");
        try (var files = Files.list(data.resolve("badmail"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("0BAD.bad", "0BAD.bdr", "0BAD.bdp");
        }
    }
}
