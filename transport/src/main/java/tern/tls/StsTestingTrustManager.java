package tern.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MTA-STS {@code testing} mode (RFC 8461 5): the certificate is checked as {@code enforce}
 * would check it (PKIX chain and the MX host name), a failure is logged, and the handshake
 * goes on regardless, as the delivery would have without a policy.
 */
final class StsTestingTrustManager extends ServerTrustManager {
    private static final Logger log = LoggerFactory.getLogger("tern.sts");
    private final X509ExtendedTrustManager verifier;

    StsTestingTrustManager(X509ExtendedTrustManager verifier) {
        this.verifier = verifier;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        try {
            verifier.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            String host = socket instanceof SSLSocket ssl && ssl.getHandshakeSession() != null
                    ? ssl.getHandshakeSession().getPeerHost() : "?";
            report(host, e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        try {
            verifier.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            report(engine == null ? "?" : engine.getPeerHost(), e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
        // No socket, no host name to check: nothing to report on.
    }

    private static void report(String host, CertificateException e) {
        String why = CertificateNotVerified.in(e) != null ? e.getMessage() : "certificate not verified";
        log.warn("MTA-STS testing: {} would fail enforce: {}; delivering anyway", host, why);
    }
}
