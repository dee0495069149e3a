package tern.submission;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tern.address.Mailbox;
import tern.address.ReversePath;

class PickupFileTest {

    private static final PickupFile.Limits LIMITS = new PickupFile.Limits(10_000, 3);

    private static PickupFile parse(String text) {
        return PickupFile.parse(text.getBytes(StandardCharsets.UTF_8), LIMITS);
    }

    @Test
    void leadingXSenderAndXReceiverLinesAreTheEnvelopeAndAreRemoved() {
        PickupFile.Ready r = (PickupFile.Ready) parse("""
                x-sender: app@example.test
                x-receiver: <one@example.test>
                X-Receiver: two@example.test
                From: someone@else.test
                To: header-only@example.test
                Subject: s

                body
                """);

        assertThat(r.sender()).isEqualTo(ReversePath.of(new Mailbox("app", "example.test")));
        assertThat(r.recipients()).containsExactly(new Mailbox("one", "example.test"), new Mailbox("two", "example.test"));
        assertThat(new String(r.message(), StandardCharsets.UTF_8)).isEqualTo(
                "From: someone@else.test\r\nTo: header-only@example.test\r\nSubject: s\r\n\r\nbody\r\n");
    }

    @Test
    void withoutEnvelopeLinesTheHeaderGivesItAndBccIsRemoved() {
        PickupFile.Ready r = (PickupFile.Ready) parse("""
                From: Ann <ann@example.test>
                To: to@example.test
                Cc: cc@example.test
                Bcc: bcc@example.test
                Subject: s

                body
                """);

        assertThat(r.sender()).isEqualTo(ReversePath.of(new Mailbox("ann", "example.test")));
        assertThat(r.recipients()).extracting(Mailbox::localPart).containsExactly("to", "cc", "bcc");
        assertThat(new String(r.message(), StandardCharsets.UTF_8)).doesNotContain("Bcc").doesNotContain("bcc@");
    }

    @Test
    void xReceiverLinesBelowOtherFieldsAreNotTheEnvelope() {
        PickupFile.Ready r = (PickupFile.Ready) parse("""
                From: ann@example.test
                x-receiver: sneaky@example.test
                To: to@example.test

                body
                """);

        assertThat(r.recipients()).containsExactly(new Mailbox("to", "example.test"));
        assertThat(new String(r.message(), StandardCharsets.UTF_8)).doesNotContain("sneaky");
    }

    @Test
    void filesWithoutAUsableEnvelopeSayWhy() {
        assertThat(parse("Subject: nobody\n\nbody\n"))
                .isEqualTo(new PickupFile.Unusable("no recipients: no x-receiver line and no address in To, Cc or Bcc"));
        assertThat(parse("To: a@example.test\n\nbody\n"))
                .isEqualTo(new PickupFile.Unusable("no sender: no x-sender line and no address in From"));
        assertThat(parse("x-sender: a@example.test\nx-sender: b@example.test\nx-receiver: c@example.test\n\nx\n"))
                .isEqualTo(new PickupFile.Unusable("more than one x-sender line"));
        assertThat(parse("x-sender: a@example.test\nx-receiver: not an address\n\nx\n"))
                .isEqualTo(new PickupFile.Unusable("x-receiver is not an address: not an address"));
        assertThat(parse("From: a@example.test\nTo: nobody\n\nx\n"))
                .isEqualTo(new PickupFile.Unusable("not an address in To, Cc or Bcc: nobody"));
        assertThat(parse("")).isEqualTo(new PickupFile.Unusable("the file is empty"));
        assertThat(parse("x".repeat(10_001))).isInstanceOf(PickupFile.Unusable.class)
                .extracting(u -> ((PickupFile.Unusable) u).reason()).asString().startsWith("larger than server.maxMessageSize");
        assertThat(parse("x-sender: a@x.test\nx-receiver: b@x.test\nReceived: 1\nReceived: 2\nReceived: 3\nReceived: 4\n\nx\n"))
                .isEqualTo(new PickupFile.Unusable("too many Received fields (4, delivery.maxHopCount is 3): a mail loop"));
    }

    @Test
    void theNullSenderAndInternationalAddresses() {
        PickupFile.Ready r = (PickupFile.Ready) parse("x-sender: <>\nx-receiver: jürgen@example.test\n\nx\n");

        assertThat(r.sender().isNull()).isTrue();
        assertThat(r.smtpUtf8()).isTrue();
    }
}
