package tern.recipient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tern.address.Mailbox;
import tern.config.ConfigException;
import tern.envelope.Notify;
import tern.envelope.Recipient;

class LocalRecipientsTest {

    private static final String FILE = """
            # valid local recipients
            bob@example.test
            Carol@Example.TEST

            @lists.example.test
            info@example.test: bob@example.test
            team@example.test: info@example.test, dave@partner.example, bob@example.test
            keep@example.test: keep@example.test, keep@home.example
            @old.example.test: bob@example.test
            """;

    private static final LocalRecipients TABLE = LocalRecipients.parse(FILE, "recipients");

    private static Mailbox at(String address) {
        int at = address.lastIndexOf('@');
        return new Mailbox(address.substring(0, at), address.substring(at + 1));
    }

    private static LocalRecipients.Lookup find(String address) {
        return TABLE.find(at(address));
    }

    @Test
    void aListedMailboxIsKnownAndAnUnlistedOneIsNot() {
        assertThat(find("bob@example.test")).isEqualTo(new LocalRecipients.Known(at("bob@example.test")));
        assertThat(find("mallory@example.test")).isEqualTo(new LocalRecipients.Unknown());
        assertThat(find("bob@unlisted.example.test")).isEqualTo(new LocalRecipients.Unknown());
    }

    @Test
    void localPartsAndDomainsCompareWithoutCaseAndTheListedSpellingWins() {
        assertThat(find("BOB@EXAMPLE.test")).isEqualTo(new LocalRecipients.Known(at("bob@example.test")));
        assertThat(find("carol@example.test")).isEqualTo(new LocalRecipients.Known(at("Carol@example.test")));
    }

    @Test
    void anAtDomainLineAcceptsEveryLocalPartOfThatDomain() {
        assertThat(find("anyone@lists.example.test")).isEqualTo(new LocalRecipients.Known(at("anyone@lists.example.test")));
    }

    @Test
    void postmasterIsAlwaysValidAsRfc5321Requires() {
        assertThat(find("postmaster@example.test")).isEqualTo(new LocalRecipients.Known(at("postmaster@example.test")));
        assertThat(find("PostMaster@unlisted.test")).isInstanceOf(LocalRecipients.Known.class);
    }

    @Test
    void aliasesAreFollowedToTheirMailboxesEachOnceInOrder() {
        assertThat(find("info@example.test")).isEqualTo(new LocalRecipients.Alias(List.of(at("bob@example.test"))));
        assertThat(find("team@example.test")).isEqualTo(new LocalRecipients.Alias(
                List.of(at("bob@example.test"), at("dave@partner.example"))));
        assertThat(find("keep@example.test")).isEqualTo(new LocalRecipients.Alias(
                List.of(at("keep@example.test"), at("keep@home.example"))));
        assertThat(find("whoever@old.example.test")).isEqualTo(new LocalRecipients.Alias(List.of(at("bob@example.test"))));
    }

    @Test
    void anAcceptedAliasIsRewrittenAndKeepsTheOriginalAddressAsOrcpt() {
        Recipient info = new Recipient(at("info@example.test"), Set.of(Notify.SUCCESS), null);
        assertThat(TABLE.accept(info)).containsExactly(
                new Recipient(at("bob@example.test"), Set.of(Notify.SUCCESS), "rfc822;info@example.test"));

        Recipient withOrcpt = new Recipient(at("team@example.test"), Set.of(), "rfc822;first@elsewhere.test");
        assertThat(TABLE.accept(withOrcpt)).extracting(Recipient::orcpt).containsOnly("rfc822;first@elsewhere.test");

        Recipient keep = Recipient.of(at("keep@example.test"));
        assertThat(TABLE.accept(keep)).containsExactly(keep,
                new Recipient(at("keep@home.example"), Set.of(), "rfc822;keep@example.test"));
    }

    @Test
    void aKnownMailboxIsAcceptedAsItIsAndAnUnknownOneNotAtAll() {
        Recipient bob = Recipient.of(at("bob@example.test"));
        assertThat(TABLE.accept(bob)).containsExactly(bob);
        assertThat(TABLE.accept(Recipient.of(at("mallory@example.test")))).isEmpty();
        assertThat(TABLE.accept(Recipient.of(at("BOB@example.test"))))
                .containsExactly(new Recipient(at("bob@example.test"), Set.of(), "rfc822;BOB@example.test"));
    }

    @Test
    void anInternationalizedOriginalIsAUtf8Orcpt() {
        LocalRecipients t = LocalRecipients.parse("jörg@example.test: bob@example.test", "f");
        assertThat(t.accept(Recipient.of(at("jörg@example.test")))).singleElement()
                .extracting(Recipient::orcpt).isEqualTo("utf-8;j\\x{F6}rg@example.test");
        assertThat(t.accept(Recipient.of(at("a+b@example.test")))).isEmpty();
        assertThat(LocalRecipients.parse("a+b@example.test: bob@example.test", "f")
                .accept(Recipient.of(at("a+b@example.test")))).singleElement()
                .extracting(Recipient::orcpt).isEqualTo("rfc822;a+2Bb@example.test");
    }

    @Test
    void badLinesAreRefusedNamingTheFileAndLine() {
        assertThatThrownBy(() -> LocalRecipients.parse("bob@example.test\nnot an address\n", "users.txt"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("users.txt line 2: 'not an address'");
        assertThatThrownBy(() -> LocalRecipients.parse("a@x.test: \n", "f"))
                .hasMessageStartingWith("f line 1:").hasMessageContaining("target");
        assertThatThrownBy(() -> LocalRecipients.parse("a@x.test: b@x.test\nA@X.test: c@x.test\n", "f"))
                .hasMessageStartingWith("f line 2:").hasMessageContaining("each alias once");
        assertThatThrownBy(() -> LocalRecipients.parse("a@x.test\na@x.test: b@x.test\n", "f"))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> LocalRecipients.parse("@bad_domain: b@x.test\n", "f"))
                .hasMessageStartingWith("f line 1: '@bad_domain'");
    }

    @Test
    void aliasLoopsAreRefusedWhenTheFileIsRead() {
        assertThatThrownBy(() -> LocalRecipients.parse("a@x.test: b@x.test\nb@x.test: c@x.test\nc@x.test: a@x.test\n", "f"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("a@x.test -> b@x.test -> c@x.test -> a@x.test")
                .hasMessageContaining("aliases that do not loop");
    }

    @Test
    void quotedLocalPartsAndIpv6LiteralsKeepTheirColons() {
        LocalRecipients t = LocalRecipients.parse("\"a:b\"@x.test: c@[IPv6:2001:db8::1]\n", "f");
        assertThat(t.find(new Mailbox("a:b", "x.test")))
                .isEqualTo(new LocalRecipients.Alias(List.of(new Mailbox("c", "[ipv6:2001:db8::1]"))));
    }
}
