package tern.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import tern.config.TernConfig;
import tern.testing.SelfSignedCertificate;

/** A test configuration with the inbound policy settings at hand; local domains tern.test and the FQDN. */
final class PolicyConfig {
    List<String> relayFrom = List.of("127.0.0.0/8", "::1/128");
    List<String> relayDomains = List.of();
    boolean reverseDns;
    Duration dnsTimeout = Duration.ofSeconds(5);
    boolean tls;
    boolean submission;
    boolean implicitTls;
    int maxConnections = 200;
    int maxConnectionsPerClient = 50;
    int maxErrors = 10;
    Duration greetingDelay = Duration.ZERO;
    Duration idle = Duration.ofMinutes(1);
    long maxMessageSize = 10_000;
    Path users;
    List<String> proxyProtocol = List.of();

    TernConfig build() {
        TernConfig d = TernConfig.defaults(ServerFixture.FQDN);
        TernConfig.Tls tlsFiles = null;
        if (tls || implicitTls) {
            var pem = SelfSignedCertificate.pem();
            tlsFiles = new TernConfig.Tls(pem.certificate(), pem.privateKey());
        }
        List<TernConfig.Listener> any = List.of(TernConfig.Listener.parse("127.0.0.1:0"));
        TernConfig.Server server = new TernConfig.Server(ServerFixture.FQDN, any, Path.of("data"), maxMessageSize, 5,
                maxConnections, idle, reverseDns, tlsFiles, implicitTls ? any : List.of(), submission ? any : List.of(),
                maxConnectionsPerClient, maxErrors, greetingDelay, users, proxyProtocol);
        return new TernConfig(server, new TernConfig.Domains(List.of("tern.test", ServerFixture.FQDN)),
                new TernConfig.Relay(relayFrom, relayDomains), d.delivery(), List.of(),
                new TernConfig.Dns(List.of(), dnsTimeout), d.journal(), d.admin());
    }
}
