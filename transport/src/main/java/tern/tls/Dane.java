package tern.tls;

import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tern.dns.DnssecResult;
import tern.dns.Tlsa;
import tern.dns.ValidatedDns;
import tern.smtp.Replies;
import tern.smtp.Reply;

/**
 * DANE for SMTP (RFC 7672): where DNSSEC proves a domain's MX records, each MX host's
 * address records and its TLSA records at {@code _25._tcp.<host>}, the TLSA records say which
 * certificate the host must present, and TLS becomes mandatory for it.
 *
 * <ul>
 *   <li>MX records insecure: no DANE for the domain. Bogus or lookup failed: the domain is
 *       not tried now (RFC 7672 2.2.1), the mail waits.</li>
 *   <li>A host's addresses or TLSA records insecure, or securely absent: no DANE for that
 *       host. Bogus or failed: that host is not used (RFC 7672 2.2).</li>
 *   <li>Secure TLSA records of which one or more is usable (DANE-TA or DANE-EE): TLS that must
 *       match them. None usable: TLS still mandatory, unauthenticated (RFC 7672 2.2).</li>
 * </ul>
 * Blocking: called from delivery workers' virtual threads.
 */
public final class Dane {
    private static final Logger log = LoggerFactory.getLogger("tern.dane");
    private static final int MAX_CONTEXTS = 1000;

    /** What DANE says about one recipient domain. */
    public sealed interface ForDomain {
        ForDomain INSECURE = new Insecure();

        /** What DANE says about one of its MX hosts. */
        ForHost host(String host);

        /** The MX records are not signed: no DANE anywhere for this domain. */
        record Insecure() implements ForDomain {
            @Override
            public ForHost host(String host) {
                return new ForHost.NotApplicable();
            }
        }

        /** The MX records cannot be validated: nothing may be tried now. */
        record Failed(Reply reply) implements ForDomain {
            @Override
            public ForHost host(String host) {
                return new ForHost.Failed(reply);
            }
        }
    }

    /** What DANE says about one MX host. */
    public sealed interface ForHost {
        /** TLS whose certificate must match the host's TLSA records, through {@code context}. */
        record Match(SSLContext context) implements ForHost {
        }

        /** Secure TLSA records, none usable: TLS mandatory, not authenticated. */
        record EncryptOnly() implements ForHost {
        }

        /** The host's DANE status cannot be known: do not use it. */
        record Failed(Reply reply) implements ForHost {
        }

        /** No DANE for this host. */
        record NotApplicable() implements ForHost {
        }
    }

    private record ContextKey(String host, List<Tlsa> records) {
    }

    private final ValidatedDns dns;
    private final int port;
    private final Map<ContextKey, SSLContext> contexts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ContextKey, SSLContext> eldest) {
            return size() > MAX_CONTEXTS;
        }
    };

    /** @param port the SMTP port TLSA records are looked up for ({@code delivery.port}) */
    public Dane(ValidatedDns dns, int port) {
        this.dns = dns;
        this.port = port;
    }

    public ForDomain forDomain(String domain) {
        return switch (dns.mx(domain).join()) {
            case DnssecResult.Secure<Void> s -> new SecureDomain(domain);
            case DnssecResult.Insecure<Void> i -> ForDomain.INSECURE;
            case DnssecResult.Failed<Void> f -> new ForDomain.Failed(Replies.DNSSEC_BOGUS.withText(
                    "DNSSEC validation of the MX records of " + domain + " failed: " + f.reason()));
        };
    }

    /** A domain whose MX records DNSSEC proves: each host is looked at. */
    private final class SecureDomain implements ForDomain {
        private final String domain;

        SecureDomain(String domain) {
            this.domain = domain;
        }

        @Override
        public ForHost host(String host) {
            switch (dns.addresses(host).join()) {
                case DnssecResult.Insecure<Void> i -> {
                    return new ForHost.NotApplicable();
                }
                case DnssecResult.Failed<Void> f -> {
                    return failed(host, "DNSSEC validation of the addresses of " + host + " failed: " + f.reason());
                }
                case DnssecResult.Secure<Void> s -> {
                    // the addresses are proven: the TLSA records decide
                }
            }
            return switch (dns.tlsa(host, port).join()) {
                case DnssecResult.Insecure<List<Tlsa>> i -> new ForHost.NotApplicable();
                case DnssecResult.Failed<List<Tlsa>> f -> failed(host, "TLSA records of " + host + " unknown: " + f.reason());
                case DnssecResult.Secure<List<Tlsa>> s when s.value().isEmpty() -> new ForHost.NotApplicable();
                case DnssecResult.Secure<List<Tlsa>> s -> {
                    List<Tlsa> usable = s.value().stream().filter(Tlsa::usable).toList();
                    if (usable.isEmpty()) {
                        log.info("DANE: {} (MX of {}) publishes no usable TLSA record: TLS without authentication", host, domain);
                        yield new ForHost.EncryptOnly();
                    }
                    yield new ForHost.Match(context(host, usable));
                }
            };
        }

        private ForHost failed(String host, String why) {
            log.warn("DANE: {} (MX of {}) not used: {}", host, domain, why);
            return new ForHost.Failed(Replies.DANE_NOT_AUTHENTICATED.withText(why));
        }
    }

    /** One context per host and record set, so that connections to the host can be reused. */
    private synchronized SSLContext context(String host, List<Tlsa> records) {
        return contexts.computeIfAbsent(new ContextKey(host, records), key -> {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {new DaneVerifier(key.host(), key.records())}, null);
                return context;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("no TLS in this JDK", e);
            }
        });
    }
}
