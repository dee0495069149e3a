package tern.configfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private ConfigLoader loader() {
        return new ConfigLoader(dir, "host.example.test");
    }

    private TernConfig parse(String yaml) {
        return loader().parse(yaml, "tern.yaml");
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static TernConfig defaultsIn(Path dir, String host) {
        TernConfig d = TernConfig.defaults(host);
        Server s = d.server();
        return new TernConfig(new Server(s.fqdn(), s.listen(), dir.resolve("data"), s.maxMessageSize(),
                s.maxRecipients(), s.maxConnections(), s.idleTimeout(), s.reverseDnsLookup(), s.tls()),
                d.domains(), d.relay(), d.delivery(), d.routes(), d.dns(), d.journal(), d.admin());
    }

    @Test
    void anEmptyFileGivesTheDefaults() throws IOException {
        assertThat(loader().load(write("empty.yaml", ""))).isEqualTo(defaultsIn(dir, "host.example.test"));
        assertThat(parse("# only a comment\n")).isEqualTo(defaultsIn(dir, "host.example.test"));
        assertThat(loader().defaults()).isEqualTo(defaultsIn(dir, "host.example.test"));
    }

    @Test
    void emptySectionsGiveTheDefaults() {
        assertThat(parse("server:\ndelivery:\n  retry:\nadmin:\n")).isEqualTo(defaultsIn(dir, "host.example.test"));
    }

    @Test
    void aFullFileLoadsIntoTheExpectedRecords() throws IOException {
        write("cert.pem", "-----BEGIN CERTIFICATE-----\n");
        write("key.pem", "-----BEGIN PRIVATE KEY-----\n");
        write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
        write("dkim.pem", "-----BEGIN PRIVATE KEY-----\n");
        String yaml = """
                server:
                  fqdn: Mail.Example.Test
                  listen: ["127.0.0.1:2525", "[::1]:2526", "0.0.0.0:0"]
                  dataDir: ./spool/tern
                  maxMessageSize: 10MB
                  maxRecipients: 50
                  maxConnections: 200
                  idleTimeout: 90s
                  reverseDnsLookup: true
                  tls: {certificate: cert.pem, privateKey: key.pem}
                  proxyProtocol: ["10.1.2.0/24"]
                domains:
                  local: [Example.Test, other.test]
                relay:
                  allowFrom: ["10.0.0.0/8", "192.0.2.7", "2001:db8::/32"]
                  domains: [relay.example]
                delivery:
                  retry: {first: 1m, second: 2m, third: 3m, subsequent: 4h, limit: 7}
                  delayNotification: 6h
                  expirationTimeout: 3d
                  local: {delayNotification: 1h, expirationTimeout: PT5H}
                  maxHopCount: 30
                  masqueradeDomain: Example.Test
                  smartHost: "[smarthost.example]:587"
                  attemptDirectBeforeSmartHost: true
                  ndrCopyTo: postmaster@example.test
                  port: 2525
                  connections: {total: 50, perDomain: 5, timeout: 2m}
                  tls: required
                  smartHostAuth: {username: relayuser, password: 123456}
                  smartHostTls: verify
                  trustAnchors: ca.pem
                routes:
                  - {domain: Partner.Example, nextHop: "[127.0.0.1]:2601", tls: off}
                  - {domain: .sub.example, nextHop: "mx.sub.example", auth: {username: sub, password: s3}}
                  - {domain: shaped.example, connections: 3, rate: 100/m}
                dkim:
                  - {domain: Example.Test, selector: s2026, privateKey: dkim.pem}
                dns:
                  servers: ["127.0.0.1:5353", "::1", "ns.example"]
                  timeout: 2s
                journal:
                  sync: none
                  retain: 12h
                admin:
                  listen: 127.0.0.1:9025
                cluster:
                  redis: redis://127.0.0.1:6379
                  node: relay-1
                """;
        ConfigLoader loader = loader();
        TernConfig c = loader.load(write("tern.yaml", yaml));

        assertThat(c.server().proxyProtocol()).containsExactly("10.1.2.0/24");
        assertThat(c).usingRecursiveComparison().ignoringFields("server.proxyProtocol").isEqualTo(new TernConfig(
                new Server("mail.example.test",
                        List.of(new Listener("127.0.0.1", 2525), new Listener("::1", 2526), new Listener("0.0.0.0", 0)),
                        dir.resolve("spool/tern"), 10_000_000L, 50, 200, Duration.ofSeconds(90), true,
                        new Tls(dir.resolve("cert.pem"), dir.resolve("key.pem"))),
                new Domains(List.of("example.test", "other.test")),
                new Relay(List.of("10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32"), List.of("relay.example")),
                new Delivery(
                        new Retry(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(3), Duration.ofHours(4), 7),
                        Duration.ofHours(6), Duration.ofDays(3),
                        new Local(Duration.ofHours(1), Duration.ofHours(5)),
                        30, "example.test", "[smarthost.example]:587", true, "postmaster@example.test", 2525,
                        new Connections(50, 5, Duration.ofMinutes(2)), OutboundTls.REQUIRED,
                        new SmartHostAuth("relayuser", "123456"), OutboundTls.VERIFY, dir.resolve("ca.pem")),
                List.of(new Route("partner.example", "[127.0.0.1]:2601", OutboundTls.OFF, SmartHostAuth.NONE),
                        new Route(".sub.example", "mx.sub.example", null, new SmartHostAuth("sub", "s3")),
                        new Route("shaped.example", null, null, SmartHostAuth.NONE, 3,
                                new TernConfig.Rate(100, java.time.temporal.ChronoUnit.MINUTES))),
                new Dns(List.of("127.0.0.1:5353", "::1", "ns.example"), Duration.ofSeconds(2)),
                new Journal(Sync.NONE, Duration.ofHours(12)),
                new Admin("127.0.0.1:9025"),
                List.of(new TernConfig.Dkim("example.test", "s2026", dir.resolve("dkim.pem"))),
                new TernConfig.Cluster("redis://127.0.0.1:6379", "relay-1")));
        // the example names every key: none may be declared and then ignored by the loader
        assertThat(loader.settings().all().stream().map(st -> st.key().replaceAll("\\[\\d+]", "[]")))
                .containsAll(ConfigLoader.keys());
    }

    @Test
    void relativePathsResolveAgainstTheStartDirectoryNotTheFilesDirectory() throws IOException {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(etc.resolve("tern.yaml"), "server: {dataDir: var/tern}\n");
        assertThat(loader().load(Path.of("etc/tern.yaml")).server().dataDir()).isEqualTo(dir.resolve("var/tern"));
        assertThat(parse("server: {dataDir: /srv/tern}").server().dataDir()).isEqualTo(Path.of("/srv/tern"));
        assertThat(parse("domains: {recipients: etc/recipients}").domains().recipients())
                .isEqualTo(dir.resolve("etc/recipients"));
        assertThat(parse("domains: {local: [example.test]}").domains().recipients()).isNull();
    }

    @Test
    void localDomainsDefaultToLocalhostAndTheConfiguredFqdn() {
        assertThat(parse("server: {fqdn: mx.example.test}").domains().local())
                .containsExactly("localhost", "mx.example.test");
        assertThat(parse("domains: {local: []}").domains().local()).isEmpty();
    }

    @Test
    void aSingleStringStandsForAListOfOne() {
        assertThat(parse("server: {listen: \"127.0.0.1:25\"}").server().listen())
                .containsExactly(new Listener("127.0.0.1", 25));
    }

    @Test
    void sizesAreNumbersOfOctetsOrUnits() {
        assertThat(parse("server: {maxMessageSize: 1048576}").server().maxMessageSize()).isEqualTo(1_048_576L);
        assertThat(parse("server: {maxMessageSize: 35MB}").server().maxMessageSize()).isEqualTo(35_000_000L);
        assertThat(parse("server: {maxMessageSize: 10MiB}").server().maxMessageSize()).isEqualTo(10L << 20);
    }

    @Test
    void aBareOffIsTheTlsPolicyOffNotABoolean() {
        assertThat(parse("delivery: {tls: off}").delivery().tls()).isEqualTo(OutboundTls.OFF);
        assertThat(parse("delivery: {tls: Opportunistic}").delivery().tls()).isEqualTo(OutboundTls.OPPORTUNISTIC);
    }

    @Test
    void anEmptyAdminListenTurnsTheEndpointOff() {
        assertThat(parse("admin: {listen: \"\"}").admin().listen()).isNull();
        assertThat(parse("admin: {listen: null}").admin().listen()).isNull();
        assertThat(parse("admin: {}").admin()).isEqualTo(Admin.defaults());
    }

    // ---- errors: one test per class of mistake, each naming the full key ----

    private void assertRejected(String yaml, String key) {
        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key))
                .hasMessageStartingWith(key + ": ")
                .hasMessageContaining("expected");
    }

    @Test
    void anUnknownKeyIsRejectedWithItsFullName() {
        assertRejected("delivery:\n  retry:\n    frist: 15m\n", "delivery.retry.frist");
        assertRejected("sever: {fqdn: a.example}\n", "sever");
        assertRejected("routes:\n  - {domain: a.example, nextHop: b.example, via: c}\n", "routes[0].via");
    }

    @Test
    void anUnknownKeyNamesTheKeysThatAreKnown() {
        assertThatThrownBy(() -> parse("journal: {fsync: batch}"))
                .hasMessageContaining("sync, retain");
    }

    @Test
    void aWrongTypeIsRejectedWithItsFullName() {
        assertRejected("server: {maxRecipients: many}", "server.maxRecipients");
        assertRejected("server: {reverseDnsLookup: maybe}", "server.reverseDnsLookup");
        assertRejected("server: [fqdn]", "server");
        assertRejected("delivery: {retry: {first: 15}}", "delivery.retry.first");
        assertRejected("routes: {domain: a.example}", "routes");
        assertRejected("routes: [partner.example]", "routes[0]");
        assertRejected("server: {listen: [{host: x}]}", "server.listen[0]");
        assertRejected("delivery: {masqueradeDomain: yes}", "delivery.masqueradeDomain");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "delivery.retry.first      | delivery: {retry: {first: 15x}}",
            "delivery.retry.second     | delivery: {retry: {second: 0m}}",
            "delivery.expirationTimeout | delivery: {expirationTimeout: -PT1H}",
            "server.idleTimeout        | server: {idleTimeout: soon}",
            "journal.retain            | journal: {retain: P}",
            "server.maxMessageSize     | server: {maxMessageSize: 35XB}",
            "server.maxMessageSize     | server: {maxMessageSize: 0}",
            "server.maxRecipients      | server: {maxRecipients: 0}",
            "server.maxConnections     | server: {maxConnections: -1}",
            "delivery.retry.limit      | delivery: {retry: {limit: -1}}",
            "delivery.maxHopCount      | delivery: {maxHopCount: 0}",
            "delivery.connections.perDomain | delivery: {connections: {perDomain: 0}}",
            "delivery.port             | delivery: {port: 65536}",
            "delivery.port             | delivery: {port: 0}",
            "server.listen[1]          | server: {listen: ['127.0.0.1:25', '127.0.0.1:70000']}",
            "server.listen[0]          | server: {listen: ['127.0.0.1']}",
            "server.listen[0]          | server: {listen: ['bad host!:25']}",
            "server.listen             | server: {listen: []}",
            "server.fqdn               | server: {fqdn: 'mail..example'}",
            "server.fqdn               | server: {fqdn: '-mail.example'}",
            "delivery.masqueradeDomain | delivery: {masqueradeDomain: 'exa mple.com'}",
            "domains.local[1]          | domains: {local: [a.example, 'b_c.example']}",
            "relay.domains[0]          | relay: {domains: ['*.example']}",
            "relay.allowFrom[1]        | relay: {allowFrom: ['10.0.0.0/8', '10.0.0.0/33']}",
            "relay.allowFrom[0]        | relay: {allowFrom: ['localhost']}",
            "relay.allowFrom[0]        | relay: {allowFrom: ['::1/129']}",
            "delivery.smartHost        | delivery: {smartHost: '[smart.example:25'}",
            "delivery.smartHost        | delivery: {smartHost: 'smart.example:port'}",
            "delivery.smartHost        | delivery: {smartHost: '2001:db8::1'}",
            "delivery.ndrCopyTo        | delivery: {ndrCopyTo: postmaster}",
            "delivery.ndrCopyTo        | delivery: {ndrCopyTo: 'a..b@example.com'}",
            "delivery.tls              | delivery: {tls: sometimes}",
            "delivery.tls              | delivery: {tls: on}",
            "journal.sync              | journal: {sync: always}",
            "dns.servers[0]            | dns: {servers: ['127.0.0.1:99999']}",
            "dns.timeout               | dns: {timeout: 0s}",
            "admin.listen              | admin: {listen: 8025}",
            "routes[2].nextHop         | routes: [{domain: a.example, nextHop: x.example}, {domain: b.example, nextHop: y.example}, {domain: c.example, nextHop: '[z'}]",
            "routes[0].domain          | routes: [{domain: '..a.example', nextHop: x.example}]",
            "routes[0].domain          | routes: [{nextHop: x.example}]",
            "routes[0].connections     | routes: [{domain: a.example, connections: 0}]",
            "routes[0].rate            | routes: [{domain: a.example, rate: 5/d}]",
            "routes[0].rate            | routes: [{domain: a.example, rate: fast}]",
            "routes[1].domain          | routes: [{domain: a.example, nextHop: x.example}, {domain: A.example, nextHop: y.example}]",
            "delivery.smartHostAuth.password | delivery: {smartHostAuth: {username: u}}",
            "delivery.smartHostAuth.username | delivery: {smartHostAuth: {password: p}}",
            "server.tls.certificate    | server: {tls: {}}",
    })
    void aBadValueIsRejectedWithItsFullName(String key, String yaml) {
        assertRejected(yaml, key);
    }

    @Test
    void aTlsFileThatDoesNotExistIsRejected() throws IOException {
        write("key.pem", "k");
        assertThatThrownBy(() -> parse("server: {tls: {certificate: nope.pem, privateKey: key.pem}}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("server.tls.certificate: 'nope.pem'")
                .hasMessageContaining(dir.resolve("nope.pem").toString());
        write("cert.pem", "c");
        assertRejected("server: {tls: {certificate: cert.pem}}", "server.tls.privateKey");
    }

    @Test
    void aPasswordNeverAppearsInAnError() {
        assertThatThrownBy(() -> parse("delivery: {smartHostAuth: {username: u, password: yes}}"))
                .hasMessageStartingWith("delivery.smartHostAuth.password: '***'");
        assertThatThrownBy(() -> parse("delivery: {smartHostAuth: {username: u, pasword: secret}}"))
                .hasMessageStartingWith("delivery.smartHostAuth.pasword: 'secret'"); // a typo is not known to be secret
    }

    @Test
    void malformedYamlNamesTheFileAndTheLine() {
        assertThatThrownBy(() -> parse("server:\n  fqdn: [unclosed\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tern.yaml: ")
                .hasMessageContaining("line ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aKeyWrittenTwiceIsRejected() {
        assertThatThrownBy(() -> parse("server:\n  fqdn: a.example\n  fqdn: b.example\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("duplicate key fqdn");
    }

    @Test
    void aDocumentThatIsNotAMappingIsRejected() {
        assertThatThrownBy(() -> parse("- server\n")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tern.yaml: ");
    }

    @Test
    void aMissingFileIsAConfigError() {
        assertThatThrownBy(() -> loader().load(Path.of("nope.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nope.yaml").hasMessageContaining("no such file");
    }

    @Test
    void yamlTagsThatBuildObjectsAreRefused() {
        assertThatThrownBy(() -> parse("server: !!javax.script.ScriptEngineManager [x]\n"))
                .isInstanceOf(ConfigException.class);
    }
}
