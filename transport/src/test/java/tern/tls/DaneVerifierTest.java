package tern.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tern.dns.Tlsa;
import tern.testing.TestCertificateAuthority;

class DaneVerifierTest {
    private static TestCertificateAuthority ca;
    private static TestCertificateAuthority.Issued leaf;

    @BeforeAll
    static void certificates() {
        ca = TestCertificateAuthority.create("Tern TLSA Test CA");
        leaf = ca.issue("mx.secure.test");
    }

    private static byte[] digest(String algorithm, byte[] data) throws Exception {
        return MessageDigest.getInstance(algorithm).digest(data);
    }

    @Test
    void everySelectorAndMatchingTypeOfTheRfc() throws Exception {
        X509Certificate c = leaf.certificate();
        byte[] cert = c.getEncoded();
        byte[] spki = c.getPublicKey().getEncoded();
        assertThat(DaneVerifier.matches(c, new Tlsa(3, 0, 0, cert))).isTrue();
        assertThat(DaneVerifier.matches(c, new Tlsa(3, 0, 1, digest("SHA-256", cert)))).isTrue();
        assertThat(DaneVerifier.matches(c, new Tlsa(3, 0, 2, digest("SHA-512", cert)))).isTrue();
        assertThat(DaneVerifier.matches(c, new Tlsa(3, 1, 0, spki))).isTrue();
        assertThat(DaneVerifier.matches(c, new Tlsa(3, 1, 1, digest("SHA-256", spki)))).isTrue();
        assertThat(DaneVerifier.matches(c, new Tlsa(3, 1, 2, digest("SHA-512", spki)))).isTrue();
        assertThat(DaneVerifier.matches(c, new Tlsa(3, 1, 1, digest("SHA-256", cert)))).isFalse();
    }

    @Test
    void onlyDaneTaAndDaneEeWithKnownParametersAreUsableForSmtp() {
        assertThat(new Tlsa(0, 0, 1, new byte[32]).usable()).isFalse(); // PKIX-TA
        assertThat(new Tlsa(1, 0, 1, new byte[32]).usable()).isFalse(); // PKIX-EE
        assertThat(new Tlsa(2, 0, 1, new byte[32]).usable()).isTrue();
        assertThat(new Tlsa(3, 1, 2, new byte[64]).usable()).isTrue();
        assertThat(new Tlsa(3, 2, 1, new byte[32]).usable()).isFalse();
        assertThat(new Tlsa(3, 1, 3, new byte[32]).usable()).isFalse();
    }

    @Test
    void daneEeIgnoresTheNameAndTheIssuerDaneTaNeedsBoth() throws Exception {
        X509Certificate[] chain = leaf.chain().toArray(new X509Certificate[0]);
        byte[] spki = digest("SHA-256", leaf.certificate().getPublicKey().getEncoded());
        new DaneVerifier("any.other.name", List.of(new Tlsa(3, 1, 1, spki))).verify(chain);
        new DaneVerifier("mx.secure.test", List.of(new Tlsa(2, 0, 1, digest("SHA-256", ca.certificate().getEncoded()))))
                .verify(chain);
        assertThatThrownBy(() -> new DaneVerifier("other.secure.test",
                List.of(new Tlsa(2, 0, 1, digest("SHA-256", ca.certificate().getEncoded())))).verify(chain))
                .isInstanceOf(CertificateNotVerified.class).hasMessageContaining("does not name it");
        // a DANE-TA record naming the server's own certificate is no trust anchor above it
        assertThatThrownBy(() -> new DaneVerifier("mx.secure.test",
                List.of(new Tlsa(2, 0, 1, digest("SHA-256", leaf.certificate().getEncoded())))).verify(chain))
                .isInstanceOf(CertificateNotVerified.class);
        // a chain that omits the trust anchor cannot be checked against it
        assertThatThrownBy(() -> new DaneVerifier("mx.secure.test",
                List.of(new Tlsa(2, 0, 1, digest("SHA-256", ca.certificate().getEncoded()))))
                .verify(new X509Certificate[] {leaf.certificate()}))
                .isInstanceOf(CertificateNotVerified.class);
    }
}
