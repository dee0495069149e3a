package tern.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.config.TernConfig;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.journal.Journal;
import tern.journal.JournalEvent;
import tern.queue.QueueId;

class JournalBodiesTest {

    @TempDir
    Path dir;

    private static JournalEvent.Accepted accepted(String id, String body) {
        var envelope = new Envelope(new QueueId(id), ReversePath.of(new Mailbox("a", "x.test")),
                List.of(Recipient.of(new Mailbox("b", "y.test"))), Body.SEVEN_BIT, false, null, null, -1,
                "127.0.0.1", "c.test", Instant.parse("2026-11-29T10:00:00Z"));
        return new JournalEvent.Accepted(envelope, body.getBytes());
    }

    @Test
    void aSpilledMessageIsReadBackFromTheJournalByItsIndex() throws Exception {
        try (Journal journal = Journal.open(dir.resolve("journal"), TernConfig.Sync.BATCH, InstantSource.system())) {
            var bodies = new JournalBodies(journal::read);
            var message = accepted("0BODY1", "Subject: x\r\n\r\nkept in the journal\r\n");
            bodies.keep(message.id(), message.message());
            bodies.located(message.id(), journal.appendLocated(message).join());

            bodies.spill(message.id());

            assertThat(bodies.held()).isZero();
            assertThat(new String(bodies.read(message.id()))).contains("kept in the journal");
        }
    }

    @Test
    void aMessageWithoutAnIndexStaysInMemoryWhenSpilled() throws IOException {
        var bodies = new JournalBodies(index -> {
            throw new AssertionError("must not read the journal");
        });
        var message = accepted("0BODY2", "held");
        bodies.keep(message.id(), message.message());
        bodies.located(message.id(), -1);

        bodies.spill(message.id());

        assertThat(new String(bodies.read(message.id()))).isEqualTo("held");
    }

    @Test
    void aForgottenMessageIsGoneWithAClearError() {
        var bodies = new JournalBodies(null);
        var message = accepted("0BODY3", "x");
        bodies.keep(message.id(), message.message());
        bodies.forget(message.id());
        assertThatThrownBy(() -> bodies.read(message.id())).isInstanceOf(IOException.class).hasMessageContaining("0BODY3");
    }
}
