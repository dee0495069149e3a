package tern.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The whole configuration, as typed records. Every key is optional; its name, type, default
 * and meaning are declared once, in {@link Parameters}: the {@code defaults()} of each record
 * come from there, through {@link ConfigReader}.
 */
public record TernConfig(
        Server server,
        Domains domains,
        Relay relay,
        Delivery delivery,
        List<Route> routes,
        Dns dns,
        Journal journal,
        Admin admin,
        List<Dkim> dkim,
        Cluster cluster) {

    public TernConfig {
        routes = List.copyOf(routes);
        dkim = dkim == null ? List.of() : List.copyOf(dkim);
        cluster = cluster == null ? Cluster.NONE : cluster;
    }

    /** A single node: no cluster section. */
    public TernConfig(Server server, Domains domains, Relay relay, Delivery delivery, List<Route> routes, Dns dns,
                      Journal journal, Admin admin, List<Dkim> dkim) {
        this(server, domains, relay, delivery, routes, dns, journal, admin, dkim, Cluster.NONE);
    }

    /** Without DKIM signing keys. */
    public TernConfig(Server server, Domains domains, Relay relay, Delivery delivery, List<Route> routes, Dns dns,
                      Journal journal, Admin admin) {
        this(server, domains, relay, delivery, routes, dns, journal, admin, List.of());
    }

    /** A working configuration for a host called {@code hostName}: see the README. */
    public static TernConfig defaults(String hostName) {
        return ConfigReader.defaults(hostName);
    }

    /**
     * @param fqdn             name in the banner, EHLO and our Received headers
     * @param listen           addresses to accept SMTP on
     * @param dataDir          journal/, badmail/ and drop/ live under it
     * @param maxMessageSize   octets; SIZE limit and DATA cap
     * @param maxRecipients    RCPTs per transaction
     * @param maxConnections   concurrent inbound sessions
     * @param idleTimeout      a session silent this long is closed with 421
     * @param reverseDnsLookup mark unverified clients in Received
     * @param tls              certificate and key for STARTTLS; null = no STARTTLS
     * @param implicitTls      submission listeners with TLS from the first byte (RFC 8314, port 465)
     * @param submission       submission listeners (RFC 6409, port 587): MAIL needs AUTH first
     * @param maxConnectionsPerClient concurrent inbound sessions from one client address
     * @param maxErrors        error replies one session may get before it is closed with 421
     * @param greetingDelay    wait this long before the 220; a client that talks first is dropped
     * @param authUsers        the users file for AUTH; null = {@code <dataDir>/users}
     */
    public record Server(
            String fqdn,
            List<Listener> listen,
            Path dataDir,
            long maxMessageSize,
            int maxRecipients,
            int maxConnections,
            Duration idleTimeout,
            boolean reverseDnsLookup,
            Tls tls,
            List<Listener> implicitTls,
            List<Listener> submission,
            int maxConnectionsPerClient,
            int maxErrors,
            Duration greetingDelay,
            Path authUsers,
            List<String> proxyProtocol) {

        public Server {
            listen = List.copyOf(listen);
            implicitTls = List.copyOf(implicitTls);
            submission = List.copyOf(submission);
            proxyProtocol = proxyProtocol == null ? List.of() : List.copyOf(proxyProtocol);
        }

        /** The listener and message settings alone; every inbound policy setting at its default. */
        public Server(String fqdn, List<Listener> listen, Path dataDir, long maxMessageSize, int maxRecipients,
                      int maxConnections, Duration idleTimeout, boolean reverseDnsLookup, Tls tls) {
            this(fqdn, listen, dataDir, maxMessageSize, maxRecipients, maxConnections, idleTimeout, reverseDnsLookup,
                    tls, List.of(), List.of(), Parameters.SERVER_MAX_CONNECTIONS_PER_CLIENT.defaultFor(null),
                    Parameters.SERVER_MAX_ERRORS.defaultFor(null), Parameters.SERVER_GREETING_DELAY.defaultFor(null),
                    null, List.of());
        }

        public static Server defaults(String hostName) {
            return ConfigReader.defaults(hostName).server();
        }

        /** The users file AUTH reads: {@code authUsers}, or {@code users} in the data directory. */
        public Path usersFile() {
            return authUsers != null ? authUsers : dataDir.resolve("users");
        }
    }

    /** A host and port to listen on; IPv6 hosts are written in brackets: {@code [::1]:2525}. */
    public record Listener(String host, int port) {
        public static Listener parse(String text) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || colon == text.length() - 1) {
                throw new IllegalArgumentException("expected host:port");
            }
            String host = text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected host:port with a numeric port");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("expected a port from 0 to 65535");
            }
            return new Listener(host, port);
        }

        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    public record Tls(Path certificate, Path privateKey) {
    }

    /**
     * @param local      domains delivered to Maildir
     * @param recipients the file of their valid recipients and aliases; null = every local part is valid
     */
    public record Domains(List<String> local, Path recipients) {
        public Domains {
            local = local.stream().map(d -> d.toLowerCase(java.util.Locale.ROOT)).toList();
        }

        /** Local domains that take any local part. */
        public Domains(List<String> local) {
            this(local, null);
        }

        public static Domains defaults(String hostName) {
            return ConfigReader.defaults(hostName).domains();
        }

        public boolean isLocal(String domain) {
            return local.contains(domain.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /**
     * @param allowFrom client networks (CIDR) that may relay to any domain
     * @param domains   remote domains anyone may relay to
     */
    public record Relay(List<String> allowFrom, List<String> domains) {
        public Relay {
            allowFrom = List.copyOf(allowFrom);
            domains = List.copyOf(domains);
        }

        public static Relay defaults() {
            return ConfigReader.defaults("localhost").relay();
        }
    }

    /**
     * The Delivery tab.
     *
     * @param retry                        intervals between attempts and the attempt limit
     * @param delayNotification            a delay DSN once a remote recipient waits this long
     * @param expirationTimeout            a remote recipient fails after this long
     * @param local                        the same two times for local delivery failures
     * @param maxHopCount                  most Received headers a message may carry
     * @param masqueradeDomain             replaces a local domain in MAIL FROM on the first hop
     * @param smartHost                    next hop for all remote mail
     * @param attemptDirectBeforeSmartHost try MX first, then the smart host
     * @param ndrCopyTo                    gets a copy of every NDR
     * @param port                         remote SMTP port
     * @param connections                  outbound connection limits and the per-step timeout
     * @param tls                          STARTTLS policy outbound
     * @param smartHostAuth                AUTH credentials for the smart host
     */
    public record Delivery(
            Retry retry,
            Duration delayNotification,
            Duration expirationTimeout,
            Local local,
            int maxHopCount,
            String masqueradeDomain,
            String smartHost,
            boolean attemptDirectBeforeSmartHost,
            String ndrCopyTo,
            int port,
            Connections connections,
            OutboundTls tls,
            SmartHostAuth smartHostAuth,
            OutboundTls smartHostTls,
            Path trustAnchors,
            boolean mtaSts,
            boolean dane) {

        /** Without a smart host TLS level of its own (the default rule) and without trust anchors; MTA-STS and DANE on. */
        public Delivery(Retry retry, Duration delayNotification, Duration expirationTimeout, Local local,
                        int maxHopCount, String masqueradeDomain, String smartHost,
                        boolean attemptDirectBeforeSmartHost, String ndrCopyTo, int port, Connections connections,
                        OutboundTls tls, SmartHostAuth smartHostAuth) {
            this(retry, delayNotification, expirationTimeout, local, maxHopCount, masqueradeDomain, smartHost,
                    attemptDirectBeforeSmartHost, ndrCopyTo, port, connections, tls, smartHostAuth, null, null);
        }

        /** With MTA-STS and DANE on, as by default. */
        public Delivery(Retry retry, Duration delayNotification, Duration expirationTimeout, Local local,
                        int maxHopCount, String masqueradeDomain, String smartHost,
                        boolean attemptDirectBeforeSmartHost, String ndrCopyTo, int port, Connections connections,
                        OutboundTls tls, SmartHostAuth smartHostAuth, OutboundTls smartHostTls, Path trustAnchors) {
            this(retry, delayNotification, expirationTimeout, local, maxHopCount, masqueradeDomain, smartHost,
                    attemptDirectBeforeSmartHost, ndrCopyTo, port, connections, tls, smartHostAuth, smartHostTls,
                    trustAnchors, true, true);
        }

        public static Delivery defaults() {
            return ConfigReader.defaults("localhost").delivery();
        }
    }

    /** Each interval counts from the previous attempt; {@code limit} 0 = retry until expiration. */
    public record Retry(Duration first, Duration second, Duration third, Duration subsequent, int limit) {
        public static Retry defaults() {
            return Delivery.defaults().retry();
        }
    }

    public record Local(Duration delayNotification, Duration expirationTimeout) {
        public static Local defaults() {
            return Delivery.defaults().local();
        }
    }

    /** @param timeout for each SMTP step (connect, each reply) */
    public record Connections(int total, int perDomain, Duration timeout) {
        public static Connections defaults() {
            return Delivery.defaults().connections();
        }
    }

    /**
     * TLS levels for outbound SMTP, one vocabulary for MX delivery, the smart host and routes:
     * OFF never STARTTLS; OPPORTUNISTIC encrypts when offered, unverified (RFC 7435, Postfix's
     * "may"); REQUIRED encrypts, unverified (Postfix's "encrypt"); VERIFY encrypts with a PKIX
     * chain and a certificate naming the host (RFC 6125; Postfix's "secure").
     */
    public enum OutboundTls {
        OPPORTUNISTIC, REQUIRED, OFF, VERIFY
    }

    public record SmartHostAuth(String username, String password) {
        public static final SmartHostAuth NONE = new SmartHostAuth(null, null);

        public boolean isSet() {
            return username != null;
        }

        @Override
        public String toString() {
            return username == null ? "none" : username + ":***";
        }
    }

    /** A route domain: {@code partner.example} exactly, or {@code .partner.example} for its subdomains. */
    /**
     * @param nextHop     where the domain's mail goes; null = the usual way (smart host or MX)
     * @param connections most deliveries at once for this domain's mail; null = {@code delivery.connections.perDomain}
     * @param rate        most messages started per second, minute or hour, spaced evenly; null = no limit
     */
    public record Route(String domain, String nextHop, OutboundTls tls, SmartHostAuth auth, Integer connections,
                        Rate rate) {
        public Route {
            auth = auth == null ? SmartHostAuth.NONE : auth;
        }

        public Route(String domain, String nextHop, OutboundTls tls, SmartHostAuth auth) {
            this(domain, nextHop, tls, auth, null, null);
        }

        /** A route with the delivery's TLS level and no credentials of its own. */
        public Route(String domain, String nextHop) {
            this(domain, nextHop, null, SmartHostAuth.NONE);
        }
    }

    /**
     * {@code routes[].rate}: at most {@code count} messages started per {@code per}, spaced
     * evenly ({@code 2/s} is one every 500 ms), never in bursts.
     */
    public record Rate(int count, java.time.temporal.ChronoUnit per) {
        public Rate {
            if (count < 1) {
                throw new IllegalArgumentException("a rate counts at least one message");
            }
            if (per != java.time.temporal.ChronoUnit.SECONDS && per != java.time.temporal.ChronoUnit.MINUTES
                    && per != java.time.temporal.ChronoUnit.HOURS) {
                throw new IllegalArgumentException("a rate is per second, minute or hour");
            }
        }

        /** {@code N/s}, {@code N/m} or {@code N/h}; null when {@code text} is not one. */
        public static Rate parse(String text) {
            var m = java.util.regex.Pattern.compile("\\s*([1-9][0-9]{0,8})\\s*/\\s*([smh])\\s*").matcher(text);
            if (!m.matches()) {
                return null;
            }
            var per = switch (m.group(2)) {
                case "s" -> java.time.temporal.ChronoUnit.SECONDS;
                case "m" -> java.time.temporal.ChronoUnit.MINUTES;
                default -> java.time.temporal.ChronoUnit.HOURS;
            };
            return new Rate(Integer.parseInt(m.group(1)), per);
        }

        /** The least time between two starts. */
        public Duration interval() {
            return per.getDuration().dividedBy(count);
        }

        @Override
        public String toString() {
            return count + "/" + switch (per) {
                case SECONDS -> "s";
                case MINUTES -> "m";
                default -> "h";
            };
        }
    }

    /**
     * A {@code dkim:} entry: mail From: {@code domain} (or a subdomain without an entry of its
     * own) accepted from our own users is signed with this key.
     *
     * @param domain     the signing domain, {@code d=}
     * @param selector   {@code s=}: the key's TXT record is at {@code selector._domainkey.domain}
     * @param privateKey a PEM file (PKCS#8) of an RSA (2048 bits or more) or Ed25519 key
     */
    public record Dkim(String domain, String selector, Path privateKey) {
    }

    /** @param servers DNS servers as host or host:port; empty = the system resolver */
    /** @param trustAnchor DNSSEC trust anchors (DS or DNSKEY records) for DANE; null = the IANA root's */
    public record Dns(List<String> servers, Duration timeout, java.nio.file.Path trustAnchor) {
        public Dns {
            servers = List.copyOf(servers);
        }

        public Dns(List<String> servers, Duration timeout) {
            this(servers, timeout, null);
        }

        public static Dns defaults() {
            return ConfigReader.defaults("localhost").dns();
        }
    }

    /**
     * @param sync   BATCH: msync (group commit) before every 250; NONE: leave it to the OS
     * @param retain finished cycle files older than this are deleted
     */
    public record Journal(Sync sync, Duration retain) {
        public static Journal defaults() {
            return ConfigReader.defaults("localhost").journal();
        }
    }

    public enum Sync {
        BATCH, NONE
    }

    /** @param listen host:port of /metrics and /health; null = off */
    public record Admin(String listen) {
        public static Admin defaults() {
            return ConfigReader.defaults("localhost").admin();
        }
    }

    /**
     * Several nodes sharing limits and a queue view through Redis.
     *
     * @param redis {@code redis://host:port}; null = a single node (the default)
     * @param node  this node's name in the registry; {@code server.fqdn} unless set
     */
    public record Cluster(String redis, String node) {
        public static final Cluster NONE = new Cluster(null, null);

        public boolean enabled() {
            return redis != null;
        }
    }
}
