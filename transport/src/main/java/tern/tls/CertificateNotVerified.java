package tern.tls;

import java.security.cert.CertificateException;

/**
 * A peer's certificate failed the {@code verify} level. The message is Tern's own words
 * (which name, which check), fit for a delay notice: no Java exception text.
 */
public final class CertificateNotVerified extends CertificateException {
    public CertificateNotVerified(String reason, Throwable cause) {
        super(reason, cause);
    }

    /** The first of these in a cause chain, or null. */
    public static CertificateNotVerified in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CertificateNotVerified n) {
                return n;
            }
        }
        return null;
    }
}
