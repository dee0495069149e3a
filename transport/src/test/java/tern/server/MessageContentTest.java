package tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.queue.QueueId;

class MessageContentTest {

    @TempDir
    Path dataDir;

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** Appends {@code bytes} in pieces of {@code piece}, as reads from the network would. */
    private static void feed(MessageContent content, byte[] bytes, int piece) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        for (int at = 0; at < bytes.length; at += piece) {
            content.append(buf, at, Math.min(piece, bytes.length - at));
        }
    }

    private long spoolFiles() throws IOException {
        Path spool = dataDir.resolve("spool");
        if (!Files.isDirectory(spool)) {
            return 0;
        }
        try (var files = Files.list(spool)) {
            return files.count();
        }
    }

    @Test
    void aSmallMessageStaysInMemoryAndComesOutWholeAfterThePrefix() throws IOException {
        MessageMemory memory = new MessageMemory(10 << 20);
        MessageContent content = new MessageContent(memory, new SpoolDirectory(dataDir));
        content.begin(new QueueId("SMALL"));
        byte[] body = random(100_000);
        feed(content, body, 1_500);
        content.appendCrlf();
        assertThat(content.spilled()).isFalse();
        assertThat(spoolFiles()).isZero();
        byte[] out = content.toArray("Received: x\r\n".getBytes());
        assertThat(new String(out, 0, 13)).isEqualTo("Received: x\r\n");
        assertThat(Arrays.copyOfRange(out, 13, 13 + body.length)).isEqualTo(body);
        assertThat(new String(out, out.length - 2, 2)).isEqualTo("\r\n");
        assertThat(memory.used()).as("chunks, not one doubled array").isLessThan(2L * body.length);
        content.clear();
        assertThat(memory.used()).as("the first chunk is kept for the next message").isEqualTo(8 * 1024);
        content.close();
        assertThat(memory.used()).isZero();
    }

    @Test
    void aMessagePastTheInMemoryLimitGoesToItsSpoolFileWhichGoesAwayWithIt() throws IOException {
        MessageMemory memory = new MessageMemory(10 << 20);
        MessageContent content = new MessageContent(memory, new SpoolDirectory(dataDir));
        content.begin(new QueueId("LARGE"));
        byte[] body = random(MessageContent.IN_MEMORY_LIMIT * 3 + 17);
        feed(content, body, 65_536);
        assertThat(content.spilled()).isTrue();
        assertThat(spoolFiles()).isEqualTo(1);
        assertThat(memory.used()).as("a spilled message holds no chunks").isZero();
        assertThat(content.toArray(new byte[0])).isEqualTo(body);
        content.clear();
        assertThat(spoolFiles()).isZero();
    }

    @Test
    void aSpentBudgetSendsAMessageToDiskEarlyInsteadOfGrowingTheHeap() throws IOException {
        MessageMemory memory = new MessageMemory(20 * 1024); // room for the first two chunks only
        MessageContent content = new MessageContent(memory, new SpoolDirectory(dataDir));
        content.begin(new QueueId("EARLY"));
        byte[] body = random(200_000);
        feed(content, body, 4_096);
        assertThat(content.spilled()).isTrue();
        assertThat(memory.peak()).isLessThanOrEqualTo(20 * 1024);
        assertThat(content.toArray(new byte[0])).isEqualTo(body);
        content.close();
        assertThat(spoolFiles()).isZero();
        assertThat(memory.used()).isZero();
    }

    @Test
    void leftoversOfACrashAreDeletedAtStart() throws IOException {
        SpoolDirectory spool = new SpoolDirectory(dataDir);
        Files.createDirectories(spool.path());
        Files.writeString(spool.path().resolve("OLD.msg"), "half a message");
        spool.clearLeftovers();
        assertThat(spoolFiles()).isZero();
    }
}
