package tern.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import tern.auth.Sasl.Reason;
import tern.auth.Sasl.Step;
import tern.smtp.Replies;

class SaslTest {
    private final Sasl sasl = new Sasl();

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertCredentials(Step step, String user, String password) {
        assertThat(step).isInstanceOf(Step.Credentials.class);
        Step.Credentials c = (Step.Credentials) step;
        assertThat(c.user()).isEqualTo(user);
        assertThat(new String(c.password())).isEqualTo(password);
        assertThat(c.toString()).doesNotContain(password);
    }

    private static void assertRefused(Step step, Reason reason, int code, String status) {
        assertThat(step).isInstanceOf(Step.Refused.class);
        Step.Refused r = (Step.Refused) step;
        assertThat(r.reason()).isEqualTo(reason);
        assertThat(r.reply().code()).isEqualTo(code);
        assertThat(r.reply().status()).isEqualTo(status);
    }

    @Test
    void plainWithAnInitialResponseYieldsTheCredentialsAtOnce() {
        assertCredentials(sasl.start("PLAIN", b64("\0alice@example.test\0pw d")), "alice@example.test", "pw d");
        assertThat(sasl.inProgress()).isFalse();
    }

    @Test
    void plainWithoutAnInitialResponseSendsAnEmptyChallengeFirst() {
        Step step = sasl.start("plain", null);
        assertThat(step).isEqualTo(new Step.Challenge(Sasl.EMPTY_CHALLENGE));
        assertThat(((Step.Challenge) step).reply().wire()).isEqualTo("334 \r\n");
        assertThat(sasl.inProgress()).isTrue();
        assertCredentials(sasl.respond(b64("\0alice@example.test\0pw")), "alice@example.test", "pw");
        assertThat(sasl.inProgress()).isFalse();
    }

    @Test
    void plainAcceptsAnAuthzidEqualToTheAuthcid() {
        assertCredentials(sasl.start("PLAIN", b64("bob@example.test\0bob@example.test\0pw")), "bob@example.test", "pw");
    }

    @Test
    void plainRefusesToActForAnotherIdentity() {
        assertRefused(sasl.start("PLAIN", b64("admin@example.test\0bob@example.test\0pw")),
                Reason.FAILED, 535, "5.7.8");
    }

    @Test
    void plainNeedsExactlyTwoSeparatorsAndNonEmptyAuthcidAndPassword() {
        for (String bad : new String[] {"alice\0pw", "\0\0pw", "\0alice\0", "\0alice\0pw\0x", "", "nothing"}) {
            assertRefused(sasl.start("PLAIN", b64(bad)), Reason.FAILED, 535, "5.7.8");
        }
        assertRefused(sasl.start("PLAIN", "="), Reason.FAILED, 535, "5.7.8");
    }

    @Test
    void plainPasswordsMayBeUtf8() {
        assertCredentials(sasl.start("PLAIN", b64("\0jörg@example.test\0pässwörd")), "jörg@example.test", "pässwörd");
    }

    @Test
    void aResponseThatIsNotBase64Is501With552() {
        assertRefused(sasl.start("PLAIN", "not base64!"), Reason.BAD_BASE64, 501, "5.5.2");
        sasl.start("PLAIN", null);
        assertRefused(sasl.respond("AGFsaWNl AHB3"), Reason.BAD_BASE64, 501, "5.5.2");
        assertThat(sasl.inProgress()).isFalse();
    }

    @Test
    void bytesThatAreNotUtf8AreABadResponse() {
        String invalid = Base64.getEncoder().encodeToString(new byte[] {0, 'a', 0, (byte) 0xC3, 0x28});
        assertRefused(sasl.start("PLAIN", invalid), Reason.BAD_BASE64, 501, "5.5.2");
    }

    @Test
    void aStarCancelsTheExchangeWith501And500() {
        sasl.start("PLAIN", null);
        Step step = sasl.respond("*");
        assertRefused(step, Reason.CANCELLED, 501, "5.0.0");
        assertThat(((Step.Refused) step).reply()).isEqualTo(Replies.AUTH_CANCELLED);
        assertThat(sasl.inProgress()).isFalse();

        sasl.start("LOGIN", null);
        sasl.respond(b64("alice"));
        assertRefused(sasl.respond("*"), Reason.CANCELLED, 501, "5.0.0");
        assertThat(sasl.inProgress()).isFalse();
    }

    @Test
    void loginAsksForUsernameThenPassword() {
        Step first = sasl.start("LOGIN", null);
        assertThat(((Step.Challenge) first).reply().wire()).isEqualTo("334 VXNlcm5hbWU6\r\n");
        Step second = sasl.respond(b64("alice@example.test"));
        assertThat(((Step.Challenge) second).reply().wire()).isEqualTo("334 UGFzc3dvcmQ6\r\n");
        assertCredentials(sasl.respond(b64("pw")), "alice@example.test", "pw");
        assertThat(sasl.inProgress()).isFalse();
    }

    @Test
    void loginTakesTheUsernameAsAnInitialResponse() {
        Step first = sasl.start("LOGIN", b64("alice@example.test"));
        assertThat(first).isEqualTo(new Step.Challenge(Sasl.PASSWORD_PROMPT));
        assertCredentials(sasl.respond(b64("pw")), "alice@example.test", "pw");
    }

    @Test
    void loginRefusesAnEmptyUsernameOrPassword() {
        sasl.start("LOGIN", null);
        assertRefused(sasl.respond(""), Reason.FAILED, 535, "5.7.8");
        sasl.start("LOGIN", b64("alice"));
        assertRefused(sasl.respond("="), Reason.FAILED, 535, "5.7.8");
        sasl.start("LOGIN", null);
        sasl.respond(b64("alice"));
        assertRefused(sasl.respond("%%%"), Reason.BAD_BASE64, 501, "5.5.2");
    }

    @Test
    void anUnknownMechanismIs504() {
        assertRefused(sasl.start("CRAM-MD5", null), Reason.UNKNOWN_MECHANISM, 504, "5.5.4");
        assertThat(sasl.inProgress()).isFalse();
    }

    @Test
    void aNewStartAbandonsTheExchangeInProgress() {
        sasl.start("LOGIN", null);
        sasl.respond(b64("alice"));
        assertThat(sasl.start("PLAIN", null)).isInstanceOf(Step.Challenge.class);
        assertCredentials(sasl.respond(b64("\0bob\0pw")), "bob", "pw");
    }

    @Test
    void respondingWithNoExchangeIsABugInTheCaller() {
        assertThatThrownBy(() -> sasl.respond("x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void erasingCredentialsOverwritesThePassword() {
        Step.Credentials c = (Step.Credentials) sasl.start("PLAIN", b64("\0a\0pw"));
        c.erase();
        assertThat(c.password()).containsOnly('\0');
    }
}
