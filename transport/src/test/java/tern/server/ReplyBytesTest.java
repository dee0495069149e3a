package tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tern.smtp.Replies;
import tern.smtp.Reply;

/** The replies encoded once are byte for byte what Reply.wire() says, the constants and the configured alike. */
class ReplyBytesTest {

    private static String sent(ReplyBytes bytes, Reply reply) {
        var channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        ChannelHandlerContext ctx = channel.pipeline().firstContext();
        bytes.write(ctx, reply);
        channel.flush();
        ByteBuf out = channel.readOutbound();
        try {
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void everyReplyGoesOutAsItsWireText() {
        Reply greeting = new Reply(220, null, "mx.tern.test ESMTP Tern");
        Reply ehlo = new Reply(250, null, List.of("mx.tern.test", "PIPELINING", "SIZE 1000"));
        ReplyBytes bytes = new ReplyBytes(List.of(greeting, ehlo));
        for (Reply reply : List.of(greeting, ehlo, Replies.BYE, Replies.SENDER_OK, Replies.RECIPIENT_OK,
                Replies.START_MAIL_INPUT, Replies.QUEUED.withText("Ok: queued as X"),
                new Reply(554, "5.7.1", "Relay access denied: ümlaut"))) {
            assertThat(sent(bytes, reply)).isEqualTo(reply.wire());
        }
    }
}
