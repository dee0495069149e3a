package tern.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for {@code CN=localhost}, made once per test JVM with the
 * JDK's keytool (a second or so), for STARTTLS tests.
 */
public final class SelfSignedCertificate {
    private static final char[] PASSWORD = "changeit".toCharArray();

    private SelfSignedCertificate() {
    }

    /** A server-side context presenting the certificate. */
    public static SSLContext serverContext() {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore(), PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client-side context that trusts exactly this certificate (and verifies it). */
    public static SSLContext trustingClientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            Certificate cert = keyStore().getCertificate("tern");
            trust.setCertificateEntry("tern", cert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The certificate itself, e.g. as a trust anchor. */
    public static java.security.cert.X509Certificate certificate() {
        try {
            return (java.security.cert.X509Certificate) keyStore().getCertificate("tern");
        } catch (java.security.KeyStoreException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyStore keyStore() {
        return Holder.KEY_STORE;
    }

    /** The certificate and its key as PEM files, as {@code server.tls} takes them. */
    public record Pem(Path certificate, Path privateKey) {
    }

    /** The same certificate written once per JVM as PEM files (certificate; PKCS#8 key). */
    public static Pem pem() {
        return PemHolder.PEM;
    }

    private static final class PemHolder {
        static final Pem PEM = writePem();
    }

    private static Pem writePem() {
        try {
            Path dir = Files.createTempDirectory("tern-pem");
            dir.toFile().deleteOnExit();
            Path cert = dir.resolve("cert.pem");
            Path key = dir.resolve("key.pem");
            java.util.Base64.Encoder mime = java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n"
                    + mime.encodeToString(keyStore().getCertificate("tern").getEncoded()) + "\n-----END CERTIFICATE-----\n");
            Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                    + mime.encodeToString(keyStore().getKey("tern", PASSWORD).getEncoded()) + "\n-----END PRIVATE KEY-----\n");
            cert.toFile().deleteOnExit();
            key.toFile().deleteOnExit();
            return new Pem(cert, key);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lazy, once per JVM, without a lock held around the keytool run. */
    private static final class Holder {
        static final KeyStore KEY_STORE = generate();
    }

    private static KeyStore generate() {
        try {
            Path dir = Files.createTempDirectory("tern-cert");
            Path file = dir.resolve("cert.p12");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "tern", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                    "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(),
                    "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                    .redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed");
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                ks.load(in, PASSWORD);
            }
            Files.delete(file);
            Files.delete(dir);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
