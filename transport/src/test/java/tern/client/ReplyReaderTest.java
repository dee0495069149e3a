package tern.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tern.smtp.Reply;

class ReplyReaderTest {

    private static ReplyReader reader(String wire) {
        return new ReplyReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void multilineReplyWithEnhancedStatusCodes() throws Exception {
        Reply r = reader("550-5.1.1 No such user\r\n550 5.1.1 Try again never\r\n").read();

        assertThat(r.code()).isEqualTo(550);
        assertThat(r.status()).isEqualTo("5.1.1");
        assertThat(r.lines()).containsExactly("No such user", "Try again never");
    }

    @Test
    void statusOfAnotherClassThanTheCodeIsJustText() throws Exception {
        Reply r = reader("250 5.1.1 odd\r\n").read();

        assertThat(r.status()).isNull();
        assertThat(r.lines()).containsExactly("5.1.1 odd");
    }

    @Test
    void bareCodeAndBareLfAreAccepted() throws Exception {
        Reply r = reader("250\n").read();

        assertThat(r.code()).isEqualTo(250);
        assertThat(r.lines()).containsExactly("");
    }

    @Test
    void garbageIsAProtocolError() {
        assertThatThrownBy(() -> reader("HTTP/1.1 400 Bad Request\r\n").read())
                .isInstanceOf(ReplyReader.MalformedReplyException.class);
        assertThatThrownBy(() -> reader("250-a\r\n251 b\r\n").read())
                .isInstanceOf(ReplyReader.MalformedReplyException.class);
    }
}
