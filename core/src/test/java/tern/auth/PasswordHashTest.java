package tern.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class PasswordHashTest {
    private final PasswordHash hasher = new PasswordHash(1_000);

    @Test
    void aPasswordVerifiesAgainstItsOwnHash() {
        String encoded = hasher.hash("correct horse".toCharArray());
        assertThat(hasher.verify("correct horse".toCharArray(), encoded)).isTrue();
    }

    @Test
    void aWrongPasswordDoesNotVerify() {
        String encoded = hasher.hash("correct horse".toCharArray());
        assertThat(hasher.verify("correct horsf".toCharArray(), encoded)).isFalse();
        assertThat(hasher.verify("".toCharArray(), encoded)).isFalse();
    }

    @Test
    void theEncodingNamesSchemeIterationsSaltAndHash() {
        String encoded = hasher.hash("secret".toCharArray());
        String[] parts = encoded.split("\\$");
        assertThat(parts).hasSize(4);
        assertThat(parts[0]).isEqualTo("pbkdf2-sha256");
        assertThat(parts[1]).isEqualTo("1000");
        assertThat(Base64.getDecoder().decode(parts[2])).hasSize(16);
        assertThat(Base64.getDecoder().decode(parts[3])).hasSize(32);
        assertThat(encoded).doesNotContain("secret");
    }

    @Test
    void eachHashHasItsOwnSalt() {
        assertThat(hasher.hash("same".toCharArray())).isNotEqualTo(hasher.hash("same".toCharArray()));
    }

    @Test
    void theIterationCountIsReadFromTheHashNotTheHasher() {
        String encoded = new PasswordHash(2_000).hash("secret".toCharArray());
        assertThat(hasher.verify("secret".toCharArray(), encoded)).isTrue();
    }

    @Test
    void nonAsciiPasswordsRoundTrip() {
        String encoded = hasher.hash("pässwörd✓".toCharArray());
        assertThat(hasher.verify("pässwörd✓".toCharArray(), encoded)).isTrue();
        assertThat(hasher.verify("passwword".toCharArray(), encoded)).isFalse();
    }

    @Test
    void aTamperedHashDoesNotVerify() {
        String encoded = hasher.hash("secret".toCharArray());
        String[] p = encoded.split("\\$");
        byte[] hash = Base64.getDecoder().decode(p[3]);
        hash[0] ^= 1;
        String flipped = p[0] + "$" + p[1] + "$" + p[2] + "$" + Base64.getEncoder().withoutPadding().encodeToString(hash);
        String fewerRounds = p[0] + "$999$" + p[2] + "$" + p[3];
        byte[] salt = Base64.getDecoder().decode(p[2]);
        salt[5] ^= 0x40;
        String otherSalt = p[0] + "$" + p[1] + "$" + Base64.getEncoder().encodeToString(salt) + "$" + p[3];
        for (String t : new String[] {flipped, fewerRounds, otherSalt}) {
            assertThat(hasher.verify("secret".toCharArray(), t)).as(t).isFalse();
        }
    }

    @Test
    void aMalformedHashIsFalseNotAnExceptionAndStillCostsADerivation() {
        for (String bad : new String[] {"", "plain", "pbkdf2-sha256$x$AA$AA", "md5$1000$AAAA$AAAA",
                "pbkdf2-sha256$0$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                "pbkdf2-sha256$1000$!!$AAAA", "pbkdf2-sha256$99999999$AAAAAAAAAAAAAAAAAAAAAA$AAAA"}) {
            long before = hasher.derivations();
            assertThat(hasher.verify("secret".toCharArray(), bad)).as(bad).isFalse();
            assertThat(hasher.derivations()).as(bad).isEqualTo(before + 1);
            assertThat(PasswordHash.isWellFormed(bad)).as(bad).isFalse();
        }
    }

    @Test
    void anEmptyPasswordIsNeverHashed() {
        assertThatThrownBy(() -> hasher.hash(new char[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDefaultFollowsOwaspForHmacSha256() {
        assertThat(new PasswordHash().iterations()).isEqualTo(600_000);
    }
}
