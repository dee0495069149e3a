package tern.client;

import java.time.Duration;
import javax.net.ssl.SSLContext;
import tern.config.TernConfig;

/**
 * How Tern talks to one kind of next hop (MX hosts, the smart host, one route's host).
 *
 * @param fqdn            the name in EHLO/HELO
 * @param timeout         for the connect and for each reply (RFC 5321 4.5.3.2)
 * @param tls             the TLS level: off, opportunistic, required (encrypt, unverified),
 *                        verify (PKIX chain and host name)
 * @param tlsContext      the SSLContext for STARTTLS; null = {@link ClientTls#encryptOnly()}
 *                        below verify, {@link ClientTls#verifying} with the JDK's CAs at verify
 * @param auth            AUTH credentials; {@link TernConfig.SmartHostAuth#NONE} for none
 * @param loopbackLiteral the operator wrote this next hop as a loopback address
 *                        ({@code [127.0.0.1]:2525}): credentials may go to it without
 *                        verified TLS, since nobody else can listen on this machine's loopback.
 *                        A name that merely resolves to loopback does not count: DNS could
 *                        point it anywhere.
 * @param role            what the next hop is, for the reason a delivery was deferred
 *                        ("smart host", "route partner.example", "MX")
 */
public record ClientSettings(
        String fqdn,
        Duration timeout,
        TernConfig.OutboundTls tls,
        SSLContext tlsContext,
        TernConfig.SmartHostAuth auth,
        boolean loopbackLiteral,
        String role) {

    public ClientSettings {
        if (auth == null) {
            auth = TernConfig.SmartHostAuth.NONE;
        }
        if (role == null) {
            role = "next hop";
        }
    }

    /** Without credentials. */
    public ClientSettings(String fqdn, Duration timeout, TernConfig.OutboundTls tls, SSLContext tlsContext,
                          TernConfig.SmartHostAuth auth) {
        this(fqdn, timeout, tls, tlsContext, auth, false, null);
    }

    /** For MX delivery: no credentials (they are for the smart host only). */
    public static ClientSettings forMx(TernConfig config) {
        return new ClientSettings(config.server().fqdn(), config.delivery().connections().timeout(),
                config.delivery().tls(), null, TernConfig.SmartHostAuth.NONE, false, "MX");
    }

    public ClientSettings withAuth(TernConfig.SmartHostAuth auth) {
        return new ClientSettings(fqdn, timeout, tls, tlsContext, auth, loopbackLiteral, role);
    }

    /** Credentials for a next hop the operator wrote as a loopback address (see {@link #loopbackLiteral}). */
    public ClientSettings withLoopbackLiteral(boolean loopbackLiteral) {
        return new ClientSettings(fqdn, timeout, tls, tlsContext, auth, loopbackLiteral, role);
    }

    public ClientSettings withTls(TernConfig.OutboundTls tls, SSLContext tlsContext) {
        return new ClientSettings(fqdn, timeout, tls, tlsContext, auth, loopbackLiteral, role);
    }

    public ClientSettings withTimeout(Duration timeout) {
        return new ClientSettings(fqdn, timeout, tls, tlsContext, auth, loopbackLiteral, role);
    }

    public ClientSettings withRole(String role) {
        return new ClientSettings(fqdn, timeout, tls, tlsContext, auth, loopbackLiteral, role);
    }
}
