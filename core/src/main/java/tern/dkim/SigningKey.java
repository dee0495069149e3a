package tern.dkim;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

/**
 * One {@code dkim:} entry: the signing domain ({@code d=}), the selector ({@code s=}) and
 * the private key, whose type decides the algorithm: RSA (2048 bits or more) signs
 * rsa-sha256, Ed25519 signs ed25519-sha256 (RFC 8463).
 */
public record SigningKey(String domain, String selector, PrivateKey key, Algorithm algorithm) {

    /** The two algorithms receivers verify today; rsa-sha1 is not offered (RFC 8301). */
    public enum Algorithm {
        RSA_SHA256("rsa-sha256", "rsa"), ED25519_SHA256("ed25519-sha256", "ed25519");

        private final String tag;
        private final String keyType;

        Algorithm(String tag, String keyType) {
            this.tag = tag;
            this.keyType = keyType;
        }

        /** The {@code a=} value. */
        public String tag() {
            return tag;
        }

        /** The {@code k=} value of the DNS record. */
        public String keyType() {
            return keyType;
        }
    }

    /** RFC 8301 3.2: signers MUST use RSA keys of at least 1024 bits; 2048 is today's floor. */
    public static final int MIN_RSA_BITS = 2048;

    public SigningKey {
        Objects.requireNonNull(key, "key");
        domain = tern.address.DomainName.toAscii(domain.strip());
        selector = selector.strip().toLowerCase(Locale.ROOT);
    }

    /**
     * A key from the text of a PEM file ({@code -----BEGIN PRIVATE KEY-----}, PKCS#8, as
     * {@code openssl genpkey} and {@code tern dkim keygen} write it).
     *
     * @throws IllegalArgumentException saying what is wrong: not PKCS#8 PEM, neither RSA nor
     *                                  Ed25519, an RSA key shorter than 2048 bits
     */
    public static SigningKey fromPem(String domain, String selector, String pem) {
        if (pem.contains("BEGIN RSA PRIVATE KEY")) {
            throw new IllegalArgumentException("a PKCS#1 RSA key; convert it with "
                    + "\"openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8\"");
        }
        if (pem.contains("ENCRYPTED PRIVATE KEY")) {
            throw new IllegalArgumentException("an encrypted key; Tern reads unencrypted PKCS#8 keys only");
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("no \"-----BEGIN PRIVATE KEY-----\" block (PKCS#8 PEM)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end).getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the PEM block is not valid base64");
        }
        return of(domain, selector, der);
    }

    /** A key from its PKCS#8 DER encoding. */
    public static SigningKey of(String domain, String selector, byte[] pkcs8) {
        PrivateKey key = null;
        for (String type : new String[] {"RSA", "Ed25519"}) {
            try {
                key = KeyFactory.getInstance(type).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                break;
            } catch (GeneralSecurityException e) {
                // try the next type
            }
        }
        if (key == null) {
            throw new IllegalArgumentException("neither an RSA nor an Ed25519 private key");
        }
        return of(domain, selector, key);
    }

    public static SigningKey of(String domain, String selector, PrivateKey key) {
        Algorithm algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> Algorithm.RSA_SHA256;
            case "Ed25519", "EdDSA" -> Algorithm.ED25519_SHA256;
            default -> throw new IllegalArgumentException("a " + key.getAlgorithm() + " key; DKIM signs with RSA or Ed25519");
        };
        if (key instanceof java.security.interfaces.RSAKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new IllegalArgumentException("an RSA key of " + rsa.getModulus().bitLength()
                    + " bits; DKIM keys need " + MIN_RSA_BITS + " bits or more");
        }
        return new SigningKey(domain, selector, key, algorithm);
    }

    /**
     * The TXT record to publish at {@code selector._domainkey.domain} for {@code publicKey}:
     * {@code v=DKIM1; k=rsa; p=<SubjectPublicKeyInfo>} or, for Ed25519, the raw 32-octet key
     * (RFC 8463 4.2).
     */
    public static String txtRecord(PublicKey publicKey) {
        byte[] encoded = publicKey.getEncoded();
        String type;
        byte[] p;
        switch (publicKey.getAlgorithm()) {
            case "RSA" -> {
                type = "rsa";
                p = encoded;
            }
            case "Ed25519", "EdDSA" -> {
                type = "ed25519";
                p = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length); // the SPKI's last 32 octets
            }
            default -> throw new IllegalArgumentException("a " + publicKey.getAlgorithm() + " key");
        }
        return "v=DKIM1; k=" + type + "; p=" + Base64.getEncoder().encodeToString(p);
    }

    /** Where the TXT record goes. */
    public String recordName() {
        return selector + "._domainkey." + domain;
    }

    @Override
    public String toString() {
        return domain + "/" + selector + " (" + algorithm.tag() + ")";
    }
}
