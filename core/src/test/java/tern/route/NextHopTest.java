package tern.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NextHopTest {

    @Test
    void bracketedAddressWithPortConnectsThereWithoutMxLookup() {
        NextHop hop = NextHop.parse("[127.0.0.1]:2601", 25);
        assertThat(hop).isEqualTo(new NextHop("127.0.0.1", 2601, false));
        assertThat(hop.isIpAddress()).isTrue();
        assertThat(hop).hasToString("[127.0.0.1]:2601");
    }

    @Test
    void bracketedHostNameTurnsOffMxLookupButStillResolvesTheName() {
        NextHop hop = NextHop.parse("[Relay.Example.]", 587);
        assertThat(hop).isEqualTo(new NextHop("relay.example", 587, false));
        assertThat(hop.isIpAddress()).isFalse();
        assertThat(hop).hasToString("[relay.example]:587");
    }

    @Test
    void bareHostNameMeansMxLookupOnItAtTheDefaultPort() {
        assertThat(NextHop.parse("relay.example", 25)).isEqualTo(new NextHop("relay.example", 25, true));
        assertThat(NextHop.parse("relay.example:2525", 25)).isEqualTo(new NextHop("relay.example", 2525, true));
        assertThat(NextHop.parse("relay.example:2525", 25)).hasToString("relay.example:2525");
    }

    @ParameterizedTest
    @CsvSource({
            "'[::1]:2525',              ::1,         2525",
            "'[::1]',                   ::1,         25",
            "'[2001:DB8::1]',           2001:db8::1, 25",
            "'[IPv6:2001:db8::1]:26',   2001:db8::1, 26",
            "'[ipv6:::1]',              ::1,         25",
    })
    void ipv6LiteralsAreWrittenInBracketsWithOrWithoutTheRfc5321Tag(String text, String host, int port) {
        NextHop hop = NextHop.parse(text, 25);
        assertThat(hop).isEqualTo(new NextHop(host, port, false));
        assertThat(hop.isIpAddress()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                       | got nothing",
            "'[127.0.0.1'             | closing ']'",
            "'127.0.0.1]'             | opening '['",
            "'[]'                     | inside the brackets",
            "'10.0.0.1'               | must be written in brackets",
            "'10.0.0.1:25'            | must be written in brackets",
            "'2001:db8::1'            | IPv6 address must be written in brackets",
            "'[2001:db8::g]'          | valid IPv6 address",
            "'[fe80::1%eth0]'         | without a scope id",
            "'[300.1.1.1]'            | four numbers from 0 to 255",
            "'[10.0.0]'               | four numbers from 0 to 255",
            "'relay.example:'         | numeric port",
            "'relay.example:smtp'     | numeric port",
            "'relay.example:0'        | from 1 to 65535",
            "'relay.example:65536'    | from 1 to 65535",
            "'[10.0.0.1]x'            | \":port\" after the host",
            "'relay_1.example'        | not '_'",
            "'-relay.example'         | do not start or end with '-'",
            "'relay..example'         | 1 to 63 characters",
            "'ré lay.example'         | valid internationalized host name",
    })
    void refusesBadSyntaxSayingWhatWasExpected(String text, String expected) {
        assertThatThrownBy(() -> NextHop.parse(text, 25))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[010.0.0.1]", "[1.2.3.4.5]"})
    void refusesAmbiguousIpv4Spellings(String text) {
        assertThatThrownBy(() -> NextHop.parse(text, 25)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anInternationalizedHostIsWrittenInItsALabels() {
        assertThat(NextHop.parse("[rélay.example]:2525", 25)).isEqualTo(new NextHop("xn--rlay-bpa.example", 2525, false));
        assertThat(NextHop.parse("Bücher.example", 25)).isEqualTo(new NextHop("xn--bcher-kva.example", 25, true));
    }

    @Test
    void anIpAddressCannotBeAnMxLookupTarget() {
        assertThatThrownBy(() -> new NextHop("192.0.2.1", 25, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no MX records");
    }
}
