package tern.config;

import static tern.config.ValueTypes.bool;
import static tern.config.ValueTypes.choice;
import static tern.config.ValueTypes.domain;
import static tern.config.ValueTypes.duration;
import static tern.config.ValueTypes.integer;
import static tern.config.ValueTypes.list;
import static tern.config.ValueTypes.path;
import static tern.config.ValueTypes.port;
import static tern.config.ValueTypes.rate;
import static tern.config.ValueTypes.secret;
import static tern.config.ValueTypes.size;
import static tern.config.ValueTypes.string;
import static tern.config.ValueTypes.strings;
import static tern.config.ValueTypes.text;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import tern.config.Parameter.Defaults;
import tern.config.TernConfig.Listener;
import tern.config.TernConfig.OutboundTls;
import tern.config.TernConfig.Sync;

/**
 * Every configuration key Tern knows, in the order the README and {@code tern config} show
 * them: the one place a key is declared (name, type, default, meaning). The schema of keys a
 * file may hold, the loader's checks, {@code tern config} and the README's table are derived
 * from this list; a test keeps the README equal to {@link #markdownTable()}.
 *
 * <p>To add a key: declare it here, read it where {@link ConfigReader} builds its record, and
 * regenerate the README table with {@code tern config --markdown}.
 */
public final class Parameters {
    private static final List<Parameter<?>> ALL = new ArrayList<>();

    private Parameters() {
    }

    private static <T> Parameter<T> add(String key, ValueType<T> type, Function<Defaults, T> defaultValue,
                                        String defaultText, String description) {
        Parameter<T> p = new Parameter<>(key, type, defaultValue, defaultText, description);
        ALL.add(p);
        return p;
    }

    private static <T> Parameter<T> add(String key, ValueType<T> type, T defaultValue, String description) {
        return add(key, type, d -> defaultValue, null, description);
    }

    private static final ValueType<List<Listener>> LISTENERS = list(Parameters::listener, Listener::toString,
            "host:port with a port from 0 to 65535, e.g. 127.0.0.1:2525, 0.0.0.0:25 or [::1]:2525");
    private static final ValueType<List<String>> DOMAINS = strings(
            s -> Syntax.isDomain(s) ? s.toLowerCase(Locale.ROOT) : null, "a domain name such as example.com");
    static final String NEXT_HOP_EXPECTED =
            "a next hop: [host-or-ip]:port or [host-or-ip] (no MX lookup), or host or host:port (MX first)";
    private static final ValueType<String> NEXT_HOP = text(Syntax::isNextHop, NEXT_HOP_EXPECTED);

    // --- server ------------------------------------------------------------------------------
    public static final Parameter<String> SERVER_FQDN = add("server.fqdn",
            text(Syntax::isDomain, "a fully qualified domain name such as mail.example.com"),
            Defaults::hostName, "the OS host name",
            "name in the greeting, EHLO and Received headers; found from /proc or /etc/hostname, never by DNS."
                    + " A host name without a dot gets `.localdomain` appended (as Postfix does), and start-up"
                    + " logs a WARN asking you to set this key, as it does for any name without a dot or ending in"
                    + " `.localdomain`: receivers refuse such names in HELO");
    public static final Parameter<List<Listener>> SERVER_LISTEN = add("server.listen", LISTENERS,
            List.of(Listener.parse("127.0.0.1:2525")),
            "addresses to accept SMTP on, `host:port`; IPv6 as `[::1]:2525`; port 0 = any free port");
    public static final Parameter<Path> SERVER_DATA_DIR = add("server.dataDir", path(), d -> Path.of("data"),
            "`./data`", "directory holding `journal/`, `badmail/`, `drop/`, `pickup/`, `spool/` (large messages"
                    + " while they arrive) and `admin.token`");
    public static final Parameter<Long> SERVER_MAX_MESSAGE_SIZE = add("server.maxMessageSize", size(),
            35L * 1000 * 1000, "largest message accepted (the SIZE limit and the DATA cap)");
    public static final Parameter<Integer> SERVER_MAX_RECIPIENTS = add("server.maxRecipients", integer(1), 100,
            "most RCPTs in one transaction");
    public static final Parameter<Integer> SERVER_MAX_CONNECTIONS = add("server.maxConnections", integer(1), 1000,
            "most inbound sessions at once");
    public static final Parameter<Duration> SERVER_IDLE_TIMEOUT = add("server.idleTimeout", duration(),
            Duration.ofMinutes(5), "a session silent this long is closed with 421");
    public static final Parameter<Boolean> SERVER_REVERSE_DNS_LOOKUP = add("server.reverseDnsLookup", bool(), false,
            "look up each client's PTR; Received then says \"unverified\" / \"RDNS failed\"");
    public static final Parameter<Path> SERVER_TLS_CERTIFICATE = add("server.tls.certificate", path(), null,
            "PEM certificate (chain) file; with the key it enables STARTTLS");
    public static final Parameter<Path> SERVER_TLS_PRIVATE_KEY = add("server.tls.privateKey", path(), null,
            "PEM private key file for that certificate");
    public static final Parameter<List<Listener>> SERVER_IMPLICIT_TLS = add("server.implicitTls", LISTENERS,
            List.of(), "submission listeners with TLS from the first byte (RFC 8314, port 465); need `server.tls`;"
                    + " MAIL needs AUTH");
    public static final Parameter<List<Listener>> SERVER_SUBMISSION = add("server.submission", LISTENERS,
            List.of(), "submission listeners (RFC 6409, port 587): STARTTLS as on `listen`, and MAIL needs AUTH"
                    + " first (530 5.7.0)");
    public static final Parameter<Integer> SERVER_MAX_CONNECTIONS_PER_CLIENT = add("server.maxConnectionsPerClient",
            integer(1), 50, "most sessions at once from one client address; beyond it 421 4.7.0. Clients in"
                    + " `relay.allowFrom` are exempt");
    public static final Parameter<Integer> SERVER_MAX_ERRORS = add("server.maxErrors", integer(1), 10,
            "error replies (4xx and 5xx to commands, except 452 4.5.3 too many recipients) one session may get;"
                    + " then 421 4.7.0 and close. Clients in `relay.allowFrom` are exempt");
    public static final Parameter<Duration> SERVER_GREETING_DELAY = add("server.greetingDelay",
            ValueTypes.durationOrZero(), Duration.ZERO,
            "wait before the 220 greeting; a client that sends anything before it gets 554 5.5.1 and is dropped");
    public static final Parameter<List<String>> SERVER_PROXY_PROTOCOL = add("server.proxyProtocol",
            strings(Syntax::cidr, "a network in CIDR notation such as 10.0.0.0/8, or one IP address"), List.of(),
            "load balancers (CIDR, or one address) whose connections start with a PROXY protocol v1 or v2 header;"
                    + " the client address it carries counts for relay control, limits, reverse DNS and Received."
                    + " From anywhere else a PROXY header is refused");
    public static final Parameter<Path> SERVER_AUTH_USERS = add("server.auth.users", path(), d -> null,
            "`<server.dataDir>/users`", "users for AUTH PLAIN/LOGIN (`tern user add`); re-read when the file changes");

    // --- domains and relay -------------------------------------------------------------------
    public static final Parameter<List<String>> DOMAINS_LOCAL = add("domains.local", DOMAINS,
            d -> d.fqdn().equalsIgnoreCase("localhost") ? List.of("localhost") : List.of("localhost", d.fqdn()),
            "`[localhost, <server.fqdn>]`", "domains delivered to Maildir: `drop/<domain>/<local-part>/`");
    public static final Parameter<Path> DOMAINS_RECIPIENTS = add("domains.recipients", path(), null,
            "valid local recipients and aliases, one a line: `user@domain`, `@domain` (all of it), `alias: target, ...`;"
            + " others get 550 5.1.1 at RCPT; re-read when the file changes; none = every local part is accepted");
    public static final Parameter<List<String>> RELAY_ALLOW_FROM = add("relay.allowFrom",
            strings(Syntax::cidr, "a network in CIDR notation such as 192.0.2.0/24 or 2001:db8::/32, or one IP address"),
            List.of("127.0.0.0/8", "::1/128"),
            "client networks (CIDR, or one address) that may relay to any domain");
    public static final Parameter<List<String>> RELAY_DOMAINS = add("relay.domains", DOMAINS, List.of(),
            "remote domains anyone may relay to");

    // --- delivery (the Delivery tab) ---------------------------------------------------------
    public static final Parameter<Duration> RETRY_FIRST = add("delivery.retry.first", duration(),
            Duration.ofMinutes(15), "wait before the second attempt");
    public static final Parameter<Duration> RETRY_SECOND = add("delivery.retry.second", duration(),
            Duration.ofMinutes(30), "wait before the third attempt");
    public static final Parameter<Duration> RETRY_THIRD = add("delivery.retry.third", duration(),
            Duration.ofMinutes(60), "wait before the fourth attempt");
    public static final Parameter<Duration> RETRY_SUBSEQUENT = add("delivery.retry.subsequent", duration(),
            Duration.ofMinutes(240), "wait before every later attempt");
    public static final Parameter<Integer> RETRY_LIMIT = add("delivery.retry.limit", integer(0), 0,
            "most attempts in all; 0 = retry until the expiration timeout");
    public static final Parameter<Duration> DELAY_NOTIFICATION = add("delivery.delayNotification", duration(),
            Duration.ofHours(12), "a remote recipient still waiting this long gets the sender one delay notice");
    public static final Parameter<Duration> EXPIRATION_TIMEOUT = add("delivery.expirationTimeout", duration(),
            Duration.ofDays(2), "a remote recipient still undelivered this long fails with an NDR");
    public static final Parameter<Duration> LOCAL_DELAY_NOTIFICATION = add("delivery.local.delayNotification",
            duration(), Duration.ofHours(12), "the same, for local (Maildir) delivery");
    public static final Parameter<Duration> LOCAL_EXPIRATION_TIMEOUT = add("delivery.local.expirationTimeout",
            duration(), Duration.ofDays(2), "the same, for local (Maildir) delivery");
    public static final Parameter<Integer> MAX_HOP_COUNT = add("delivery.maxHopCount", integer(1), 100,
            "most Received headers a message may carry before it is refused (loop protection)");
    public static final Parameter<String> MASQUERADE_DOMAIN = add("delivery.masqueradeDomain", domain(), null,
            "replaces a local domain in MAIL FROM, on the first hop only");
    public static final Parameter<String> SMART_HOST = add("delivery.smartHost", NEXT_HOP, null,
            "next hop for all remote mail: `[host]:port` (no MX lookup) or `host[:port]` (MX first)");
    public static final Parameter<Boolean> ATTEMPT_DIRECT = add("delivery.attemptDirectBeforeSmartHost", bool(),
            false, "try the recipient's MX first, the smart host after a transient failure or NXDOMAIN");
    public static final Parameter<String> NDR_COPY_TO = add("delivery.ndrCopyTo",
            text(Syntax::isMailbox, "a mail address such as postmaster@example.com"), null,
            "address that gets a copy of every NDR");
    public static final Parameter<Integer> PORT = add("delivery.port", port(), 25, "port of remote SMTP servers");
    public static final Parameter<Integer> CONNECTIONS_TOTAL = add("delivery.connections.total", integer(1), 1000,
            "most outbound connections at once");
    public static final Parameter<Integer> CONNECTIONS_PER_DOMAIN = add("delivery.connections.perDomain",
            integer(1), 100, "most deliveries at once to one destination (next hop, route domain or MX domain);"
                    + " a new destination starts at 5 and grows per success");
    public static final Parameter<Duration> CONNECTIONS_TIMEOUT = add("delivery.connections.timeout", duration(),
            Duration.ofMinutes(10), "timeout of each outbound step (connect, each reply)");
    public static final Parameter<OutboundTls> DELIVERY_TLS = add("delivery.tls", choice(outboundTlsWords()),
            OutboundTls.OPPORTUNISTIC, "TLS level for MX delivery: `off`; `opportunistic` (STARTTLS when offered,"
                    + " certificate unchecked); `required` (STARTTLS or defer, unchecked); `verify` (STARTTLS, a"
                    + " certificate chaining to a trusted CA and naming the MX host, else defer with 4.7.5)");
    public static final Parameter<String> SMART_HOST_AUTH_USERNAME = add("delivery.smartHostAuth.username",
            string(), null, "AUTH user name for the smart host");
    public static final Parameter<String> SMART_HOST_AUTH_PASSWORD = add("delivery.smartHostAuth.password",
            secret(), null, "AUTH password for the smart host (never printed)");
    public static final Parameter<OutboundTls> SMART_HOST_TLS = add("delivery.smartHostTls", choice(outboundTlsWords()),
            d -> null, "`verify` with `smartHostAuth` (unless the smart host is a loopback address), else `delivery.tls`",
            "TLS level for the smart host, as `delivery.tls`; the certificate must name the smart host as written."
                    + " Credentials go only over `verify`, or in the clear to a next hop written as a loopback"
                    + " address (`[127.0.0.1]:2525`); otherwise the mail is deferred (4.7.x) and they are never sent");
    public static final Parameter<Path> TRUST_ANCHORS = add("delivery.trustAnchors", path(), null,
            "PEM file of CA certificates trusted for `verify` besides the JDK's (a private CA)");
    public static final Parameter<Boolean> MTA_STS = add("delivery.mtaSts", bool(), true,
            "honour recipient domains' MTA-STS policies (RFC 8461): `enforce` = only the MX hosts named, verified TLS");
    public static final Parameter<Boolean> DANE = add("delivery.dane", bool(), true,
            "honour DNSSEC-signed TLSA records of MX hosts (RFC 7672): TLS that must match them");

    // --- routes (a list of mappings) ---------------------------------------------------------
    public static final Parameter<String> ROUTE_DOMAIN = add("routes[].domain",
            text(Syntax::isRouteDomain, "a domain such as partner.example, or .partner.example for its subdomains"),
            d -> null, "(no routes)", "a route domain: `partner.example` exactly, `.partner.example` its subdomains");
    public static final Parameter<String> ROUTE_NEXT_HOP = add("routes[].nextHop", NEXT_HOP, d -> null,
            "the usual way", "where that domain's mail goes, in the smart host's syntax; overrides the smart host;"
                    + " absent: the smart host or MX, as for any domain");
    public static final Parameter<Integer> ROUTE_CONNECTIONS = add("routes[].connections", integer(1), d -> null,
            "`delivery.connections.perDomain`", "most deliveries at once for this domain's mail (its own destination)");
    public static final Parameter<TernConfig.Rate> ROUTE_RATE = add("routes[].rate", rate(), d -> null, "no limit",
            "most messages started per second, minute or hour, `N/s`, `N/m` or `N/h`, spaced evenly (`2/s`: one"
                    + " every 500 ms); a reload applies it to the next dispatch");
    public static final Parameter<OutboundTls> ROUTE_TLS = add("routes[].tls", choice(outboundTlsWords()), d -> null,
            "`verify` with `auth` (unless the next hop is a loopback address), else `delivery.tls`", "TLS level for this route's next hop, as `delivery.tls`");
    public static final Parameter<String> ROUTE_AUTH_USERNAME = add("routes[].auth.username", string(), d -> null, "",
            "AUTH user name for this route's next hop only (the smart host's credentials never go to a route)");
    public static final Parameter<String> ROUTE_AUTH_PASSWORD = add("routes[].auth.password", secret(), d -> null, "",
            "AUTH password for this route's next hop (never printed); sent under the smart host's rule");

    // --- dkim (a list of mappings) -----------------------------------------------------------
    public static final Parameter<String> DKIM_DOMAIN = add("dkim[].domain", domain(), d -> null, "(no signing)",
            "sign mail from our own users (`relay.allowFrom` or AUTH) whose From: is this domain or below it,"
                    + " with `d=` this domain; two entries for one domain sign twice");
    public static final Parameter<String> DKIM_SELECTOR = add("dkim[].selector",
            text(s -> s.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}"), "a selector such as s2026 (letters, digits, '-', '.')"),
            d -> null, "", "`s=`: the public key is the TXT record `<selector>._domainkey.<domain>`");
    public static final Parameter<Path> DKIM_PRIVATE_KEY = add("dkim[].privateKey", path(), d -> null, "",
            "PEM (PKCS#8) private key: RSA of 2048 bits or more (rsa-sha256) or Ed25519 (ed25519-sha256);"
                    + " `tern dkim keygen DOMAIN SELECTOR` writes one");

    // --- dns, journal, admin -----------------------------------------------------------------
    public static final Parameter<List<String>> DNS_SERVERS = add("dns.servers",
            strings(v -> Syntax.isServer(v) ? v : null,
                    "a DNS server as host or host:port, e.g. 127.0.0.1:5353 or [::1]:53"),
            d -> List.of(), "`[]` = the system resolver", "DNS servers as `host` or `host:port`");
    public static final Parameter<Duration> DNS_TIMEOUT = add("dns.timeout", duration(), Duration.ofSeconds(5),
            "timeout of one DNS query");
    public static final Parameter<Path> DNS_TRUST_ANCHOR = add("dns.trustAnchor", path(), null,
            "DNSSEC trust anchors for DANE: a file of DS or DNSKEY records (zone-file lines); none = the IANA root's");
    public static final Parameter<Sync> JOURNAL_SYNC = add("journal.sync",
            choice(orderedMap("batch", Sync.BATCH, "none", Sync.NONE)), Sync.BATCH,
            "`batch`: msync (group commit) before every 250; `none`: leave it to the OS");
    public static final Parameter<Duration> JOURNAL_RETAIN = add("journal.retain", duration(), Duration.ofDays(7),
            "finished journal cycles older than this are deleted");
    public static final Parameter<String> ADMIN_LISTEN = add("admin.listen",
            text(s -> s.isBlank() || listener(s) != null,
                    "host:port such as 127.0.0.1:8025, or \"\" for no admin endpoint"),
            "127.0.0.1:8025", "`/metrics` (Prometheus), `/health/live`, `/health/ready`, the actions that need"
                    + " `admin.token`, and the web console; `\"\"` = off");


    // --- cluster -----------------------------------------------------------------------------
    public static final Parameter<String> CLUSTER_REDIS = add("cluster.redis",
            text(s -> s.matches("rediss?://[^\\s]+"), "a Redis URI such as redis://127.0.0.1:6379"), null,
            "Redis shared by the nodes of a cluster: cluster-wide connection and rate limits, the node registry;"
                    + " none = a single node");
    public static final Parameter<String> CLUSTER_NODE = add("cluster.node",
            text(s -> s.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}"), "a node name: letters, digits, '.', '_', '-'"),
            Defaults::fqdn, "`<server.fqdn>`", "this node's name in the cluster's registry");

    private static final List<Parameter<?>> TABLE = Collections.unmodifiableList(new ArrayList<>(ALL));

    /** Every key, in README order. */
    public static List<Parameter<?>> all() {
        return TABLE;
    }

    /** The parameter called {@code key} ({@code routes[].domain} for list items), or null. */
    public static Parameter<?> find(String key) {
        for (Parameter<?> p : TABLE) {
            if (p.key().equals(key)) {
                return p;
            }
        }
        return null;
    }

    /**
     * The names a mapping may hold, in file order: for {@code ""} the sections, for
     * {@code server} its keys and nested mappings ({@code tls}, {@code auth}), for
     * {@code routes[]} the keys of one route.
     */
    public static List<String> keysOf(String section) {
        Set<String> names = new LinkedHashSet<>();
        String prefix = section.isEmpty() ? "" : section + ".";
        for (Parameter<?> p : TABLE) {
            if (p.key().startsWith(prefix)) {
                String rest = p.key().substring(prefix.length());
                int end = rest.indexOf('.');
                String name = end < 0 ? rest : rest.substring(0, end);
                names.add(name.endsWith("[]") ? name.substring(0, name.length() - 2) : name);
            }
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("no parameters under " + section);
        }
        return List.copyOf(names);
    }

    /** The README's configuration table, generated: {@code | `key` | default | meaning |}. */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder("| Key | Default | Meaning |\n|---|---|---|\n");
        for (Parameter<?> p : TABLE) {
            String def = p.readmeDefault();
            sb.append("| `").append(p.key()).append("` |").append(def.isEmpty() ? "" : " " + def).append(" | ")
                    .append(p.description()).append(" |\n");
        }
        return sb.toString();
    }

    static Listener listener(String text) {
        try {
            Listener l = Listener.parse(text.trim());
            return Syntax.isHost(l.host()) ? l : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Map<String, OutboundTls> outboundTlsWords() {
        return orderedMap("opportunistic", OutboundTls.OPPORTUNISTIC, "required", OutboundTls.REQUIRED,
                "verify", OutboundTls.VERIFY, "off", OutboundTls.OFF);
    }

    private static <E> Map<String, E> orderedMap(Object... wordsAndValues) {
        Map<String, E> m = new LinkedHashMap<>();
        for (int i = 0; i < wordsAndValues.length; i += 2) {
            @SuppressWarnings("unchecked")
            E value = (E) wordsAndValues[i + 1];
            m.put((String) wordsAndValues[i], value);
        }
        return Collections.unmodifiableMap(m);
    }
}
