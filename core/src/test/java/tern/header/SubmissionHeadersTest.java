package tern.header;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tern.queue.QueueId;

class SubmissionHeadersTest {
    private static final QueueId ID = new QueueId("0ABCDEF");
    private static final Instant ARRIVAL = Instant.parse("2025-06-03T11:05:30Z");

    private static String complete(String message) {
        return new String(SubmissionHeaders.complete(message.getBytes(StandardCharsets.UTF_8), ID, "mail.tern.test", ARRIVAL),
                StandardCharsets.UTF_8);
    }

    @Test
    void addsMessageIdAndDateAtTheEndOfTheHeaderSection() {
        assertThat(complete("Received: from x\r\n\tby y; date\r\nSubject: hi\r\n\r\nbody\r\n")).isEqualTo(
                "Received: from x\r\n\tby y; date\r\nSubject: hi\r\n"
                        + "Message-ID: <20250603110530.0ABCDEF@mail.tern.test>\r\n"
                        + "Date: Tue, 3 Jun 2025 11:05:30 +0000\r\n\r\nbody\r\n");
    }

    @Test
    void aMessageWithBothComesBackUntouchedWhateverTheCase() {
        byte[] m = "MESSAGE-ID: <a@b>\r\ndate : Mon, 2 Jun 2025 10:00:00 +0000\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(SubmissionHeaders.complete(m, ID, "f", ARRIVAL)).isSameAs(m);
    }

    @Test
    void onlyTheMissingOneIsAddedAndResentFieldsDoNotCount() {
        assertThat(complete("Message-ID: <a@b>\r\n\r\nx\r\n")).isEqualTo(
                "Message-ID: <a@b>\r\nDate: Tue, 3 Jun 2025 11:05:30 +0000\r\n\r\nx\r\n");
        assertThat(complete("Resent-Date: x\r\nResent-Message-ID: <r@b>\r\nDate: d\r\n\r\n")).contains(
                "Message-ID: <20250603110530.0ABCDEF@mail.tern.test>");
    }

    @Test
    void aFieldInTheBodyDoesNotCount() {
        assertThat(complete("Subject: s\r\n\r\nMessage-ID: <in@body>\r\nDate: x\r\n")).startsWith(
                "Subject: s\r\nMessage-ID: <20250603110530.0ABCDEF@mail.tern.test>\r\nDate: ");
    }

    @Test
    void aBodyWithoutItsEmptyLineGetsOne() {
        assertThat(complete("Subject: s\r\nHello there\r\n")).isEqualTo("Subject: s\r\n"
                + "Message-ID: <20250603110530.0ABCDEF@mail.tern.test>\r\nDate: Tue, 3 Jun 2025 11:05:30 +0000\r\n"
                + "\r\nHello there\r\n");
    }

    @Test
    void headersOnlyAndAFoldedFieldAreHandled() {
        assertThat(complete("Subject: a\r\n long\r\n")).isEqualTo("Subject: a\r\n long\r\n"
                + "Message-ID: <20250603110530.0ABCDEF@mail.tern.test>\r\nDate: Tue, 3 Jun 2025 11:05:30 +0000\r\n");
    }
}
