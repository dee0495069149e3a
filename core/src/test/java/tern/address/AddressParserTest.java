package tern.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressParserTest {

    @Test
    void readsADotStringMailboxAndLowerCasesOnlyTheDomain() throws Exception {
        assertThat(AddressParser.parseMailbox("<John.Doe@Example.ORG>", false))
                .isEqualTo(new Mailbox("John.Doe", "example.org"));
    }

    @Test
    void unquotesAQuotedLocalPartWithEscapes() throws Exception {
        Mailbox m = AddressParser.parseMailbox("<\"john \\\"jd\\\" doe\"@example.org>", false);
        assertThat(m.localPart()).isEqualTo("john \"jd\" doe");
        assertThat(m.toString()).isEqualTo("\"john \\\"jd\\\" doe\"@example.org");
    }

    @Test
    void acceptsIpv4AndIpv6AddressLiterals() throws Exception {
        assertThat(AddressParser.parseMailbox("<a@[192.0.2.1]>", false).domain()).isEqualTo("[192.0.2.1]");
        assertThat(AddressParser.parseMailbox("<a@[IPv6:2001:db8::1]>", false).isAddressLiteral()).isTrue();
        assertThat(AddressParser.parseMailbox("<a@[IPv6:::ffff:192.0.2.1]>", false).isAddressLiteral()).isTrue();
    }

    @Test
    void acceptsAndIgnoresASourceRoute() throws Exception {
        assertThat(AddressParser.parseMailbox("<@a.example,@b.example:user@c.example>", false))
                .isEqualTo(new Mailbox("user", "c.example"));
    }

    @Test
    void acceptsUtf8OnlyUnderSmtpUtf8() throws Exception {
        assertThat(AddressParser.parseMailbox("<jörg@bücher.example>", true).localPart()).isEqualTo("jörg");
        assertThatThrownBy(() -> AddressParser.parseMailbox("<jörg@example.org>", false))
                .isInstanceOfSatisfying(InvalidAddressException.class, e -> assertThat(e.needsSmtpUtf8()).isTrue());
    }

    @Test
    void acceptsTheNullPathOnlyWhereAllowed() throws Exception {
        assertThat(AddressParser.parsePath("<>", 0, true, false).mailbox()).isNull();
        assertThatThrownBy(() -> AddressParser.parsePath("<>", 0, false, false))
                .isInstanceOf(InvalidAddressException.class);
    }

    @Test
    void saysWhereThePathEndsSoParametersCanFollow() throws Exception {
        String arg = "FROM:<\"a>b\"@example.org> SIZE=10";
        assertThat(AddressParser.parsePath(arg, 5, false, false).end()).isEqualTo(arg.indexOf(" SIZE"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a@example.org", "<a@example.org", "<@example.org>", "<a@>", "<.a@example.org>",
            "<a.@example.org>", "<a..b@example.org>", "<a@-example.org>", "<a@example-.org>", "<a@exa_mple.org>",
            "<a@[300.1.1.1]>", "<a@[1.2.3]>", "<a@[IPv6:2001:db8::1::2]>", "<a@[tag:stuff]>", "<a b@example.org>",
            "<\"unterminated@example.org>", "<a@example..org>", "<@a.example:>", "<a@b@example.org>"})
    void refusesMalformedPaths(String path) {
        assertThatThrownBy(() -> AddressParser.parseMailbox(path, true)).isInstanceOf(InvalidAddressException.class);
    }

    @Test
    void refusesALocalPartOver64Octets() {
        assertThatThrownBy(() -> AddressParser.parseMailbox("<" + "a".repeat(65) + "@example.org>", false))
                .isInstanceOf(InvalidAddressException.class);
    }
}
