package tern.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A certificate authority made in the test with {@code openssl} (fast to start, unlike a
 * keytool JVM per certificate): its certificate as a PEM file (for
 * {@code delivery.trustAnchors}), server certificates it issues for the names a test
 * wants, and self-signed ones that no anchor vouches for. P-256 keys, two days valid.
 *
 * <pre>{@code
 * TestCertificateAuthority ca = TestCertificateAuthority.create("Tern Test CA");
 * SSLContext server = ca.issue("smarthost.test").serverContext();
 * Path anchors = ca.pem();
 * }</pre>
 */
public final class TestCertificateAuthority {
    public static final Path OPENSSL = Path.of("/usr/bin/openssl");
    private static final char[] PASSWORD = "changeit".toCharArray();

    private final Path dir;
    private final Path pem;
    private final Path key;
    private final X509Certificate certificate;
    private int issued;

    private TestCertificateAuthority(Path dir, Path pem, Path key, X509Certificate certificate) {
        this.dir = dir;
        this.pem = pem;
        this.key = key;
        this.certificate = certificate;
    }

    /** A server certificate with its key, as a server context and as PEM files. */
    public record Issued(X509Certificate certificate, List<X509Certificate> chain, PrivateKey key,
                         Path certificatePem, Path privateKeyPem) {
        public SSLContext serverContext() {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("server", key, PASSWORD, chain.toArray(new Certificate[0]));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, PASSWORD);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(kmf.getKeyManagers(), null, null);
                return context;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public static TestCertificateAuthority create(String name) {
        try {
            Path dir = Files.createTempDirectory("tern-ca");
            Path pem = dir.resolve("ca.pem");
            Path key = dir.resolve("ca.key");
            openssl(dir, "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key.toString(), "-out", pem.toString(), "-subj", "/CN=" + name, "-days", "2",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            return new TestCertificateAuthority(dir, pem, key, read(pem).getFirst());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CA's certificate as a PEM file: what {@code delivery.trustAnchors} takes. */
    public Path pem() {
        return pem;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** A server certificate signed by this CA, whose subjectAltNames are {@code names} (host names or IP addresses). */
    public synchronized Issued issue(String... names) {
        String alias = "leaf" + (++issued);
        Path cert = dir.resolve(alias + ".pem");
        Path leafKey = dir.resolve(alias + ".key");
        try {
            openssl(dir, "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", leafKey.toString(), "-out", cert.toString(), "-subj", "/CN=" + names[0], "-days", "2",
                    "-CA", pem.toString(), "-CAkey", key.toString(),
                    "-addext", "subjectAltName=" + san(names), "-addext", "extendedKeyUsage=serverAuth",
                    "-addext", "basicConstraints=critical,CA:FALSE", "-addext", "keyUsage=critical,digitalSignature");
            return issued(alias, leafKey, List.of(read(cert).getFirst(), certificate));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed server certificate for {@code names}: no trust anchor vouches for it. */
    public synchronized Issued selfSigned(String... names) {
        String alias = "self" + (++issued);
        Path cert = dir.resolve(alias + ".pem");
        Path selfKey = dir.resolve(alias + ".key");
        try {
            openssl(dir, "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", selfKey.toString(), "-out", cert.toString(), "-subj", "/CN=" + names[0], "-days", "2",
                    "-addext", "subjectAltName=" + san(names));
            return issued(alias, selfKey, List.of(read(cert).getFirst()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Issued issued(String alias, Path keyPem, List<X509Certificate> chain) throws IOException, GeneralSecurityException {
        String text = Files.readString(keyPem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey privateKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(text)));
        Base64.Encoder mime = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        StringBuilder certs = new StringBuilder();
        for (X509Certificate c : chain) {
            certs.append("-----BEGIN CERTIFICATE-----\n").append(mime.encodeToString(c.getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        Path chainPem = dir.resolve(alias + "-chain.pem");
        Files.writeString(chainPem, certs);
        return new Issued(chain.getFirst(), chain, privateKey, chainPem, keyPem);
    }

    private static String san(String... names) {
        List<String> parts = new ArrayList<>();
        for (String n : names) {
            boolean ip = n.indexOf(':') >= 0 || n.chars().allMatch(c -> c == '.' || Character.isDigit(c));
            parts.add((ip ? "IP:" : "DNS:") + n);
        }
        return String.join(",", parts);
    }

    private static List<X509Certificate> read(Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static void openssl(Path dir, String... args) throws IOException {
        if (!Files.isExecutable(OPENSSL)) {
            throw new IOException(OPENSSL + " is not installed (./tern test installs it)");
        }
        List<String> command = new ArrayList<>();
        command.add(OPENSSL.toString());
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("openssl " + String.join(" ", args) + " failed: " + new String(out, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
