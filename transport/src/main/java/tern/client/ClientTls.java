package tern.client;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** SSLContexts for outbound STARTTLS. */
public final class ClientTls {
    private ClientTls() {
    }

    /**
     * Encrypts without checking the peer's certificate. RFC 7435 (opportunistic security):
     * refusing a self-signed certificate would only push the mail back to plaintext, which
     * protects less. MX names come from unauthenticated DNS anyway, so checking a
     * certificate against them proves little without DANE or MTA-STS.
     */
    public static SSLContext encryptOnly() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new AcceptAny()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JDK", e);
        }
    }

    /**
     * The {@code verify} level: a PKIX chain to one of the JDK's CAs or of {@code anchors},
     * and the certificate must name the host the connection was opened for (RFC 6125).
     */
    public static SSLContext verifying(List<X509Certificate> anchors) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {tern.tls.TrustAnchors.verifier(anchors)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JDK", e);
        }
    }

    private static final class AcceptAny implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /**
     * STARTTLS's handshake over the connected {@code socket}, as a client: SNI with the peer's
     * name (RFC 6066; RFC 7672 2.2 wants it) unless it is an address, and with {@code verify}
     * the host name checked by a context from elsewhere too (Tern's own verifier checks names
     * itself and ignores it).
     */
    static javax.net.ssl.SSLSocket handshake(SSLContext context, java.net.Socket socket, String peerName, int port,
                                             boolean verify, int timeoutMillis) throws java.io.IOException {
        javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) context.getSocketFactory()
                .createSocket(socket, peerName, port, true);
        ssl.setUseClientMode(true);
        javax.net.ssl.SSLParameters parameters = ssl.getSSLParameters();
        if (!isIpLiteral(peerName)) {
            parameters.setServerNames(List.of(new javax.net.ssl.SNIHostName(peerName)));
        }
        if (verify) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        ssl.setSSLParameters(parameters);
        ssl.setSoTimeout(timeoutMillis);
        ssl.startHandshake();
        return ssl;
    }

    private static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }
}
