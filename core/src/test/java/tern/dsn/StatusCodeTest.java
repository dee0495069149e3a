package tern.dsn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import tern.smtp.Reply;

class StatusCodeTest {

    @Test
    void parsesClassSubjectDetail() {
        assertThat(StatusCode.parse("5.1.1")).isEqualTo(new StatusCode(5, 1, 1));
        assertThat(StatusCode.parse("4.4.7")).hasToString("4.4.7");
        assertThat(StatusCode.parse("2.0.0")).isEqualTo(StatusCode.DELIVERED);
    }

    @Test
    void refusesWhatIsNotAnEnhancedStatusCode() {
        for (String bad : List.of("", "5.1", "3.1.1", "5.1.1.1", "5..1", "5.1.1x", "55.1.1", "5.1000.1", "5.01.1")) {
            assertThatThrownBy(() -> StatusCode.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void takesTheEnhancedCodeOfAReply() {
        assertThat(StatusCode.of(new Reply(550, "5.1.1", "no such user"))).isEqualTo(new StatusCode(5, 1, 1));
    }

    @Test
    void findsTheEnhancedCodeAtTheStartOfTheReplyText() {
        assertThat(StatusCode.of(new Reply(552, null, "5.2.2 mailbox full"))).isEqualTo(new StatusCode(5, 2, 2));
    }

    @Test
    void derivesTheGenericCodeFromTheReplyCodeWithoutAnEnhancedCode() {
        assertThat(StatusCode.of(new Reply(550, null, "no such user"))).isEqualTo(StatusCode.PERMANENT);
        assertThat(StatusCode.of(new Reply(451, null, "try later"))).hasToString("4.0.0");
        assertThat(StatusCode.of(new Reply(250, null, "ok"))).hasToString("2.0.0");
    }

    @Test
    void anEnhancedCodeOfAnotherClassThanTheReplyCodeIsIgnored() {
        assertThat(StatusCode.of(new Reply(450, "5.1.1", "confused server"))).isEqualTo(StatusCode.TRANSIENT);
    }
}
