package tern.submission;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tern.address.Mailbox;

class HeaderAddressesTest {

    private static HeaderSection header(String text) {
        return HeaderSection.parse(LineEnds.crlf(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void addressListsDropDisplayNamesCommentsAndGroupNames() {
        assertThat(AddressList.addrSpecs(
                "\"Doe, John\" <john@example.test>, jane@example.test (Jane, (nested)), "
                        + "team: a@x.test, B <b@x.test>;, undisclosed-recipients:;, \"q d\"@x.test"))
                .containsExactly("john@example.test", "jane@example.test", "a@x.test", "b@x.test", "\"q d\"@x.test");
    }

    @Test
    void anEntryThatIsNotAnAddressIsReportedNotDropped() {
        AddressList.Parsed parsed = AddressList.parse("ok@x.test, nobody, <bad@>");

        assertThat(parsed.mailboxes()).containsExactly(new Mailbox("ok", "x.test"));
        assertThat(parsed.invalid()).containsExactly("nobody", "bad@");
    }

    @Test
    void recipientsComeFromToCcAndBccOnceEachAndTheSenderFromFrom() {
        HeaderAddresses a = HeaderAddresses.of(header("""
                From: Alice <alice@example.test>
                To: bob@example.test,
                 carol@example.test
                Cc: Bob <bob@EXAMPLE.test>
                Bcc: dave@example.test
                Subject: to: not@recipient.test

                To: body@not.test
                """));

        assertThat(a.sender()).contains(new Mailbox("alice", "example.test"));
        assertThat(a.recipients()).containsExactly(new Mailbox("bob", "example.test"),
                new Mailbox("carol", "example.test"), new Mailbox("dave", "example.test"));
        assertThat(a.invalid()).isEmpty();
    }

    @Test
    void resentFieldsWinOverTheOriginalOnes() {
        HeaderAddresses a = HeaderAddresses.of(header("""
                Resent-From: fwd@example.test
                Resent-To: new@example.test
                From: alice@example.test
                To: old@example.test

                x
                """));

        assertThat(a.sender()).contains(new Mailbox("fwd", "example.test"));
        assertThat(a.recipients()).containsExactly(new Mailbox("new", "example.test"));
    }

    @Test
    void rewriteDropsBccKeepsTheBodyAndAddsFieldsAtTheEndOfTheHeader() {
        HeaderSection h = header("To: a@x.test\nBcc: secret@x.test,\n  other@x.test\nSubject: s\n\nBcc: in the body\n");

        String out = new String(h.rewrite(HeaderAddresses.BLIND, "From: me@x.test\r\n"), StandardCharsets.UTF_8);

        assertThat(out).isEqualTo("To: a@x.test\r\nSubject: s\r\nFrom: me@x.test\r\n\r\nBcc: in the body\r\n");
    }

    @Test
    void aBodyWithoutTheEmptyLineGetsOneAndAMboxFromLineIsNotAField() {
        byte[] text = LineEnds.withoutMboxFromLine("From alice Mon Dec  7 10:00:00 2026\nTo: a@x.test\nhello there\n"
                .getBytes(StandardCharsets.UTF_8));
        HeaderSection h = HeaderSection.parse(LineEnds.crlf(text));

        assertThat(h.fields()).extracting(HeaderSection.Field::name).containsExactly("To");
        assertThat(new String(h.rewrite(Set.of(), ""), StandardCharsets.UTF_8))
                .isEqualTo("To: a@x.test\r\n\r\nhello there\r\n");
    }

    @Test
    void lineEndsBecomeCrlfWithOneAtTheEnd() {
        assertThat(new String(LineEnds.crlf("a\nb\r\nc\rd".getBytes(StandardCharsets.US_ASCII)), StandardCharsets.US_ASCII))
                .isEqualTo("a\r\nb\r\nc\r\nd\r\n");
        byte[] already = "a\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(LineEnds.crlf(already)).isSameAs(already);
        assertThat(List.of(LineEnds.crlf(new byte[0]).length)).containsExactly(0);
    }
}
