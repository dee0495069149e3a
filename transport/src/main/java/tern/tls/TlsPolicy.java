package tern.tls;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import tern.client.ClientSettings;
import tern.client.ClientTls;
import tern.config.TernConfig;
import tern.config.TernConfig.OutboundTls;
import tern.config.TernConfig.SmartHostAuth;
import tern.route.NextHop;
import tern.route.Route;

/**
 * Which TLS level and which credentials a delivery uses, by where the router sends it:
 * <ul>
 *   <li>MX delivery and address literals: {@code delivery.tls}, never credentials;</li>
 *   <li>the smart host: {@code delivery.smartHostTls} (default {@code verify} when
 *       {@code smartHostAuth} is set, else {@code delivery.tls}) with {@code smartHostAuth};</li>
 *   <li>a route domain: its own {@code routes[].tls} (same default rule) with its own
 *       {@code routes[].auth} only, never the smart host's.</li>
 * </ul>
 * Credentials then go only where {@link tern.client.SmtpConnection} finds the certificate
 * verified, or to a next hop written as a loopback address. Immutable; built once per
 * configuration, so its SSLContexts (and the cache keys that include them) are shared.
 */
public final class TlsPolicy {

    /**
     * {@code routes[].tls} and {@code routes[].auth} of one route domain.
     *
     * @param domain as in {@code routes[].domain}: {@code partner.example} or {@code .partner.example}
     * @param tls    null = {@code verify} when {@code auth} is set, else {@code delivery.tls}
     * @param auth   credentials for this route's next hop; null or NONE for none
     */
    public record RouteTrust(String domain, OutboundTls tls, SmartHostAuth auth) {
        public RouteTrust {
            auth = auth == null ? SmartHostAuth.NONE : auth;
        }
    }

    /**
     * The settings, as written.
     *
     * @param mx            {@code delivery.tls}
     * @param smartHost     {@code delivery.smartHostTls}; null = the default rule
     * @param smartHostAuth {@code delivery.smartHostAuth}
     * @param routes        the routes that set {@code tls} or {@code auth}
     * @param trustAnchors  {@code delivery.trustAnchors}, read; empty = the JDK's CAs only
     */
    public record Levels(OutboundTls mx, OutboundTls smartHost, SmartHostAuth smartHostAuth, List<RouteTrust> routes,
                         List<X509Certificate> trustAnchors) {
        public Levels {
            smartHostAuth = smartHostAuth == null ? SmartHostAuth.NONE : smartHostAuth;
            routes = List.copyOf(routes);
            trustAnchors = List.copyOf(trustAnchors);
        }
    }

    private final ClientSettings mx;
    private final ClientSettings smartHost;
    private final Map<String, ClientSettings> routes;

    private TlsPolicy(ClientSettings mx, ClientSettings smartHost, Map<String, ClientSettings> routes) {
        this.mx = mx;
        this.smartHost = smartHost;
        this.routes = routes;
    }

    public static TlsPolicy of(String fqdn, Duration timeout, Levels levels) {
        SSLContext encrypt = ClientTls.encryptOnly();
        SSLContext verify = ClientTls.verifying(levels.trustAnchors());
        ClientSettings base = new ClientSettings(fqdn, timeout, levels.mx(), null, SmartHostAuth.NONE, false, "MX");
        ClientSettings mx = level(base, levels.mx(), encrypt, verify);
        ClientSettings smartHost = level(base.withAuth(levels.smartHostAuth()).withRole("smart host"),
                effective(levels.smartHost(), levels.smartHostAuth(), levels.mx()), encrypt, verify);
        Map<String, ClientSettings> routes = new HashMap<>();
        for (RouteTrust r : levels.routes()) {
            String domain = normalize(r.domain());
            routes.put(domain, level(base.withAuth(r.auth()).withRole("route " + domain),
                    effective(r.tls(), r.auth(), levels.mx()), encrypt, verify));
        }
        return new TlsPolicy(mx, smartHost, Map.copyOf(routes));
    }

    /**
     * From the configuration.
     *
     * @throws tern.config.ConfigException naming {@code delivery.trustAnchors} when that file
     *                                     holds no readable certificate
     */
    public static TlsPolicy from(TernConfig config) {
        var d = config.delivery();
        List<X509Certificate> anchors = List.of();
        if (d.trustAnchors() != null) {
            try {
                anchors = TrustAnchors.read(d.trustAnchors());
            } catch (IllegalArgumentException e) {
                throw new tern.config.ConfigException("delivery.trustAnchors", d.trustAnchors().toString(),
                        "a PEM file of CA certificates: " + e.getMessage());
            }
        }
        List<RouteTrust> routes = config.routes().stream()
                .filter(r -> r.tls() != null || r.auth().isSet())
                .map(r -> new RouteTrust(r.domain(), r.tls(), r.auth())).toList();
        return of(config.server().fqdn(), d.connections().timeout(),
                new Levels(d.tls(), d.smartHostTls(), d.smartHostAuth(), routes, anchors));
    }

    /**
     * Two settings as they are: {@code mx} for MX delivery, address literals and routes,
     * {@code smartHost} (with its credentials) for the smart host only.
     */
    public static TlsPolicy of(ClientSettings mx, ClientSettings smartHost) {
        return new TlsPolicy(mx.withAuth(SmartHostAuth.NONE), smartHost, Map.of());
    }

    /** The default rule: credentials want {@code verify}; otherwise the MX level. */
    static OutboundTls effective(OutboundTls written, SmartHostAuth auth, OutboundTls mx) {
        if (written != null) {
            return written;
        }
        return auth != null && auth.isSet() ? OutboundTls.VERIFY : mx;
    }

    private static ClientSettings level(ClientSettings base, OutboundTls level, SSLContext encrypt, SSLContext verify) {
        return base.withTls(level, level == OutboundTls.VERIFY ? verify : encrypt);
    }

    /** For MX delivery: {@code delivery.tls}, no credentials. */
    public ClientSettings mx() {
        return mx;
    }

    /** For a next hop the router chose. */
    public ClientSettings settingsFor(Route.Relay relay) {
        ClientSettings settings = switch (relay.reason()) {
            case ADDRESS_LITERAL -> mx;
            case SMART_HOST, SMART_HOST_AFTER_DIRECT -> smartHost;
            case ROUTE_DOMAIN -> routes.getOrDefault(normalize(relay.matched()), mx);
        };
        return settings.auth().isSet() ? settings.withLoopbackLiteral(isLoopbackLiteral(relay.hop())) : settings;
    }

    /** {@code [127.0.0.1]:2525}, {@code [::1]}: a loopback address as written, not a name resolving to one. */
    static boolean isLoopbackLiteral(NextHop hop) {
        return !hop.mxLookup() && hop.isIpAddress() && InetAddress.ofLiteral(hop.host()).isLoopbackAddress();
    }

    private static String normalize(String domain) {
        return tern.address.DomainName.toAscii(domain.strip()); // as the router writes it: A-labels
    }
}
