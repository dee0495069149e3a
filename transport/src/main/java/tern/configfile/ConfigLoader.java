package tern.configfile;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import tern.config.ConfigException;
import tern.config.TernConfig;
import tern.config.TernConfig.Admin;
import tern.config.TernConfig.Connections;
import tern.config.TernConfig.Delivery;
import tern.config.TernConfig.Dns;
import tern.config.TernConfig.Domains;
import tern.config.TernConfig.Journal;
import tern.config.TernConfig.Listener;
import tern.config.TernConfig.Local;
import tern.config.TernConfig.OutboundTls;
import tern.config.TernConfig.Relay;
import tern.config.TernConfig.Retry;
import tern.config.TernConfig.Route;
import tern.config.TernConfig.Server;
import tern.config.TernConfig.SmartHostAuth;
import tern.config.TernConfig.Sync;
import tern.config.TernConfig.Tls;

/**
 * Reads the one YAML configuration file into a {@link TernConfig}. Every key is optional and
 * takes its default from the records; a key Tern does not know, a value of the wrong type or
 * a value out of range throws a {@link ConfigException} naming the full dotted key.
 *
 * <p>Relative paths ({@code server.dataDir}, {@code server.tls.*}) resolve against
 * {@code baseDir}, the directory tern was started from, not against the file's directory: the
 * operator reads {@code ./data} as "here", wherever the file lives. The loaded configuration
 * holds absolute paths only.
 *
 * <p>The YAML is read with SnakeYAML's {@link SafeConstructor} into plain maps and lists: no
 * bean binding, no tags that build arbitrary objects.
 */
public final class ConfigLoader {
    private final Path baseDir;
    private final String hostName;
    private final Set<String> keysRead = new HashSet<>();

    /**
     * @param baseDir  the directory relative paths resolve against (the working directory)
     * @param hostName the OS host name: the default {@code server.fqdn}
     */
    public ConfigLoader(Path baseDir, String hostName) {
        this.baseDir = baseDir.toAbsolutePath().normalize();
        this.hostName = hostName;
    }

    /** Every key the file may hold, dotted: {@code server.fqdn}, {@code routes[].nextHop}. */
    public static List<String> keys() {
        return ConfigSchema.leafKeys();
    }

    /** The configuration with every key at its default (paths resolved). */
    public TernConfig defaults() {
        return fromMap(Map.of());
    }

    /** Reads {@code file} (UTF-8 YAML); an empty file gives the defaults. */
    public TernConfig load(Path file) {
        Path path = baseDir.resolve(file);
        String text;
        try {
            text = Files.readString(path);
        } catch (CharacterCodingException e) {
            throw new ConfigException(file.toString(), null, "a YAML file in UTF-8");
        } catch (IOException e) {
            throw new ConfigException("--config", file, "a readable file (" + describe(e) + ")");
        }
        return parse(text, file.toString());
    }

    /** Reads YAML text; {@code origin} names it in messages about malformed YAML. */
    public TernConfig parse(String yamlText, String origin) {
        Object document;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setAllowRecursiveKeys(false);
            document = new Yaml(new SafeConstructor(options)).load(yamlText);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark();
            String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            throw new ConfigException(origin, null, "well-formed YAML; " + e.getProblem() + where);
        } catch (YAMLException e) {
            throw new ConfigException(origin, null, "well-formed YAML; " + oneLine(e.getMessage()));
        }
        if (document == null) {
            return defaults();
        }
        if (!(document instanceof Map<?, ?> map)) {
            throw new ConfigException(origin, document, "a YAML mapping of sections (server:, delivery:, ...)");
        }
        return fromMap(map);
    }

    /** Which schema keys the last load looked at; the tests check none is forgotten. */
    Set<String> keysRead() {
        return Set.copyOf(keysRead);
    }

    private TernConfig fromMap(Map<?, ?> document) {
        keysRead.clear();
        ConfigSection root = new ConfigSection("", "", document, keysRead);
        Server server = server(root.section("server"));
        return new TernConfig(
                server,
                domains(root.section("domains"), server.fqdn()),
                relay(root.section("relay")),
                delivery(root.section("delivery")),
                routes(root),
                dns(root.section("dns")),
                journal(root.section("journal")),
                admin(root.section("admin")));
    }

    private Server server(ConfigSection s) {
        Server d = Server.defaults(hostName);
        String fqdn = s.string("fqdn", d.fqdn(), Syntax::isDomain, "a fully qualified domain name such as mail.example.com");
        List<Listener> listen = s.strings("listen", ConfigLoader::listener,
                "host:port with a port from 0 to 65535, e.g. 127.0.0.1:2525, 0.0.0.0:25 or [::1]:2525");
        if (listen != null && listen.isEmpty()) {
            throw new ConfigException(s.fullKey("listen"), "[]", "at least one host:port to accept mail on");
        }
        List<Listener> implicitTls = s.strings("implicitTls", ConfigLoader::listener,
                "host:port with a port from 0 to 65535, e.g. 0.0.0.0:465");
        List<Listener> submission = s.strings("submission", ConfigLoader::listener,
                "host:port with a port from 0 to 65535, e.g. 0.0.0.0:587");
        Tls tls = tls(s.section("tls"), s.has("tls"));
        if (implicitTls != null && !implicitTls.isEmpty() && tls == null) {
            throw new ConfigException(s.fullKey("implicitTls"), implicitTls.toString(),
                    "no implicit-TLS listener without server.tls.certificate and server.tls.privateKey");
        }
        ConfigSection auth = s.section("auth");
        return new Server(
                fqdn.toLowerCase(Locale.ROOT),
                listen == null ? d.listen() : listen,
                path(s, "dataDir", d.dataDir()),
                s.size("maxMessageSize", d.maxMessageSize()),
                s.integer("maxRecipients", d.maxRecipients(), 1),
                s.integer("maxConnections", d.maxConnections(), 1),
                s.duration("idleTimeout", d.idleTimeout()),
                s.bool("reverseDnsLookup", d.reverseDnsLookup()),
                tls,
                implicitTls == null ? d.implicitTls() : implicitTls,
                submission == null ? d.submission() : submission,
                s.integer("maxConnectionsPerClient", d.maxConnectionsPerClient(), 1),
                s.integer("maxErrors", d.maxErrors(), 1),
                s.duration("greetingDelay", d.greetingDelay()),
                auth.has("users") ? path(auth, "users", null) : null);
    }

    private Tls tls(ConfigSection s, boolean given) {
        Path certificate = existingFile(s, "certificate");
        Path privateKey = existingFile(s, "privateKey");
        if (!given) {
            return null;
        }
        if (certificate == null) {
            throw new ConfigException(s.fullKey("certificate"), null, "the PEM certificate (chain) file for STARTTLS");
        }
        if (privateKey == null) {
            throw new ConfigException(s.fullKey("privateKey"), null, "the PEM private key file for STARTTLS");
        }
        return new Tls(certificate, privateKey);
    }

    private Domains domains(ConfigSection s, String fqdn) {
        List<String> local = s.strings("local", ConfigLoader::domain, "a domain name such as example.com");
        return local == null ? Domains.defaults(fqdn) : new Domains(local);
    }

    private Relay relay(ConfigSection s) {
        Relay d = Relay.defaults();
        List<String> allowFrom = s.strings("allowFrom", Syntax::cidr,
                "a network in CIDR notation such as 192.0.2.0/24 or 2001:db8::/32, or one IP address");
        List<String> domains = s.strings("domains", ConfigLoader::domain, "a domain name such as example.com");
        return new Relay(allowFrom == null ? d.allowFrom() : allowFrom, domains == null ? d.domains() : domains);
    }

    private Delivery delivery(ConfigSection s) {
        Delivery d = Delivery.defaults();
        return new Delivery(
                retry(s.section("retry")),
                s.duration("delayNotification", d.delayNotification()),
                s.duration("expirationTimeout", d.expirationTimeout()),
                local(s.section("local")),
                s.integer("maxHopCount", d.maxHopCount(), 1),
                lower(s.string("masqueradeDomain", d.masqueradeDomain(), Syntax::isDomain,
                        "a domain name such as example.com")),
                s.string("smartHost", d.smartHost(), Syntax::isNextHop, NEXT_HOP),
                s.bool("attemptDirectBeforeSmartHost", d.attemptDirectBeforeSmartHost()),
                s.string("ndrCopyTo", d.ndrCopyTo(), Syntax::isMailbox, "a mail address such as postmaster@example.com"),
                s.port("port", d.port()),
                connections(s.section("connections")),
                outboundTls(s),
                smartHostAuth(s.section("smartHostAuth")));
    }

    private static final String NEXT_HOP =
            "a next hop: [host-or-ip]:port or [host-or-ip] (no MX lookup), or host or host:port (MX first)";

    private Retry retry(ConfigSection s) {
        Retry d = Retry.defaults();
        return new Retry(
                s.duration("first", d.first()),
                s.duration("second", d.second()),
                s.duration("third", d.third()),
                s.duration("subsequent", d.subsequent()),
                s.integer("limit", d.limit(), 0));
    }

    private Local local(ConfigSection s) {
        Local d = Local.defaults();
        return new Local(s.duration("delayNotification", d.delayNotification()),
                s.duration("expirationTimeout", d.expirationTimeout()));
    }

    private Connections connections(ConfigSection s) {
        Connections d = Connections.defaults();
        return new Connections(s.integer("total", d.total(), 1), s.integer("perDomain", d.perDomain(), 1),
                s.duration("timeout", d.timeout()));
    }

    private OutboundTls outboundTls(ConfigSection s) {
        Object v = s.raw("tls");
        if (v == null) {
            return Delivery.defaults().tls();
        }
        if (Boolean.FALSE.equals(v)) {
            return OutboundTls.OFF; // YAML 1.1 reads a bare `off` as false
        }
        return switch (v instanceof String str ? str.toLowerCase(Locale.ROOT) : "") {
            case "opportunistic" -> OutboundTls.OPPORTUNISTIC;
            case "required" -> OutboundTls.REQUIRED;
            case "off" -> OutboundTls.OFF;
            default -> throw new ConfigException(s.fullKey("tls"), v, "opportunistic, required or off");
        };
    }

    private SmartHostAuth smartHostAuth(ConfigSection s) {
        String username = s.string("username", null);
        String password = s.string("password", null);
        if (username == null && password == null) {
            return SmartHostAuth.NONE;
        }
        if (username == null || username.isEmpty()) {
            throw new ConfigException(s.fullKey("username"), username, "a user name to go with the password");
        }
        if (password == null) {
            throw new ConfigException(s.fullKey("password"), null, "a password to go with the user name");
        }
        return new SmartHostAuth(username, password);
    }

    private List<Route> routes(ConfigSection root) {
        List<ConfigSection> items = root.sections("routes");
        Map<String, String> seen = new HashMap<>();
        return items.stream().map(item -> {
            String domain = item.string("domain", null, Syntax::isRouteDomain,
                    "a domain such as partner.example, or .partner.example for its subdomains");
            if (domain == null) {
                throw new ConfigException(item.fullKey("domain"), null, "the domain this route is for");
            }
            domain = domain.toLowerCase(Locale.ROOT);
            String earlier = seen.putIfAbsent(domain, item.fullKey("domain"));
            if (earlier != null) {
                throw new ConfigException(item.fullKey("domain"), domain, "a domain no other route names (" + earlier + " does)");
            }
            String nextHop = item.string("nextHop", null, Syntax::isNextHop, NEXT_HOP);
            if (nextHop == null) {
                throw new ConfigException(item.fullKey("nextHop"), null, NEXT_HOP);
            }
            return new Route(domain, nextHop);
        }).toList();
    }

    private Dns dns(ConfigSection s) {
        Dns d = Dns.defaults();
        List<String> servers = s.strings("servers", v -> Syntax.isServer(v) ? v : null,
                "a DNS server as host or host:port, e.g. 127.0.0.1:5353 or [::1]:53");
        return new Dns(servers == null ? d.servers() : servers, s.duration("timeout", d.timeout()));
    }

    private Journal journal(ConfigSection s) {
        Journal d = Journal.defaults();
        String sync = s.string("sync", null);
        Sync mode = sync == null ? d.sync() : switch (sync.toLowerCase(Locale.ROOT)) {
            case "batch" -> Sync.BATCH;
            case "none" -> Sync.NONE;
            default -> throw new ConfigException(s.fullKey("sync"), sync, "batch or none");
        };
        return new Journal(mode, s.duration("retain", d.retain()));
    }

    private Admin admin(ConfigSection s) {
        if (!s.contains("listen")) {
            return Admin.defaults();
        }
        // written as "" or null: no admin endpoint
        String listen = s.string("listen", "").trim();
        if (listen.isEmpty()) {
            return new Admin(null);
        }
        if (listener(listen) == null) {
            throw new ConfigException(s.fullKey("listen"), listen,
                    "host:port such as 127.0.0.1:8025, or \"\" for no admin endpoint");
        }
        return new Admin(listen);
    }

    private static Listener listener(String text) {
        try {
            Listener l = Listener.parse(text.trim());
            return Syntax.isHost(l.host()) ? l : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String domain(String s) {
        return Syntax.isDomain(s) ? s.toLowerCase(Locale.ROOT) : null;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private Path path(ConfigSection s, String key, Path fallback) {
        String text = s.string(key, null);
        try {
            return baseDir.resolve(text == null ? fallback : Path.of(text)).normalize();
        } catch (InvalidPathException e) {
            throw new ConfigException(s.fullKey(key), text, "a file system path");
        }
    }

    private Path existingFile(ConfigSection s, String key) {
        if (!s.has(key)) {
            return null;
        }
        Path p = path(s, key, null);
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new ConfigException(s.fullKey(key), s.string(key, null), "a readable file; " + p + " is not one");
        }
        return p;
    }

    private static String describe(IOException e) {
        return switch (e) {
            case java.nio.file.NoSuchFileException x -> "no such file";
            case java.nio.file.AccessDeniedException x -> "permission denied";
            default -> oneLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        };
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
