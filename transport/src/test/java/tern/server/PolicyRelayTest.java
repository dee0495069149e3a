package tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tern.testing.SmtpTestClient;
import tern.testing.SmtpTestClient.Reply;

/**
 * Open-relay tricks from a client that may not relay (relay.allowFrom is 10.0.0.0/8, the test
 * connects from 127.0.0.1): every one is refused, and nothing for a remote domain is stored.
 */
class PolicyRelayTest {

    private RecordingSpool spool;
    private ServerFixture fixture;

    @BeforeEach
    void start() {
        spool = new RecordingSpool();
        PolicyConfig config = new PolicyConfig();
        config.relayFrom = List.of("10.0.0.0/8");
        config.relayDomains = List.of("partner.example");
        config.maxErrors = 100;
        fixture = ServerFixture.start(config.build(), spool);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private Reply rcpt(SmtpTestClient c, String path) {
        return c.command("RCPT TO:" + path).read();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<user@remote.example>",                 // plain relay attempt
        "<user%remote.example@tern.test>",       // percent hack
        "<remote.example!user@tern.test>",       // bang path (UUCP)
        "<\"user@remote.example\"@tern.test>",   // quoted local part with an @
        "<\"user%remote.example\"@tern.test>",
        "<user@remote.example@tern.test>",       // two @: a syntax error, never a route
        "<user@[192.0.2.1]>",                    // an address literal is never local
        "<user@[127.0.0.1]>",                    // not even our own address
        "<@tern.test:user@remote.example>",      // source route ending remote
        "<@tern.test,@mx.tern.test:user@remote.example>",
        "<user@remote.example.>",                // trailing dot
        "<user@tern.test.remote.example>",       // a local domain as a prefix
        "<user@sub.partner.example>",            // a relay domain's subdomain is not the domain
    })
    void refusesEveryRelayTrickFromAClientThatMayNotRelay(String path) {
        try (SmtpTestClient c = fixture.greeted()) {
            c.expect("MAIL FROM:<a@b.example>", 250);
            Reply reply = rcpt(c, path);
            assertThat(reply.code()).as(path + " -> " + reply).isBetween(500, 599);
            assertThat(c.expect("RCPT TO:<someone@tern.test>", 250)).isNotNull();
            c.expect("DATA", 354);
            c.send("Subject: x\r\n\r\nhi\r\n.\r\n").expect(250);
        }
        assertThat(spool.messages()).hasSize(1);
        assertThat(spool.messages().getFirst().envelope().recipients())
                .extracting(r -> r.address().toString()).containsExactly("someone@tern.test");
    }

    @Test
    void refusesRoutingCharactersInALocalPartWith550NoSuchUser() {
        try (SmtpTestClient c = fixture.greeted()) {
            c.expect("MAIL FROM:<a@b.example>", 250);
            for (String path : List.of("<user%remote.example@tern.test>", "<remote.example!user@tern.test>",
                    "<\"user@remote.example\"@tern.test>")) {
                Reply r = rcpt(c, path);
                assertThat(r.code()).as(path).isEqualTo(550);
                assertThat(r.status()).as(path).isEqualTo("5.1.1");
            }
            Reply twoAts = rcpt(c, "<user@remote.example@tern.test>");
            assertThat(twoAts.code()).isEqualTo(501);
            assertThat(twoAts.status()).isEqualTo("5.1.3");
            Reply literal = rcpt(c, "<user@[192.0.2.1]>");
            assertThat(literal.code()).isEqualTo(554);
            assertThat(literal.status()).isEqualTo("5.7.1");
        }
    }

    @Test
    void refusesALocalPartMaildirCannotHoldWith550BadMailboxName() {
        try (SmtpTestClient c = fixture.greeted()) {
            c.expect("MAIL FROM:<a@b.example>", 250);
            for (String path : List.of("<\"..\"@tern.test>", "<\"../etc\"@tern.test>", "<.hidden@tern.test>",
                    "<\"a/b\"@tern.test>", "<\".x\"@tern.test>")) {
                Reply r = rcpt(c, path);
                assertThat(r.code()).as(path + " -> " + r).isEqualTo(path.equals("<.hidden@tern.test>") ? 501 : 550);
                assertThat(r.status()).as(path).isEqualTo("5.1.3");
            }
        }
    }

    @Test
    void aSourceRouteIsIgnoredSoItDeliversLocallyAndRelaysNowhere() {
        try (SmtpTestClient c = fixture.greeted()) {
            c.expect("MAIL FROM:<a@b.example>", 250);
            c.expect("RCPT TO:<@remote.example:user@tern.test>", 250);
            c.expect("DATA", 354);
            c.send("Subject: x\r\n\r\nhi\r\n.\r\n").expect(250);
        }
        assertThat(spool.messages().getFirst().envelope().recipients())
                .extracting(r -> r.address().toString()).containsExactly("user@tern.test");
    }

    @Test
    void anyoneMayRelayToARelayDomainButNotToAnAddressLiteral() {
        try (SmtpTestClient c = fixture.greeted()) {
            c.expect("MAIL FROM:<a@b.example>", 250);
            c.expect("RCPT TO:<x@partner.example>", 250);
            c.expect("RCPT TO:<x@PARTNER.example>", 250);
        }
    }

    @Test
    void aClientInAllowFromMayRelayAnywhereButLocalPartsAreStillNeverRerouted() {
        PolicyConfig config = new PolicyConfig(); // allowFrom = loopback
        try (ServerFixture open = ServerFixture.start(config.build(), new RecordingSpool());
             SmtpTestClient c = open.greeted()) {
            c.expect("MAIL FROM:<a@b.example>", 250);
            c.expect("RCPT TO:<user@remote.example>", 250);
            c.expect("RCPT TO:<user@[192.0.2.1]>", 250);
            c.expect("RCPT TO:<\"user%x\"@remote.example>", 250); // a remote server's local part is its business
            c.expect("RCPT TO:<user%remote.example@tern.test>", 550);
        }
    }
}
