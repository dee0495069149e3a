package tern.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TestMessagesTest {

    private static byte[] wire(TestMessages m, long seq) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(m.prefix(seq, m.recipient(seq)));
        out.writeBytes(m.stuffedBody());
        out.writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** RFC 5321 4.5.2 receiver side: drop the first dot of a line; stop at the line ".". */
    private static byte[] unstuff(byte[] wire) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < wire.length) {
            int lf = i;
            while (wire[lf] != '\n') {
                lf++;
            }
            if (lf - i == 2 && wire[i] == '.' && wire[i + 1] == '\r') {
                assertThat(lf + 1).as("nothing after the terminator").isEqualTo(wire.length);
                return out.toByteArray();
            }
            int from = wire[i] == '.' ? i + 1 : i;
            out.write(wire, from, lf + 1 - from);
            i = lf + 1;
        }
        throw new AssertionError("no terminating <CRLF>.<CRLF>");
    }

    @ParameterizedTest
    @ValueSource(longs = {400, 401, 402, 1000, 1001, 4321, 50_000, 1_000_000})
    void everyMessageIsExactlyTheWantedSizeOnceUnstuffed(long size) {
        TestMessages m = new TestMessages(size, "load@bench.test", null, 7);
        for (long seq : new long[] {0, 1, 6, 99, 12345}) {
            byte[] content = unstuff(wire(m, seq));
            assertThat(content.length).as("seq %d", seq).isEqualTo(size);
            assertThat(m.wireSize()).isEqualTo(wire(m, seq).length);
        }
    }

    @Test
    void linesStartingWithADotAreStuffedAndEveryLineEndsInCrlf() {
        TestMessages m = new TestMessages(5000, "load@bench.test", "sink@relay.test", 0);
        String wire = new String(wire(m, 3), StandardCharsets.US_ASCII);
        String content = new String(unstuff(wire(m, 3)), StandardCharsets.US_ASCII);
        assertThat(content.lines().filter(l -> l.startsWith(".")).count()).isGreaterThan(5);
        for (String line : wire.split("\r\n", -1)) {
            assertThat(line).doesNotContain("\r").doesNotContain("\n");
            if (line.startsWith(".") && !line.equals(".")) {
                assertThat(line).startsWith("..");
            }
        }
        assertThat(wire).endsWith("\r\n.\r\n");
        assertThat(wire.split("\r\n")).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(998));
    }

    @Test
    void headersAreRealisticAndNameTheRecipient() {
        TestMessages m = new TestMessages(1000, "load@bench.test", null, 3);
        String prefix = new String(m.prefix(4, m.recipient(4)), StandardCharsets.US_ASCII);
        assertThat(m.recipient(4)).isEqualTo("user4@d2.test");
        assertThat(prefix).contains("From: Tern load <load@bench.test>\r\n", "To: <user4@d2.test>\r\n",
                "Subject: ", "Date: ", "Message-ID: <0000000004.", "\r\n\r\nLoad message 0000000004 ");
    }

    @Test
    void aSizeBelowTheHeadersGivesTheSmallestPossibleMessage() {
        TestMessages m = new TestMessages(10, "load@bench.test", "sink@relay.test", 0);
        assertThat(m.messageSize()).isEqualTo(m.minimumSize()).isGreaterThan(10);
        assertThat(unstuff(wire(m, 1)).length).isEqualTo(m.messageSize());
    }
}
