package tern.server;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import tern.config.TernConfig;
import tern.queue.QueueIdGenerator;
import tern.testing.SmtpTestClient;

/** A server on 127.0.0.1 with a free port, with settings small enough to hit every limit. */
final class ServerFixture implements AutoCloseable {

    static final String FQDN = "mx.tern.test";
    static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2025-06-03T11:05:30Z"));

    final SmtpServer server;

    ServerFixture(SmtpServer server) {
        this.server = server;
    }

    static TernConfig config(long maxMessageSize, int maxRecipients, int maxConnections, Duration idle,
                             List<String> relayFrom, List<String> relayDomains) {
        TernConfig d = TernConfig.defaults(FQDN);
        TernConfig.Server server = new TernConfig.Server(FQDN, List.of(TernConfig.Listener.parse("127.0.0.1:0")),
                Path.of("data"), maxMessageSize, maxRecipients, maxConnections, idle, false, null);
        return new TernConfig(server, new TernConfig.Domains(List.of("tern.test", FQDN)),
                new TernConfig.Relay(relayFrom, relayDomains), d.delivery(), List.of(), d.dns(), d.journal(), d.admin());
    }

    static TernConfig config() {
        return config(10_000, 5, 50, Duration.ofMinutes(1), List.of("127.0.0.0/8", "::1/128"), List.of());
    }

    static ServerFixture start(TernConfig config, RecordingSpool spool) {
        return new ServerFixture(SmtpServer.start(config, spool, new QueueIdGenerator(CLOCK), CLOCK));
    }

    /** With a resolver for {@code server.reverseDnsLookup}. */
    static ServerFixture start(TernConfig config, RecordingSpool spool, tern.dns.MailDns dns) {
        return new ServerFixture(SmtpServer.start(config, spool, new QueueIdGenerator(CLOCK), CLOCK, dns));
    }

    InetSocketAddress address() {
        return server.boundAddresses().getFirst();
    }

    SmtpTestClient connect() {
        SmtpTestClient client = SmtpTestClient.connect(address());
        client.expect(220);
        return client;
    }

    /** Connected and greeted with EHLO. */
    SmtpTestClient greeted() {
        SmtpTestClient client = connect();
        client.expect("EHLO client.example", 250);
        return client;
    }

    @Override
    public void close() {
        server.shutdown(Duration.ofSeconds(2));
    }
}
