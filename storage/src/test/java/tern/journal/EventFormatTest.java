package tern.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tern.queue.QueueId;

class EventFormatTest {

    private static final Instant AT = Instant.parse("2026-11-29T10:00:00.123Z");

    @Test
    void acceptedLineNamesSenderRecipientsSizeClientAndHelo() {
        var accepted = Events.accepted("0PZK3M1A2B4", AT, new byte[1234]);
        assertThat(EventFormat.text(accepted)).isEqualTo("2026-11-29T10:00:00.123Z 0PZK3M1A2B4 Accepted"
                + " from=<a@x.test> to=<b@y.test>,<c@y.test> size=1234 client=[127.0.0.1] helo=client.test");
    }

    @Test
    void outcomeLinesQuoteTheReply() {
        var id = new QueueId("0PZK3M1A2B4");
        assertThat(EventFormat.text(new JournalEvent.Delivered(id, AT, "b@y.test", "local", "250 2.0.0 Ok")))
                .isEqualTo("2026-11-29T10:00:00.123Z 0PZK3M1A2B4 Delivered to=<b@y.test> relay=local"
                        + " reply=\"250 2.0.0 Ok\"");
        assertThat(EventFormat.text(new JournalEvent.Deferred(id, AT, "b@y.test", "mx.y.test", "451 4.7.1 \"grey\"",
                2, AT.plusSeconds(900))))
                .isEqualTo("2026-11-29T10:00:00.123Z 0PZK3M1A2B4 Deferred to=<b@y.test> relay=mx.y.test"
                        + " attempts=2 next=2026-11-29T10:15:00.123Z reply=\"451 4.7.1 \\\"grey\\\"\"");
        assertThat(EventFormat.text(new JournalEvent.RetryRequested(id, AT)))
                .isEqualTo("2026-11-29T10:00:00.123Z 0PZK3M1A2B4 RetryRequested");
    }

    @Test
    void aHandOverNamesItsRecipientsThePeerAndItsReply() {
        var handedOver = new JournalEvent.HandedOver(new QueueId("0PZK3M1A2B4"), AT, List.of("b@y.test", "c@y.test"),
                new tern.outcome.RemoteReply(new tern.smtp.Reply(250, "2.0.0", "Ok: queued as 0QX1"), "127.0.0.1",
                        "[127.0.0.1]:2526"));
        assertThat(EventFormat.text(handedOver)).isEqualTo("2026-11-29T10:00:00.123Z 0PZK3M1A2B4 HandedOver"
                + " to=<b@y.test>,<c@y.test> peer=127.0.0.1[127.0.0.1]:2526 reply=\"250 2.0.0 Ok: queued as 0QX1\"");
        assertThat(EventFormat.json(handedOver)).isEqualTo("{\"time\":\"2026-11-29T10:00:00.123Z\",\"id\":\"0PZK3M1A2B4\","
                + "\"event\":\"HandedOver\",\"to\":[\"b@y.test\",\"c@y.test\"],\"peer\":\"127.0.0.1[127.0.0.1]:2526\","
                + "\"reply\":\"250 2.0.0 Ok: queued as 0QX1\"}");
    }

    @Test
    void everyEventTypeHasOneLineOfTextAndOfJson() {
        for (JournalEvent event : Events.everyType()) {
            assertThat(EventFormat.text(event)).doesNotContain("\n").contains(event.id().value());
            assertThat(EventFormat.json(event)).doesNotContain("\n").startsWith("{\"time\":\"").endsWith("}");
        }
    }

    @Test
    void jsonEscapesQuotesBackslashesAndControlCharacters() {
        var failed = new JournalEvent.Failed(new QueueId("0PZK3M1A2B4"), AT, "用户@例子.测试", null,
                "550 \"no\\pe\"\n\u0001");
        assertThat(EventFormat.json(failed)).isEqualTo("{\"time\":\"2026-11-29T10:00:00.123Z\",\"id\":\"0PZK3M1A2B4\","
                + "\"event\":\"Failed\",\"to\":\"用户@例子.测试\",\"relay\":\"none\","
                + "\"reply\":\"550 \\\"no\\\\pe\\\"\\n\\u0001\"}");
        var accepted = Events.accepted("0PZK3M1A2B4", AT, new byte[3]);
        assertThat(EventFormat.json(accepted)).isEqualTo("{\"time\":\"2026-11-29T10:00:00.123Z\",\"id\":\"0PZK3M1A2B4\","
                + "\"event\":\"Accepted\",\"from\":\"a@x.test\",\"to\":[\"b@y.test\",\"c@y.test\"],\"size\":3,"
                + "\"client\":\"127.0.0.1\",\"helo\":\"client.test\"}");
        assertThat(List.of(EventFormat.json(accepted))).hasSize(1);
    }
}
