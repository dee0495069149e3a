package tern.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import tern.address.Mailbox;

class RelayPolicyTest {

    @Test
    void cidrMatchesIpv4Ipv6AndMappedAddresses() {
        assertThat(Cidr.parse("192.0.2.0/25").contains(InetAddress.ofLiteral("192.0.2.127"))).isTrue();
        assertThat(Cidr.parse("192.0.2.0/25").contains(InetAddress.ofLiteral("192.0.2.128"))).isFalse();
        assertThat(Cidr.parse("192.0.2.0/24").contains(InetAddress.ofLiteral("::ffff:192.0.2.9"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains(InetAddress.ofLiteral("2001:db8:1::1"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains(InetAddress.ofLiteral("192.0.2.1"))).isFalse();
        assertThat(Cidr.parse("::1").contains(InetAddress.ofLiteral("::1"))).isTrue();
        assertThatThrownBy(() -> Cidr.parse("mail.example/24")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("192.0.2.0/33")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsLocalDomainsFromAnyoneAndOthersOnlyFromRelayClientsOrToRelayDomains() {
        RelayPolicy policy = new RelayPolicy(List.of("Local.Example"), List.of("partner.example"),
                List.of(Cidr.parse("192.0.2.0/24")));
        assertThat(policy.accepts(new Mailbox("a", "local.example"), false)).isTrue();
        assertThat(policy.accepts(new Mailbox("a", "partner.example"), false)).isTrue();
        assertThat(policy.accepts(new Mailbox("a", "other.example"), false)).isFalse();
        assertThat(policy.accepts(new Mailbox("a", "[192.0.2.1]"), false)).isFalse();
        assertThat(policy.mayRelay(InetAddress.ofLiteral("192.0.2.7"))).isTrue();
        assertThat(policy.mayRelay(InetAddress.ofLiteral("198.51.100.7"))).isFalse();
        assertThat(policy.accepts(new Mailbox("a", "other.example"), true)).isTrue();
    }

    @Test
    void anInternationalizedDomainIsTheSameDomainInEitherForm() {
        RelayPolicy policy = new RelayPolicy(List.of("bücher.example"), List.of("xn--mnchen-3ya.example"), List.of());
        assertThat(policy.accepts(new Mailbox("a", "xn--bcher-kva.example"), false)).isTrue();
        assertThat(policy.accepts(new Mailbox("a", "bücher.example"), false)).isTrue();
        assertThat(policy.accepts(new Mailbox("a", "münchen.example"), false)).isTrue();
        assertThat(policy.accepts(new Mailbox("a", "büchers.example"), false)).isFalse();
    }
}
