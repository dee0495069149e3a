package tern.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import tern.dns.Tlsa;

/**
 * Checks a server's certificate chain against the MX host's usable TLSA records (RFC 7672 3):
 * <ul>
 *   <li>DANE-EE(3): the server certificate (selector 0) or its public key (selector 1) is the
 *       one the record names; nothing else is checked: not the name, not the dates, not who
 *       signed it (RFC 7672 3.1.1).</li>
 *   <li>DANE-TA(2): a certificate of the presented chain above the server's is the one the
 *       record names, the chain up to it is valid (signatures, dates, CA constraints) and the
 *       server certificate names the MX host (RFC 7672 3.1.2, 3.2).</li>
 * </ul>
 * One record that matches is enough. Extends {@link X509ExtendedTrustManager} so that the
 * JDK adds no host name check of its own: the DANE-EE rule forbids one.
 */
final class DaneVerifier extends ServerTrustManager {
    private final String host;
    private final List<Tlsa> records;

    /** @param records usable TLSA records only (see {@link Tlsa#usable()}) */
    DaneVerifier(String host, List<Tlsa> records) {
        this.host = host;
        this.records = List.copyOf(records);
    }

    void verify(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateNotVerified("no certificate presented", null);
        }
        boolean taMatchedWrongName = false;
        for (Tlsa tlsa : records) {
            if (tlsa.usage() == Tlsa.DANE_EE && matches(chain[0], tlsa)) {
                return;
            }
            if (tlsa.usage() == Tlsa.DANE_TA) {
                for (int i = 1; i < chain.length; i++) {
                    if (matches(chain[i], tlsa) && chainsTo(chain, i)) {
                        if (CertificateNames.matches(chain[0], host)) {
                            return;
                        }
                        taMatchedWrongName = true;
                    }
                }
            }
        }
        if (taMatchedWrongName) {
            throw new CertificateNotVerified("certificate of " + host + " chains to its DANE trust anchor but does not name it"
                    + " (it names " + String.join(", ", CertificateNames.presented(chain[0])) + ")", null);
        }
        throw new CertificateNotVerified("certificate of " + host + " matches none of its " + records.size()
                + " DANE TLSA record" + (records.size() == 1 ? "" : "s"), null);
    }

    /** Whether {@code certificate} is what {@code tlsa} names. */
    static boolean matches(X509Certificate certificate, Tlsa tlsa) {
        byte[] selected;
        try {
            selected = tlsa.selector() == 0 ? certificate.getEncoded() : certificate.getPublicKey().getEncoded();
        } catch (CertificateEncodingException e) {
            return false;
        }
        byte[] expected = tlsa.bytes();
        return switch (tlsa.matching()) {
            case 0 -> MessageDigest.isEqual(selected, expected);
            case 1 -> MessageDigest.isEqual(digest("SHA-256", selected), expected);
            case 2 -> MessageDigest.isEqual(digest("SHA-512", selected), expected);
            default -> false;
        };
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " missing from this JDK", e);
        }
    }

    /** Whether {@code chain[0..anchor-1]} is a valid PKIX path to {@code chain[anchor]} as trust anchor. */
    private static boolean chainsTo(X509Certificate[] chain, int anchor) {
        try {
            var path = CertificateFactory.getInstance("X.509").generateCertPath(Arrays.asList(chain).subList(0, anchor));
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(chain[anchor], null)));
            parameters.setRevocationEnabled(false); // as for the verify level: no OCSP or CRL fetches from a mail server
            CertPathValidator.getInstance("PKIX").validate(path, parameters);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain);
    }
}
