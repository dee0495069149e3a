package tern.tls;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.client.ClientSettings;
import tern.client.ClientTls;
import tern.config.TernConfig.OutboundTls;
import tern.dns.MxHost;
import tern.smtp.Replies;
import tern.sts.StsPolicy;

/**
 * Which MX hosts of a recipient domain may get its mail, and what TLS each must offer, when
 * the domain publishes an MTA-STS policy (RFC 8461) or DANE TLSA records (RFC 7672).
 *
 * <ul>
 *   <li>A host with usable DANE TLSA records gets TLS that must match them (DANE wins over
 *       MTA-STS, RFC 8461 2): the policy's MX list and its certificate rules do not apply to it.</li>
 *   <li>Otherwise, under an MTA-STS policy in {@code enforce} mode only the hosts the policy
 *       names are tried, each with the {@code verify} level (PKIX chain to the JDK's CAs or
 *       {@code delivery.trustAnchors}, and the MX host name); {@code testing} tries every
 *       host as usual and logs what {@code enforce} would have refused.</li>
 *   <li>Without either, every host with {@code delivery.tls}.</li>
 * </ul>
 * Only mail for the recipient's own domain is planned here: the smart host and route next
 * hops are the operator's choice and keep their configured levels.
 */
public final class MxAuthentication {
    private static final Logger log = LoggerFactory.getLogger("tern.sts");

    /** Neither MTA-STS nor DANE: every host with the configured settings. */
    public static final MxAuthentication NONE = new MxAuthentication(null, null, null, null);
    /** One context for every encrypt-only connection, so that they share cache keys. */
    private static final SSLContext ENCRYPT_ONLY = ClientTls.encryptOnly();

    private final MtaSts mtaSts;
    private final Dane dane;
    private final SSLContext verifying;
    private final SSLContext testing;

    private MxAuthentication(MtaSts mtaSts, Dane dane, SSLContext verifying, SSLContext testing) {
        this.mtaSts = mtaSts;
        this.dane = dane;
        this.verifying = verifying;
        this.testing = testing;
    }

    /**
     * @param mtaSts       null = MTA-STS off ({@code delivery.mtaSts: false})
     * @param dane         null = DANE off ({@code delivery.dane: false})
     * @param trustAnchors CAs trusted besides the JDK's for MTA-STS MX hosts
     */
    public static MxAuthentication of(MtaSts mtaSts, Dane dane, List<X509Certificate> trustAnchors) {
        SSLContext verifying = ClientTls.verifying(trustAnchors);
        SSLContext testing;
        try {
            testing = SSLContext.getInstance("TLS");
            testing.init(null, new TrustManager[] {new StsTestingTrustManager(TrustAnchors.verifier(trustAnchors))}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JDK", e);
        }
        return new MxAuthentication(mtaSts, dane, verifying, testing);
    }

    /** The hosts of {@code domain} to try, in order, with the settings each gets. */
    public MxPlan plan(String domain, List<MxHost> hosts, ClientSettings settings) {
        if (mtaSts == null && dane == null) {
            return MxPlan.plain(hosts, settings);
        }
        Dane.ForDomain daneDomain = dane == null ? Dane.ForDomain.INSECURE : dane.forDomain(domain);
        if (daneDomain instanceof Dane.ForDomain.Failed failed) {
            return new MxPlan(List.of(), failed.reply());
        }
        Optional<StsPolicy> policy = Optional.empty();
        boolean stsAsked = false;
        List<MxPlan.Candidate> candidates = new ArrayList<>(hosts.size());
        List<String> refused = new ArrayList<>();
        tern.smtp.Reply daneRefusal = null;
        for (MxHost host : hosts) {
            switch (daneDomain.host(host.host())) {
                case Dane.ForHost.Match match -> {
                    candidates.add(new MxPlan.Candidate(host, settings.withTls(OutboundTls.VERIFY, match.context())));
                    continue;
                }
                case Dane.ForHost.EncryptOnly e -> {
                    // Secure TLSA records, none usable: TLS is still promised, authentication is not (RFC 7672 2.2).
                    candidates.add(new MxPlan.Candidate(host, atLeastRequired(settings)));
                    continue;
                }
                case Dane.ForHost.Failed failed -> {
                    daneRefusal = failed.reply();
                    continue; // RFC 7672 2.2: a host whose TLSA records cannot be known is not used
                }
                case Dane.ForHost.NotApplicable n -> {
                    // no DANE for this host: MTA-STS, if the domain has a policy, decides
                }
            }
            if (!stsAsked && mtaSts != null) {
                policy = mtaSts.policy(domain);
                stsAsked = true;
            }
            StsPolicy p = policy.orElse(null);
            if (p == null || p.mode() == StsPolicy.Mode.NONE) {
                candidates.add(new MxPlan.Candidate(host, settings));
            } else if (p.mode() == StsPolicy.Mode.ENFORCE) {
                if (p.allows(host.host())) {
                    candidates.add(new MxPlan.Candidate(host, settings.tls() == OutboundTls.VERIFY ? settings
                            : settings.withTls(OutboundTls.VERIFY, verifying)));
                } else {
                    refused.add(host.host());
                }
            } else {
                if (!p.allows(host.host())) {
                    log.warn("MTA-STS testing: {} is not an MX host the policy of {} names; delivering anyway", host.host(), domain);
                }
                boolean checkable = settings.tls() == OutboundTls.OPPORTUNISTIC || settings.tls() == OutboundTls.REQUIRED;
                candidates.add(new MxPlan.Candidate(host, checkable ? settings.withTls(settings.tls(), testing) : settings));
            }
        }
        if (!refused.isEmpty()) {
            log.info("MTA-STS: the policy of {} (enforce) does not name {}: not used", domain, String.join(", ", refused));
        }
        if (!candidates.isEmpty()) {
            return new MxPlan(candidates, null);
        }
        if (daneRefusal != null) {
            return new MxPlan(candidates, daneRefusal);
        }
        return new MxPlan(candidates, Replies.STS_NO_MX_ALLOWED.withText("MTA-STS policy of " + domain.toLowerCase(Locale.ROOT)
                + " (enforce) names none of its MX hosts " + String.join(", ", refused)));
    }

    private static ClientSettings atLeastRequired(ClientSettings settings) {
        return switch (settings.tls()) {
            case REQUIRED, VERIFY -> settings;
            case OFF, OPPORTUNISTIC -> settings.withTls(OutboundTls.REQUIRED, ENCRYPT_ONLY);
        };
    }
}
