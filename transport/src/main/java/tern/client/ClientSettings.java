package tern.client;

import java.time.Duration;
import javax.net.ssl.SSLContext;
import tern.config.TernConfig;

/**
 * How Tern talks to other mail servers.
 *
 * @param fqdn       the name in EHLO/HELO
 * @param timeout    for the connect and for each reply (RFC 5321 4.5.3.2)
 * @param tls        STARTTLS policy
 * @param tlsContext the SSLContext for STARTTLS; null = {@link ClientTls#encryptOnly()} (no
 *                   certificate check: RFC 7435 for opportunistic, Postfix's "encrypt" level for
 *                   required). Give a verifying context to authenticate a smart host.
 * @param auth       AUTH credentials; {@link TernConfig.SmartHostAuth#NONE} for none
 */
public record ClientSettings(
        String fqdn,
        Duration timeout,
        TernConfig.OutboundTls tls,
        SSLContext tlsContext,
        TernConfig.SmartHostAuth auth) {

    public ClientSettings {
        if (auth == null) {
            auth = TernConfig.SmartHostAuth.NONE;
        }
    }

    /** For MX delivery: no credentials (they are for the smart host only). */
    public static ClientSettings forMx(TernConfig config) {
        return new ClientSettings(config.server().fqdn(), config.delivery().connections().timeout(),
                config.delivery().tls(), null, TernConfig.SmartHostAuth.NONE);
    }

    /** For the smart host: with its credentials when configured. */
    public static ClientSettings forSmartHost(TernConfig config) {
        return forMx(config).withAuth(config.delivery().smartHostAuth());
    }

    public ClientSettings withAuth(TernConfig.SmartHostAuth auth) {
        return new ClientSettings(fqdn, timeout, tls, tlsContext, auth);
    }

    public ClientSettings withTls(TernConfig.OutboundTls tls, SSLContext tlsContext) {
        return new ClientSettings(fqdn, timeout, tls, tlsContext, auth);
    }

    public ClientSettings withTimeout(Duration timeout) {
        return new ClientSettings(fqdn, timeout, tls, tlsContext, auth);
    }
}
