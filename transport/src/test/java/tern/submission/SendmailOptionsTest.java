package tern.submission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tern.envelope.Notify;
import tern.envelope.Ret;

class SendmailOptionsTest {

    private static SendmailOptions parse(String... args) {
        return SendmailOptions.parse(List.of(args));
    }

    @Test
    void theWaysCronPhpAndMuttCallSendmail() {
        SendmailOptions cron = parse("-FCronDaemon", "-i", "-B8BITMIME", "-oem", "root");
        assertThat(cron.fullName()).contains("CronDaemon");
        assertThat(cron.ignoreDots()).isTrue();
        assertThat(cron.recipients()).containsExactly("root");

        SendmailOptions php = parse("-t", "-i");
        assertThat(php.extractRecipients()).isTrue();
        assertThat(php.recipients()).isEmpty();

        SendmailOptions mutt = parse("-oi", "-oem", "-f", "me@x.test", "--", "a@x.test", "-b@x.test");
        assertThat(mutt.sender()).contains("me@x.test");
        assertThat(mutt.recipients()).containsExactly("a@x.test", "-b@x.test");
    }

    @Test
    void valuesAttachedOrSeparateAndTheNullSender() {
        assertThat(parse("-fme@x.test").sender()).contains("me@x.test");
        assertThat(parse("-r", "me@x.test").sender()).contains("me@x.test");
        assertThat(parse("-f", "<>").sender()).contains("");
        assertThat(parse("-F", "Ann Example").fullName()).contains("Ann Example");
        assertThat(parse("--config", "t.yaml").config()).contains("t.yaml");
        assertThat(parse("--config=t.yaml").config()).contains("t.yaml");
        assertThat(parse("-bs").smtpOnStdio()).isTrue();
    }

    @Test
    void dsnOptions() {
        assertThat(parse("-N", "success,failure").notifyOn()).isEqualTo(Set.of(Notify.SUCCESS, Notify.FAILURE));
        assertThat(parse("-Nnever").notifyOn()).isEqualTo(Set.of(Notify.NEVER));
        assertThat(parse("-R", "hdrs").ret()).isEqualTo(Ret.HDRS);
        assertThatThrownBy(() -> parse("-N", "never,success")).isInstanceOf(SendmailOptions.UsageError.class);
        assertThatThrownBy(() -> parse("-R", "all")).isInstanceOf(SendmailOptions.UsageError.class);
    }

    @Test
    void modesAndOptionsTernHasNotAreUsageErrors() {
        for (String arg : List.of("-bp", "-bi", "-q", "-qf", "-X", "-tx")) {
            assertThatThrownBy(() -> parse(arg)).as(arg).isInstanceOf(SendmailOptions.UsageError.class);
        }
        assertThatThrownBy(() -> parse("-f")).hasMessage("-f needs a value");
    }

    @Test
    void displayNamesAreQuotedOrEncodedWhenTheyMustBe() {
        assertThat(DisplayName.phrase("Cron Daemon")).isEqualTo("Cron Daemon");
        assertThat(DisplayName.phrase("Doe, John")).isEqualTo("\"Doe, John\"");
        assertThat(DisplayName.phrase("Jürgen")).isEqualTo("=?UTF-8?B?SsO8cmdlbg==?=");
    }
}
