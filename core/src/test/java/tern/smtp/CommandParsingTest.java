package tern.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tern.envelope.Body;
import tern.envelope.Notify;
import tern.envelope.Recipient;
import tern.envelope.Ret;

class CommandParsingTest {

    @Test
    void recognisesVerbsInAnyCase() {
        assertThat(Command.parse("mail FROM:<a@b.c>")).isEqualTo(new Command(Verb.MAIL, "FROM:<a@b.c>"));
        assertThat(Command.parse("QUIT")).isEqualTo(new Command(Verb.QUIT, ""));
        assertThat(Command.parse("ehlo  host.example  ")).isEqualTo(new Command(Verb.EHLO, "host.example"));
        assertThat(Command.parse("MAILX").verb()).isNull();
        assertThat(Command.parse("starttls")).isEqualTo(new Command(Verb.STARTTLS, ""));
        assertThat(Command.parse("STARTTLS x")).isEqualTo(new Command(Verb.STARTTLS, "x"));
        assertThat(Command.parse("STARTTLSX").verb()).isNull();
        assertThat(Command.parse("AUTH PLAIN").verb()).isEqualTo(Verb.AUTH);
        assertThat(Command.parse("").verb()).isNull();
    }

    @Test
    void sequencingTableRefusesOutOfTurnCommands() {
        assertThat(Verb.MAIL.refusalIn(SmtpPhase.AWAITING_HELO)).isEqualTo(Replies.HELO_FIRST);
        assertThat(Verb.MAIL.refusalIn(SmtpPhase.READY)).isNull();
        assertThat(Verb.MAIL.refusalIn(SmtpPhase.RCPT_GIVEN)).isEqualTo(Replies.NESTED_MAIL);
        assertThat(Verb.DATA.refusalIn(SmtpPhase.MAIL_GIVEN)).isEqualTo(Replies.NO_VALID_RECIPIENTS);
        assertThat(Verb.DATA.refusalIn(SmtpPhase.CHUNKING)).isEqualTo(Replies.DATA_AFTER_BDAT);
        assertThat(Verb.BDAT.refusalIn(SmtpPhase.CHUNKING)).isNull();
        assertThat(Verb.RCPT.refusalIn(SmtpPhase.READY).code()).isEqualTo(503);
    }

    @Test
    void readsEveryMailParameter() throws Exception {
        MailFrom m = MailFrom.parse("FROM:<a@b.example> size=1000 BODY=8bitmime SMTPUTF8 RET=FULL ENVID=x+2By");
        assertThat(m.declaredSize()).isEqualTo(1000);
        assertThat(m.body()).isEqualTo(Body.EIGHT_BIT_MIME);
        assertThat(m.smtpUtf8()).isTrue();
        assertThat(m.ret()).isEqualTo(Ret.FULL);
        assertThat(m.envId()).isEqualTo("x+y");
        assertThat(MailFrom.parse("FROM: <>").reversePath().isNull()).isTrue();
        assertThat(MailFrom.parse("FROM:<a@b.example>").body()).isEqualTo(Body.SEVEN_BIT);
        // RFC 4954 5: AUTH= is accepted and, as no other server's word is trusted, ignored.
        assertThat(MailFrom.parse("FROM:<a@b.example> AUTH=<>").reversePath().toString()).isEqualTo("a@b.example");
    }

    @Test
    void refusesAParameterValueLongerThanAnyParameterHas() {
        assertThatThrownBy(() -> MailFrom.parse("FROM:<a@b.example> ENVID=" + "x".repeat(501)))
                .isInstanceOfSatisfying(SmtpRejection.class, e -> assertThat(e.reply().status()).isEqualTo("5.5.4"))
                .hasMessageContaining("too long");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "FROM:<a@b.example> SIZE=abc|501|5.5.4",
            "FROM:<a@b.example> SIZE=1 SIZE=2|501|5.5.4",
            "FROM:<a@b.example> BODY=9BIT|501|5.5.4",
            "FROM:<a@b.example> RET=ALL|501|5.5.4",
            "FROM:<a@b.example> ENVID=a+zz|501|5.5.4",
            "FROM:<a@b.example> SMTPUTF8=yes|501|5.5.4",
            "FROM:<a@b.example> AUTH=a=b|501|5.5.4",
            "FROM:<a@b.example> AUTH=<> AUTH=<>|501|5.5.4",
            "FROM:<a@b.example> ENVID=\"abc|501|5.5.4",
            "FROM:<a@b.example> FROB=\"a\"b\"|501|5.5.4",
            "FROM:<a@b.example>SIZE=1|501|5.5.4",
            "FROM:a@b.example|501|5.1.7",
            "TO:<a@b.example>|501|5.5.4",
            "FROM:<jörg@b.example>|553|5.6.7"})
    void refusesBadMailArguments(String argument, int code, String status) {
        assertThatThrownBy(() -> MailFrom.parse(argument)).isInstanceOfSatisfying(SmtpRejection.class, e -> {
            assertThat(e.reply().code()).isEqualTo(code);
            assertThat(e.reply().status()).isEqualTo(status);
        });
    }

    @Test
    void readsNotifyAndOrcpt() throws Exception {
        Recipient r = RcptTo.parse("TO:<a@b.example> NOTIFY=success,DELAY ORCPT=rfc822;a+40b.example", false, "x");
        assertThat(r.notifyOn()).isEqualTo(Set.of(Notify.SUCCESS, Notify.DELAY));
        assertThat(r.orcpt()).isEqualTo("rfc822;a+40b.example");
        assertThat(RcptTo.parse("TO:<a@b.example> NOTIFY=NEVER", false, "x").notifyOn()).containsExactly(Notify.NEVER);
        assertThat(RcptTo.parse("TO:<POSTMASTER>", false, "mx.example").address().toString())
                .isEqualTo("postmaster@mx.example");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "TO:<a@b.example> NOTIFY=NEVER,DELAY|501|5.5.4",
            "TO:<a@b.example> NOTIFY=SOMETIMES|501|5.5.4",
            "TO:<a@b.example> NOTIFY=DELAY,DELAY|501|5.5.4",
            "TO:<a@b.example> ORCPT=rfc822|501|5.5.4",
            "TO:<a@b.example> ORCPT=rfc822;a+4|501|5.5.4",
            "TO:<a@b.example> SIZE=1|555|5.5.4",
            "TO:<>|501|5.1.3",
            "TO:<a@@b>|501|5.1.3",
            "TO:<jörg@b.example>|553|5.6.7"})
    void refusesBadRcptArguments(String argument, int code, String status) {
        assertThatThrownBy(() -> RcptTo.parse(argument, false, "x")).isInstanceOfSatisfying(SmtpRejection.class, e -> {
            assertThat(e.reply().code()).isEqualTo(code);
            assertThat(e.reply().status()).isEqualTo(status);
        });
    }

    @Test
    void xtextRoundTrips() {
        assertThat(Xtext.decode("a+2Bb+3Dc")).isEqualTo("a+b=c");
        assertThat(Xtext.encode("a+b=c d")).isEqualTo("a+2Bb+3Dc+20d");
        assertThat(Xtext.decode("a+2b")).isNull(); // lower-case hex is not xtext
        assertThat(Xtext.decode("a=b")).isNull();
    }
}
