package tern.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tern.queue.QueueId;

/** The small pieces the pages are built from: escaping, the qshape buckets, the queue-size ring. */
class ConsolePartsTest {

    @Test
    void escapesEverythingThatCouldOpenMarkupOrLeaveAnAttribute() {
        assertThat(Html.text("<script>alert('x')</script> & \"q\"")).isEqualTo(
                "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
        assertThat(Html.text("a\u0000b\u001bc")).isEqualTo("a\uFFFDb\uFFFDc");
        assertThat(Html.text(null)).isEmpty();
    }

    @Test
    void durationsReadInTheirTwoLargestUnits() {
        assertThat(Html.duration(Duration.ofMinutes(15))).isEqualTo("15m");
        assertThat(Html.duration(Duration.ofSeconds(896))).isEqualTo("14m 56s");
        assertThat(Html.duration(Duration.ofHours(27).plusMinutes(5))).isEqualTo("1d 3h");
        assertThat(Html.duration(Duration.ofHours(2).plusSeconds(5))).isEqualTo("2h");
        assertThat(Html.duration(Duration.ofSeconds(-3))).isEqualTo("0s");
    }

    @Test
    void theQueueShapeCountsWaitingRecipientsByDomainAndDoublingAge() {
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        var waiting = new QueueView.Recipient("a@slow.example", QueueView.RecipientState.DEFERRED, 1, now, now, null, null);
        var done = new QueueView.Recipient("b@slow.example", QueueView.RecipientState.DELIVERED, 1, null, now, null, null);
        var other = new QueueView.Recipient("c@Other.example", QueueView.RecipientState.PENDING, 0, now, null, null, null);
        List<QueueView.Message> messages = List.of(
                new QueueView.Message(new QueueId("0AAAAAAAAAA"), now.minus(Duration.ofMinutes(3)), "", 10, List.of(waiting, done)),
                new QueueView.Message(new QueueId("0AAAAAAAAAB"), now.minus(Duration.ofMinutes(45)), "", 10, List.of(waiting, other)),
                new QueueView.Message(new QueueId("0AAAAAAAAAC"), now.minus(Duration.ofDays(2)), "", 10, List.of(waiting)));
        var rows = QueueShape.of(messages, now);
        assertThat(rows).extracting(QueueShape.Row::domain).containsExactly("slow.example", "other.example");
        assertThat(rows.getFirst().total()).isEqualTo(3);
        assertThat(rows.getFirst().buckets()).containsExactly(1, 0, 0, 0, 1, 0, 0, 0, 0, 1);
        assertThat(rows.get(1).buckets()[4]).isEqualTo(1);
    }

    @Test
    void theQueueSizeHistoryKeepsTheLastHourOfSamplesOldestFirst() {
        var history = new QueueSizeHistory(3);
        Instant t = Instant.parse("2026-03-01T12:00:00Z");
        for (int i = 0; i < 5; i++) {
            history.record(t.plus(Duration.ofMinutes(i)), i, 2L * i);
        }
        assertThat(history.since(t.plus(Duration.ofMinutes(4)), Duration.ofHours(1)))
                .extracting(QueueSizeHistory.Sample::messages).containsExactly(2L, 3L, 4L);
        assertThat(history.since(t.plus(Duration.ofMinutes(64)), Duration.ofHours(1)))
                .extracting(QueueSizeHistory.Sample::messages).containsExactly(4L);
    }

    @Test
    void afterSigningInOnlyAPathOfThisConsoleIsFollowed() {
        assertThat(LoginPage.safeNext("/queue?state=deferred")).isEqualTo("/queue?state=deferred");
        assertThat(LoginPage.safeNext("//evil.example/")).isEqualTo("/");
        assertThat(LoginPage.safeNext("https://evil.example/")).isEqualTo("/");
        assertThat(LoginPage.safeNext("/\\evil.example")).isEqualTo("/");
        assertThat(LoginPage.safeNext(null)).isEqualTo("/");
    }
}
