package tern.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * {@code delivery.trustAnchors}: CA certificates, in one PEM file, trusted for the
 * {@code verify} level besides the JDK's own (a private CA for a smart host, a test CA).
 */
public final class TrustAnchors {
    private TrustAnchors() {
    }

    /**
     * Every certificate in {@code pem}.
     *
     * @throws IllegalArgumentException saying what is wrong with the file (not found, no
     *                                  certificate in it, not PEM)
     */
    public static List<X509Certificate> read(Path pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        try (InputStream in = Files.newInputStream(pem)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                if (c instanceof X509Certificate x) {
                    certificates.add(x);
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("no such file: " + pem);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + pem + ": " + e.getMessage());
        } catch (CertificateException e) {
            throw new IllegalArgumentException(pem + " is not a PEM file of X.509 certificates");
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(pem + " holds no certificate");
        }
        return List.copyOf(certificates);
    }

    /** The trust manager of the {@code verify} level: the JDK's CAs and {@code anchors}. */
    public static X509ExtendedTrustManager verifier(List<X509Certificate> anchors) {
        return CertificateVerifier.trusting(anchors);
    }
}
