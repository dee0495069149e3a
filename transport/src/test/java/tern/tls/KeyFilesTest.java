package tern.tls;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.config.ConfigException;
import tern.config.TernConfig;
import tern.dkim.DkimKeyFiles;

/** A bad trust anchor or DKIM key file stops start-up naming its key. */
class KeyFilesTest {
    @TempDir
    Path dir;

    @Test
    void aTrustAnchorsFileWithoutCertificatesNamesDeliveryTrustAnchors() throws Exception {
        Path bad = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
        TernConfig d = TernConfig.defaults("mx.tern.test");
        var delivery = d.delivery();
        TernConfig config = new TernConfig(d.server(), d.domains(), d.relay(), new TernConfig.Delivery(delivery.retry(),
                delivery.delayNotification(), delivery.expirationTimeout(), delivery.local(), delivery.maxHopCount(),
                null, null, false, null, 25, delivery.connections(), delivery.tls(), delivery.smartHostAuth(), null, bad, true, true),
                List.of(), d.dns(), d.journal(), d.admin());
        assertThatThrownBy(() -> TlsPolicy.from(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("delivery.trustAnchors");
    }

    @Test
    void aDkimKeyThatIsNoKeyNamesItsEntry() throws Exception {
        Path bad = Files.writeString(dir.resolve("k.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> DkimKeyFiles.signer(List.of(new TernConfig.Dkim("example.test", "s1", bad))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dkim[0].privateKey")
                .hasMessageContaining("openssl pkcs8");
        assertThatThrownBy(() -> DkimKeyFiles.signer(List.of(new TernConfig.Dkim("example.test", "s1", dir.resolve("none")))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dkim[0].privateKey");
    }
}
