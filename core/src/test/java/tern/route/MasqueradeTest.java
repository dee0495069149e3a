package tern.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tern.address.Mailbox;
import tern.address.ReversePath;

class MasqueradeTest {

    private final Masquerade masquerade = new Masquerade("Example.COM", List.of("example.test", "corp.example.test"));

    @Test
    void localSenderDomainIsReplacedByTheMasqueradeDomain() {
        ReversePath from = ReversePath.of(new Mailbox("Alice.Smith", "corp.example.test"));
        assertThat(masquerade.apply(from)).isEqualTo(ReversePath.of(new Mailbox("Alice.Smith", "example.com")));
    }

    @Test
    void nullReversePathIsNeverRewritten() {
        assertThat(masquerade.apply(ReversePath.NULL)).isSameAs(ReversePath.NULL);
    }

    @Test
    void nonLocalSenderDomainIsLeftAlone() {
        ReversePath from = ReversePath.of(new Mailbox("bob", "elsewhere.example"));
        assertThat(masquerade.apply(from)).isSameAs(from);
        ReversePath sub = ReversePath.of(new Mailbox("bob", "sub.example.test"));
        assertThat(masquerade.apply(sub)).isSameAs(sub);
    }

    @Test
    void withoutAMasqueradeDomainNothingChanges() {
        Masquerade off = new Masquerade(null, List.of("example.test"));
        ReversePath from = ReversePath.of(new Mailbox("alice", "example.test"));
        assertThat(off.isSet()).isFalse();
        assertThat(off.apply(from)).isSameAs(from);
    }

    @Test
    void localDomainMatchIgnoresCaseAndTrailingDot() {
        Masquerade m = new Masquerade("example.com.", List.of("Example.Test."));
        assertThat(m.apply(ReversePath.of(new Mailbox("a", "EXAMPLE.test"))))
                .isEqualTo(ReversePath.of(new Mailbox("a", "example.com")));
    }
}
