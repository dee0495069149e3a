package tern.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import tern.smtp.Replies;
import tern.smtp.Reply;

/**
 * The wire bytes of the replies a session sends again and again (the greeting, EHLO, 250 Ok,
 * every constant of {@link Replies}), encoded once per configuration instead of once per
 * reply: with a connection per message, formatting the greeting and the EHLO list cost more
 * than any command. A reply made on the spot ({@code withText}) is encoded when sent.
 *
 * <p>Immutable once built, so every event loop reads it without locks.
 */
final class ReplyBytes {

    private static final Map<Reply, byte[]> CONSTANTS = constants();

    private final Map<Reply, byte[]> wire;

    /** The constants of {@link Replies} plus the replies of one configuration (greeting, EHLO). */
    ReplyBytes(List<Reply> configured) {
        Map<Reply, byte[]> all = new IdentityHashMap<>(CONSTANTS);
        for (Reply reply : configured) {
            all.put(reply, encode(reply));
        }
        this.wire = all;
    }

    /** Writes {@code reply} (not flushed). */
    void write(ChannelHandlerContext ctx, Reply reply) {
        byte[] bytes = wire.get(reply);
        if (bytes == null) {
            bytes = encode(reply);
        }
        ByteBuf out = ctx.alloc().buffer(bytes.length);
        out.writeBytes(bytes);
        ctx.write(out, ctx.voidPromise());
    }

    private static byte[] encode(Reply reply) {
        return reply.wire().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<Reply, byte[]> constants() {
        Map<Reply, byte[]> map = new IdentityHashMap<>();
        for (Field field : Replies.class.getFields()) {
            int m = field.getModifiers();
            if (Modifier.isStatic(m) && Modifier.isFinal(m) && field.getType() == Reply.class) {
                try {
                    Reply reply = (Reply) field.get(null);
                    map.put(reply, encode(reply));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return map;
    }
}
