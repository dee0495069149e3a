package tern.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The {@code verify} level's check of a server certificate: a PKIX chain to a CA of the
 * JDK's trust store or of {@code delivery.trustAnchors}, then the host name (RFC 6125, see
 * {@link CertificateNames}) against the name this connection was opened for — the MX host
 * name, or the next hop's host as the operator wrote it. The name travels with the socket
 * (the host given to {@code createSocket}), so one instance serves every connection.
 *
 * <p>A failure is a {@link CertificateNotVerified} whose text says which check failed, in
 * words a sender may read in a delay notice.
 */
final class CertificateVerifier extends ServerTrustManager {
    private final List<X509TrustManager> chains;

    private CertificateVerifier(List<X509TrustManager> chains) {
        this.chains = chains;
    }

    /** The JDK's default CAs, and {@code anchors} besides. */
    static CertificateVerifier trusting(List<X509Certificate> anchors) {
        try {
            List<X509TrustManager> chains = new ArrayList<>();
            chains.add(pkix(null));
            if (!anchors.isEmpty()) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                for (int i = 0; i < anchors.size(); i++) {
                    store.setCertificateEntry("anchor-" + i, anchors.get(i));
                }
                chains.add(pkix(store));
            }
            return new CertificateVerifier(List.copyOf(chains));
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("no PKIX trust manager in this JDK", e);
        }
    }

    private static X509TrustManager pkix(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        for (TrustManager tm : factory.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509TrustManager");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        String host = socket instanceof SSLSocket ssl && ssl.getHandshakeSession() != null
                ? ssl.getHandshakeSession().getPeerHost() : null;
        verify(chain, authType, host);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        verify(chain, authType, engine == null ? null : engine.getPeerHost());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain, authType, null);
    }

    void verify(X509Certificate[] chain, String authType, String host) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateNotVerified("no certificate presented", null);
        }
        if (host == null) {
            throw new CertificateNotVerified("no host name to check the certificate against", null);
        }
        CertificateException first = null;
        boolean trusted = false;
        for (X509TrustManager pkix : chains) {
            try {
                pkix.checkServerTrusted(chain, authType);
                trusted = true;
                break;
            } catch (CertificateException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (!trusted) {
            throw new CertificateNotVerified("certificate of " + host + " not trusted: " + why(first), first);
        }
        if (!CertificateNames.matches(chain[0], host)) {
            throw new CertificateNotVerified("certificate does not name " + host + " (it names "
                    + String.join(", ", CertificateNames.presented(chain[0])) + ")", null);
        }
    }

    /** A few words for the usual reasons; never the JDK's own text. */
    private static String why(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof CertificateExpiredException) {
                return "expired";
            }
            if (c instanceof CertificateNotYetValidException) {
                return "not yet valid";
            }
            if (c instanceof CertPathValidatorException v) {
                switch (v.getReason()) {
                    case CertPathValidatorException.BasicReason.EXPIRED -> {
                        return "expired";
                    }
                    case CertPathValidatorException.BasicReason.NOT_YET_VALID -> {
                        return "not yet valid";
                    }
                    case CertPathValidatorException.BasicReason.REVOKED -> {
                        return "revoked";
                    }
                    case CertPathValidatorException.BasicReason.INVALID_SIGNATURE -> {
                        return "bad signature";
                    }
                    default -> {
                    }
                }
            }
        }
        return "no chain to a trusted CA";
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return chains.stream().flatMap(c -> java.util.Arrays.stream(c.getAcceptedIssuers())).toArray(X509Certificate[]::new);
    }
}
