package tern.config;

import static tern.config.Parameters.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tern.config.Parameter.Defaults;
import tern.config.TernConfig.Admin;
import tern.config.TernConfig.Connections;
import tern.config.TernConfig.Delivery;
import tern.config.TernConfig.Dns;
import tern.config.TernConfig.Domains;
import tern.config.TernConfig.Journal;
import tern.config.TernConfig.Listener;
import tern.config.TernConfig.Local;
import tern.config.TernConfig.Relay;
import tern.config.TernConfig.Retry;
import tern.config.TernConfig.Route;
import tern.config.TernConfig.Server;
import tern.config.TernConfig.SmartHostAuth;
import tern.config.TernConfig.Tls;

/**
 * Builds a {@link TernConfig} from the plain maps, lists and scalars a YAML file reads into,
 * key by key through {@link Parameters}, and checks what one key alone cannot: a TLS listener
 * needs a certificate, a password needs a user name, two routes may not name one domain.
 *
 * <p>Relative paths resolve against {@code baseDir}, the directory tern was started from, not
 * against the file's directory: the operator reads {@code ./data} as "here", wherever the file
 * lives. With a null {@code baseDir} paths stay as written (the defaults of the records).
 */
public final class ConfigReader {
    private final Path baseDir;
    private final String hostName;
    private final Settings settings = new Settings();

    private ConfigReader(Path baseDir, String hostName) {
        this.baseDir = baseDir == null ? null : baseDir.toAbsolutePath().normalize();
        this.hostName = hostName;
    }

    /** What a read produced: the configuration and every key's effective value. */
    public record Result(TernConfig config, Settings settings) {
    }

    /**
     * @param document the file's top-level mapping; empty for the defaults
     * @param baseDir  the directory relative paths resolve against; null keeps them relative
     * @param hostName the OS host name: the default {@code server.fqdn}
     */
    public static Result read(Map<?, ?> document, Path baseDir, String hostName) {
        ConfigReader reader = new ConfigReader(baseDir, hostName);
        return new Result(reader.config(document), reader.settings);
    }

    /** Every key at its default, paths as written. */
    public static TernConfig defaults(String hostName) {
        return read(Map.of(), null, hostName).config();
    }

    private TernConfig config(Map<?, ?> document) {
        ConfigSection root = new ConfigSection("", "", document, settings);
        Server server = server(root.section("server"));
        Defaults defaults = new Defaults(hostName, server.fqdn());
        return new TernConfig(
                server,
                domains(root.section("domains"), defaults),
                relay(root.section("relay"), defaults),
                delivery(root.section("delivery"), defaults),
                routes(root, defaults),
                dns(root.section("dns"), defaults),
                journal(root.section("journal"), defaults),
                admin(root.section("admin"), defaults),
                dkim(root, defaults),
                cluster(root.section("cluster"), defaults));
    }

    private Domains domains(ConfigSection s, Defaults d) {
        Path recipients = s.get(DOMAINS_RECIPIENTS, d);
        return new Domains(s.get(DOMAINS_LOCAL, d), recipients == null ? null : resolve(s, DOMAINS_RECIPIENTS, recipients));
    }

    private Server server(ConfigSection s) {
        Defaults d = new Defaults(hostName, hostName);
        String fqdn = s.get(SERVER_FQDN, d).toLowerCase(Locale.ROOT);
        s.show(SERVER_FQDN, fqdn);
        List<Listener> listen = s.get(SERVER_LISTEN, d);
        if (listen.isEmpty()) {
            throw new ConfigException(s.fullKey("listen"), "[]", "at least one host:port to accept mail on");
        }
        List<Listener> implicitTls = s.get(SERVER_IMPLICIT_TLS, d);
        ConfigSection tlsSection = s.section("tls");
        Tls tls = tls(tlsSection, s.has("tls"), d);
        if (!implicitTls.isEmpty() && tls == null) {
            throw new ConfigException(s.fullKey("implicitTls"), implicitTls.toString(),
                    "no implicit-TLS listener without server.tls.certificate and server.tls.privateKey");
        }
        Path dataDir = resolve(s, SERVER_DATA_DIR, s.get(SERVER_DATA_DIR, d));
        ConfigSection auth = s.section("auth");
        Path users = auth.get(SERVER_AUTH_USERS, d);
        users = users == null ? null : resolve(auth, SERVER_AUTH_USERS, users);
        return new Server(
                fqdn,
                listen,
                dataDir,
                s.get(SERVER_MAX_MESSAGE_SIZE, d),
                s.get(SERVER_MAX_RECIPIENTS, d),
                s.get(SERVER_MAX_CONNECTIONS, d),
                s.get(SERVER_IDLE_TIMEOUT, d),
                s.get(SERVER_REVERSE_DNS_LOOKUP, d),
                tls,
                implicitTls,
                s.get(SERVER_SUBMISSION, d),
                s.get(SERVER_MAX_CONNECTIONS_PER_CLIENT, d),
                s.get(SERVER_MAX_ERRORS, d),
                s.get(SERVER_GREETING_DELAY, d),
                users,
                s.get(SERVER_PROXY_PROTOCOL, d));
    }

    private Tls tls(ConfigSection s, boolean given, Defaults d) {
        Path certificate = existingFile(s, SERVER_TLS_CERTIFICATE, d);
        Path privateKey = existingFile(s, SERVER_TLS_PRIVATE_KEY, d);
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

    private Relay relay(ConfigSection s, Defaults d) {
        return new Relay(s.get(RELAY_ALLOW_FROM, d), s.get(RELAY_DOMAINS, d));
    }

    private Delivery delivery(ConfigSection s, Defaults d) {
        ConfigSection retry = s.section("retry");
        ConfigSection local = s.section("local");
        ConfigSection connections = s.section("connections");
        return new Delivery(
                new Retry(retry.get(RETRY_FIRST, d), retry.get(RETRY_SECOND, d), retry.get(RETRY_THIRD, d),
                        retry.get(RETRY_SUBSEQUENT, d), retry.get(RETRY_LIMIT, d)),
                s.get(DELAY_NOTIFICATION, d),
                s.get(EXPIRATION_TIMEOUT, d),
                new Local(local.get(LOCAL_DELAY_NOTIFICATION, d), local.get(LOCAL_EXPIRATION_TIMEOUT, d)),
                s.get(MAX_HOP_COUNT, d),
                s.get(MASQUERADE_DOMAIN, d),
                s.get(SMART_HOST, d),
                s.get(ATTEMPT_DIRECT, d),
                s.get(NDR_COPY_TO, d),
                s.get(PORT, d),
                new Connections(connections.get(CONNECTIONS_TOTAL, d), connections.get(CONNECTIONS_PER_DOMAIN, d),
                        connections.get(CONNECTIONS_TIMEOUT, d)),
                s.get(DELIVERY_TLS, d),
                auth(s.section("smartHostAuth"), SMART_HOST_AUTH_USERNAME, SMART_HOST_AUTH_PASSWORD, d),
                s.get(SMART_HOST_TLS, d),
                existingFile(s, TRUST_ANCHORS, d),
                s.get(MTA_STS, d),
                s.get(DANE, d));
    }

    private SmartHostAuth auth(ConfigSection s, Parameter<String> user, Parameter<String> secret, Defaults d) {
        String username = s.get(user, d);
        String password = s.get(secret, d);
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

    private List<Route> routes(ConfigSection root, Defaults d) {
        Map<String, String> seen = new HashMap<>();
        return root.sections("routes").stream().map(item -> {
            String domain = item.get(ROUTE_DOMAIN, d);
            if (domain == null) {
                throw new ConfigException(item.fullKey("domain"), null, "the domain this route is for");
            }
            domain = domain.toLowerCase(Locale.ROOT);
            String earlier = seen.putIfAbsent(domain, item.fullKey("domain"));
            if (earlier != null) {
                throw new ConfigException(item.fullKey("domain"), domain, "a domain no other route names (" + earlier + " does)");
            }
            String nextHop = item.get(ROUTE_NEXT_HOP, d); // absent: the usual way, with this route's limits
            return new Route(domain, nextHop, item.get(ROUTE_TLS, d),
                    auth(item.section("auth"), ROUTE_AUTH_USERNAME, ROUTE_AUTH_PASSWORD, d),
                    item.get(ROUTE_CONNECTIONS, d), item.get(ROUTE_RATE, d));
        }).toList();
    }

    private List<TernConfig.Dkim> dkim(ConfigSection root, Defaults d) {
        return root.sections("dkim").stream().map(item -> {
            String domain = item.get(DKIM_DOMAIN, d);
            if (domain == null) {
                throw new ConfigException(item.fullKey("domain"), null, "the domain whose mail this key signs");
            }
            String selector = item.get(DKIM_SELECTOR, d);
            if (selector == null) {
                throw new ConfigException(item.fullKey("selector"), null, "the selector of the key's TXT record");
            }
            Path key = existingFile(item, DKIM_PRIVATE_KEY, d);
            if (key == null) {
                throw new ConfigException(item.fullKey("privateKey"), null, "the PEM file of the private key");
            }
            return new TernConfig.Dkim(domain.toLowerCase(Locale.ROOT), selector, key);
        }).toList();
    }

    private Dns dns(ConfigSection s, Defaults d) {
        return new Dns(s.get(DNS_SERVERS, d), s.get(DNS_TIMEOUT, d), s.get(DNS_TRUST_ANCHOR, d));
    }

    private Journal journal(ConfigSection s, Defaults d) {
        return new Journal(s.get(JOURNAL_SYNC, d), s.get(JOURNAL_RETAIN, d));
    }

    private Admin admin(ConfigSection s, Defaults d) {
        // written as "" or null (~): no admin endpoint
        String listen = s.contains("listen") && !s.has("listen") ? "" : s.get(ADMIN_LISTEN, d).trim();
        s.show(ADMIN_LISTEN, listen);
        return new Admin(listen.isEmpty() ? null : listen);
    }

    private TernConfig.Cluster cluster(ConfigSection s, Defaults d) {
        String redis = s.get(CLUSTER_REDIS, d);
        String node = s.get(CLUSTER_NODE, d);
        return redis == null ? TernConfig.Cluster.NONE : new TernConfig.Cluster(redis, node);
    }

    private Path resolve(ConfigSection s, Parameter<Path> p, Path written) {
        if (baseDir == null) {
            return written;
        }
        Path resolved = baseDir.resolve(written).normalize();
        s.show(p, resolved);
        return resolved;
    }

    private Path existingFile(ConfigSection s, Parameter<Path> p, Defaults d) {
        Path written = s.get(p, d);
        if (written == null) {
            return null;
        }
        Path file = resolve(s, p, written);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ConfigException(s.fullKey(p.name()), written.toString(), "a readable file; " + file + " is not one");
        }
        return file;
    }
}
