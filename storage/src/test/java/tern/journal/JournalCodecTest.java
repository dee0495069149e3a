package tern.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

class JournalCodecTest {

    @Test
    void everyEventTypeRoundTripsWithUtf8AddressesAndDsnParameters() {
        for (JournalEvent event : Events.everyType()) {
            Bytes<?> bytes = Bytes.allocateElasticOnHeap(256);
            JournalCodec.write(event, bytes);
            JournalEvent back = JournalCodec.read(bytes);
            assertThat(back).usingRecursiveComparison().isEqualTo(event);
            assertThat(bytes.readRemaining()).isZero();
        }
    }

    @Test
    void stringsOfEveryKindReadBackExactly() {
        String longAscii = "x".repeat(5000);
        String astral = "d\u00e9j\u00e0 vu \uD83D\uDE00 \u4e2d\u6587";
        for (String reason : new String[] {"", "a", longAscii, astral, longAscii + astral}) {
            var event = new JournalEvent.Badmailed(new tern.queue.QueueId("0ABC"), Events.T0, reason);
            Bytes<?> bytes = Bytes.allocateElasticOnHeap(64);
            JournalCodec.write(event, bytes);
            assertThat(JournalCodec.read(bytes)).isEqualTo(event);
            assertThat(bytes.readRemaining()).isZero();
        }
    }

    @Test
    void bodiesSmallAndLargeReadBackByteForByte() {
        int[] sizes = {0, 1, JournalCodec.STAGED_BODY - 1, JournalCodec.STAGED_BODY, 50_000, 70_000, 5_000, 5_000_000};
        for (int size : sizes) {
            var event = Events.accepted("0SIZE" + size, Events.T0, Events.body("0SIZE" + size, size));
            Bytes<?> bytes = Bytes.allocateElasticOnHeap(256);
            JournalCodec.write(event, bytes);
            var back = (JournalEvent.Accepted) JournalCodec.read(bytes);
            assertThat(back.message()).as("%d bytes", size).isEqualTo(event.message());
            assertThat(bytes.readRemaining()).isZero();
        }
    }

    @Test
    void aFormatOneOutcomeWrittenAsTwoStringsStillReadsAndSaysWhoDecidedAsFarAsItCan() {
        Bytes<?> bytes = Bytes.allocateElasticOnHeap(128);
        bytes.writeByte((byte) 1).writeByte((byte) 3); // format 1, Deferred
        bytes.writeUtf8("0PZK3M1A2B4");
        bytes.writeStopBit(Events.T0.getEpochSecond()).writeStopBit(Events.T0.getNano());
        bytes.writeUtf8("b@y.test").writeUtf8("mx.y.test[192.0.2.7]:25").writeUtf8("451 4.7.1 Greylisted");
        bytes.writeStopBit(2).writeStopBit(Events.T0.getEpochSecond() + 900).writeStopBit(0);

        var deferred = (JournalEvent.Deferred) JournalCodec.read(bytes);

        assertThat(bytes.readRemaining()).isZero();
        assertThat(deferred.attempts()).isEqualTo(2);
        assertThat(deferred.outcome()).isEqualTo(new tern.outcome.RemoteReply(
                new tern.smtp.Reply(451, "4.7.1", "Greylisted"), "mx.y.test", "[192.0.2.7]:25"));
        assertThat(deferred.relay()).isEqualTo("mx.y.test[192.0.2.7]:25");
        assertThat(deferred.reply()).isEqualTo("451 4.7.1 Greylisted");

        Bytes<?> local = Bytes.allocateElasticOnHeap(128);
        local.writeByte((byte) 1).writeByte((byte) 4); // format 1, Failed
        local.writeUtf8("0PZK3M1A2B4");
        local.writeStopBit(Events.T0.getEpochSecond()).writeStopBit(Events.T0.getNano());
        local.writeUtf8("b@y.test").writeUtf8("none").writeUtf8("451 4.4.1 Connection to the remote host failed");
        var failed = (JournalEvent.Failed) JournalCodec.read(local);
        assertThat(failed.outcome()).isInstanceOf(tern.outcome.LocalDecision.class);
    }

    @Test
    void aRecordInANewerFormatIsRefusedNotMisread() {
        Bytes<?> bytes = Bytes.allocateElasticOnHeap(64);
        JournalCodec.write(Events.everyType().get(2), bytes);
        bytes.writeByte(0, (byte) (JournalCodec.FORMAT + 1));
        assertThatThrownBy(() -> JournalCodec.read(bytes)).hasMessageContaining("upgrade Tern");
    }

    @Test
    void acceptedIdIsReadWithoutTheMessage() {
        Bytes<?> bytes = Bytes.allocateElasticOnHeap(64);
        JournalCodec.write(Events.internationalAccepted(), bytes);
        assertThat(JournalCodec.acceptedId(bytes)).hasToString("0PZK3M1A2B4");
        Bytes<?> other = Bytes.allocateElasticOnHeap(64);
        JournalCodec.write(Events.everyType().get(2), other);
        assertThat(JournalCodec.acceptedId(other)).isNull();
    }
}
