package tern.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import tern.queue.QueueId;
import tern.smtp.Reply;

class MailLogLineTest {

    @Test
    void theTextIsPostfixShapedWithDsnBeforeStatus() {
        Reply ok = new Reply(250, "2.0.0", "Ok: queued as ABC");
        String text = MailLogLine.about(new QueueId("4Fq1")).address("to", "bob@example.test")
                .field("relay", "mx.example.test[192.0.2.1]:25").delay(Duration.ofMillis(1240)).field("attempts", 1)
                .dsn(ok).status("sent", ok.toString()).message();
        assertThat(text).isEqualTo("4Fq1: to=<bob@example.test>, relay=mx.example.test[192.0.2.1]:25, delay=1.2,"
                + " attempts=1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as ABC)");
    }

    @Test
    void aReplyWithoutAnEnhancedCodeGetsOneFromItsClass() {
        assertThat(MailLogLine.about(new QueueId("X")).dsn(new Reply(451, null, "try later")).message())
                .isEqualTo("X: dsn=4.0.0");
    }

    @Test
    void detailsFollowTheValueInParentheses() {
        assertThat(MailLogLine.about(new QueueId("X")).status("bounced", "550 5.1.1 unknown", "permanent").message())
                .isEqualTo("X: status=bounced (550 5.1.1 unknown) (permanent)");
        assertThat(MailLogLine.about(new QueueId("X")).delay(Duration.ZERO).message()).isEqualTo("X: delay=0.0");
    }
}
