package tern.header;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tern.address.Mailbox;
import tern.envelope.Recipient;
import tern.queue.QueueId;

class HopCountTest {

    private static int count(String message) {
        byte[] b = message.getBytes(StandardCharsets.US_ASCII);
        return HopCount.count(b, 0, b.length);
    }

    @Test
    void countsReceivedFieldsInAnyCaseUpToTheBlankLineOnly() {
        assertThat(count("Received: a\r\n\tcontinued\r\nRECEIVED : b\r\nreceived:c\r\nX-Received: no\r\n"
                + "Subject: s\r\n\r\nReceived: in the body\r\n")).isEqualTo(3);
        assertThat(count("Subject: none\r\n\r\n")).isZero();
    }

    @Test
    void refusesOnlyAboveTheMaximum() {
        assertThat(HopCount.exceeds(100, 100)).isFalse();
        assertThat(HopCount.exceeds(101, 100)).isTrue();
    }

    @Test
    void receivedHeaderNamesTheRecipientOnlyWhenThereIsOne() {
        var one = List.of(Recipient.of(new Mailbox("a", "b.example")));
        var two = List.of(Recipient.of(new Mailbox("a", "b.example")), Recipient.of(new Mailbox("c", "b.example")));
        Instant t = Instant.parse("2025-06-03T11:05:30Z");
        assertThat(ReceivedHeader.of("helo", "2001:db8::1", "unverified", "mx.example", WithProtocol.ESMTPS,
                new QueueId("ID1"), one, t).text()).isEqualTo("Received: from helo ([IPv6:2001:db8::1] unverified)\r\n"
                + "\tby mx.example with ESMTPS id ID1\r\n\tfor <a@b.example>; Tue, 3 Jun 2025 11:05:30 +0000\r\n");
        assertThat(ReceivedHeader.of("helo", "192.0.2.1", null, "mx.example", WithProtocol.of(false, false, false, false),
                new QueueId("ID2"), two, t).text()).isEqualTo("Received: from helo ([192.0.2.1])\r\n"
                + "\tby mx.example with SMTP id ID2;\r\n\tTue, 3 Jun 2025 11:05:30 +0000\r\n");
        assertThat(count(ReceivedHeader.of("h", "192.0.2.1", null, "m", WithProtocol.ESMTP, new QueueId("I"), two, t)
                .text())).isEqualTo(1);
    }

    @Test
    void receivedHeaderNamesTheForwardConfirmedClientNameBeforeItsAddress() {
        var one = List.of(Recipient.of(new Mailbox("a", "b.example")));
        Instant t = Instant.parse("2025-06-03T11:05:30Z");
        assertThat(ReceivedHeader.of("[192.0.2.1]", "client.example", "192.0.2.1", null, "mx.example",
                WithProtocol.ESMTP, new QueueId("ID3"), one, t).text())
                .startsWith("Received: from [192.0.2.1] (client.example [192.0.2.1])\r\n");
        assertThat(ReceivedHeader.of("liar.example", "client.example", "192.0.2.1", "unverified", "mx.example",
                WithProtocol.ESMTP, new QueueId("ID4"), one, t).text())
                .startsWith("Received: from liar.example (client.example [192.0.2.1] unverified)\r\n");
    }
}
