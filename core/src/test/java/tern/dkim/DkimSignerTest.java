package tern.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DkimSignerTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    private static SigningKey ed25519(String domain, String selector) throws Exception {
        return SigningKey.of(domain, selector, KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate());
    }

    @Test
    void theMostSpecificDomainOrItsNearestParentSigns() throws Exception {
        var parent = ed25519("example.test", "a");
        var child = ed25519("eu.example.test", "b");
        var signer = new DkimSigner(List.of(parent, child));
        assertThat(signer.keysFor("eu.example.test")).containsExactly(child);
        assertThat(signer.keysFor("x.eu.example.test")).containsExactly(child);
        assertThat(signer.keysFor("us.example.test")).containsExactly(parent);
        assertThat(signer.keysFor("example.org")).isEmpty();
    }

    @Test
    void aMessageFromAnotherDomainIsReturnedAsItIs() throws Exception {
        var signer = new DkimSigner(List.of(ed25519("example.test", "a")));
        byte[] m = "From: x@other.test\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(signer.sign(m, NOW)).isSameAs(m);
    }

    @Test
    void twoEntriesForOneDomainSignTwiceWithTheirOwnTags() throws Exception {
        var rsaGen = KeyPairGenerator.getInstance("RSA");
        rsaGen.initialize(2048);
        var signer = new DkimSigner(List.of(SigningKey.of("example.test", "rsa", rsaGen.generateKeyPair().getPrivate()),
                ed25519("example.test", "ed")));
        String signed = new String(signer.sign("From: x@example.test\r\nSubject: s\r\n\r\nhi\r\n"
                .getBytes(StandardCharsets.US_ASCII), NOW), StandardCharsets.US_ASCII);
        assertThat(signed).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.test; s=rsa;\r\n"
                + "\tt=1767323045; h=from:from:subject:subject:to;");
        assertThat(signed).contains("\r\nDKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.test; s=ed;");
        assertThat(signed).doesNotContain("l=").endsWith("\r\nFrom: x@example.test\r\nSubject: s\r\n\r\nhi\r\n");
    }

    @Test
    void shortRsaKeysAndPkcs1PemAreRefusedSayingWhy() throws Exception {
        var gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(1024);
        var small = gen.generateKeyPair().getPrivate();
        assertThatThrownBy(() -> SigningKey.of("example.test", "s", small)).hasMessageContaining("1024 bits");
        assertThatThrownBy(() -> SigningKey.fromPem("example.test", "s", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"))
                .hasMessageContaining("openssl pkcs8");
    }
}
