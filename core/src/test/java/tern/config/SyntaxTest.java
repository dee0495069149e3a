package tern.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SyntaxTest {
    @Test
    void domainsAreLettersDigitsAndInnerHyphens() {
        assertThat(Syntax.isDomain("mail.example.com")).isTrue();
        assertThat(Syntax.isDomain("localhost")).isTrue();
        assertThat(Syntax.isDomain("xn--bcher-kva.example")).isTrue();
        assertThat(Syntax.isDomain("bücher.example")).isTrue();
        assertThat(Syntax.isDomain("a-.example")).isFalse();
        assertThat(Syntax.isDomain("example.com.")).isFalse();
        assertThat(Syntax.isDomain("a".repeat(64) + ".example")).isFalse();
        assertThat(Syntax.isDomain("")).isFalse();
    }

    @Test
    void nextHopsAreBracketedHostsOrHostsWithOptionalPorts() {
        assertThat(Syntax.isNextHop("[127.0.0.1]:2601")).isTrue();
        assertThat(Syntax.isNextHop("[IPv6:::1]")).isFalse();
        assertThat(Syntax.isNextHop("[::1]:25")).isTrue();
        assertThat(Syntax.isNextHop("[smart.example]")).isTrue();
        assertThat(Syntax.isNextHop("smart.example:587")).isTrue();
        assertThat(Syntax.isNextHop("smart.example")).isTrue();
        assertThat(Syntax.isNextHop("smart.example:0")).isFalse();
        assertThat(Syntax.isNextHop("[smart.example]x")).isFalse();
    }

    @Test
    void networksGetTheirPrefixLengthWrittenOut() {
        assertThat(Syntax.cidr("127.0.0.0/8")).isEqualTo("127.0.0.0/8");
        assertThat(Syntax.cidr("::1")).isEqualTo("::1/128");
        assertThat(Syntax.cidr("192.0.2.1")).isEqualTo("192.0.2.1/32");
        assertThat(Syntax.cidr("192.0.2.1/")).isNull();
        assertThat(Syntax.cidr("192.0.2.256/24")).isNull();
    }

    @Test
    void mailboxesHaveADotAtomOrQuotedLocalPart() {
        assertThat(Syntax.isMailbox("postmaster@example.com")).isTrue();
        assertThat(Syntax.isMailbox("\"john doe\"@example.com")).isTrue();
        assertThat(Syntax.isMailbox("user@[192.0.2.1]")).isTrue();
        assertThat(Syntax.isMailbox("user@[IPv6:2001:db8::1]")).isTrue();
        assertThat(Syntax.isMailbox(".user@example.com")).isFalse();
        assertThat(Syntax.isMailbox("user@")).isFalse();
        assertThat(Syntax.isMailbox("user example.com")).isFalse();
    }
}
