package tern.dkim;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import tern.config.ConfigException;
import tern.config.TernConfig;

/** Reads the {@code dkim:} entries' key files into a {@link DkimSigner}. */
public final class DkimKeyFiles {
    private DkimKeyFiles() {
    }

    /**
     * @throws ConfigException naming {@code dkim[i].privateKey} (or its domain) when a file is
     *                         missing, unreadable or not an RSA 2048+ / Ed25519 PKCS#8 PEM key
     */
    public static DkimSigner signer(List<TernConfig.Dkim> entries) {
        List<SigningKey> keys = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            TernConfig.Dkim e = entries.get(i);
            String key = "dkim[" + i + "]";
            if (e.domain() == null || e.domain().isBlank() || e.selector() == null || e.selector().isBlank()) {
                throw new ConfigException(key, e.domain() + "/" + e.selector(), "a domain and a selector");
            }
            if (e.privateKey() == null) {
                throw new ConfigException(key + ".privateKey", "null", "a PEM file of an RSA or Ed25519 private key");
            }
            String pem;
            try {
                pem = Files.readString(e.privateKey());
            } catch (IOException | RuntimeException x) {
                throw new ConfigException(key + ".privateKey", e.privateKey().toString(), "a readable PEM file");
            }
            try {
                keys.add(SigningKey.fromPem(e.domain(), e.selector(), pem));
            } catch (IllegalArgumentException x) {
                throw new ConfigException(key + ".privateKey", e.privateKey().toString(),
                        "an RSA (2048 bits or more) or Ed25519 PKCS#8 PEM key, not " + x.getMessage());
            }
        }
        return new DkimSigner(keys);
    }
}
