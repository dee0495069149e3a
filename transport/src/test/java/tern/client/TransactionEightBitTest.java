package tern.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.envelope.Recipient;

class TransactionEightBitTest {

    private static Transaction of(byte[] message) {
        return Transaction.of(ReversePath.of(new Mailbox("s", "tern.test")),
                List.of(Recipient.of(new Mailbox("a", "example.test"))), message);
    }

    @Test
    void anOctetAbove127AnywhereMakesTheMessageEightBitAndNoneLeavesItSevenBit() {
        for (int length = 0; length <= 40; length++) {
            byte[] ascii = new byte[length];
            Arrays.fill(ascii, (byte) 'a');
            assertThat(of(ascii).isEightBit()).as("all ASCII, %d octets", length).isFalse();
            for (int at = 0; at < length; at++) {
                byte[] m = ascii.clone();
                m[at] = (byte) 0xC3;
                assertThat(of(m).isEightBit()).as("0xC3 at %d of %d", at, length).isTrue();
            }
        }
    }
}
