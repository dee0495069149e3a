package tern.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.config.TernConfig;
import tern.envelope.Recipient;
import tern.testing.ScriptedSmtpServer;

class ConnectionCacheTest {
    private static final ClientSettings SETTINGS = new ClientSettings("relay.tern.test", Duration.ofSeconds(5),
            TernConfig.OutboundTls.OPPORTUNISTIC, null, TernConfig.SmartHostAuth.NONE);
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-01-01T00:00:00Z"));
    private final InstantSource clock = () -> now.get();

    private static Transaction message() {
        return Transaction.of(ReversePath.of(new Mailbox("s", "tern.test")),
                List.of(Recipient.of(new Mailbox("a", "example.test"))), "x\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aConnectionReleasedAMomentAgoIsLentAgainWithoutANoop() throws Exception {
        try (var server = ScriptedSmtpServer.builder().start();
             var cache = new ConnectionCache(Duration.ofSeconds(30), 10, clock)) {
            SmtpConnection c = SmtpConnection.open(server.address(), SETTINGS);
            c.send(message());
            cache.release(c);

            SmtpConnection again = cache.borrow(SmtpConnection.Key.of(server.address(), SETTINGS)).orElseThrow();
            again.send(message());

            assertThat(again).isSameAs(c);
            assertThat(server.messages()).hasSize(2);
            assertThat(server.commandLines(1)).doesNotContain("NOOP");
            cache.release(again);
        }
    }

    @Test
    void aConnectionIdleForSecondsIsLentAgainAfterANoop() throws Exception {
        try (var server = ScriptedSmtpServer.builder().start();
             var cache = new ConnectionCache(Duration.ofSeconds(30), 10, clock)) {
            SmtpConnection c = SmtpConnection.open(server.address(), SETTINGS);
            c.send(message());
            cache.release(c);
            now.set(now.get().plus(ConnectionCache.PROBE_AFTER));

            SmtpConnection again = cache.borrow(SmtpConnection.Key.of(server.address(), SETTINGS)).orElseThrow();
            again.send(message());

            assertThat(again).isSameAs(c);
            assertThat(server.connections()).isEqualTo(1);
            assertThat(server.messages()).hasSize(2);
            assertThat(server.commandLines(1)).contains("NOOP");
            assertThat(cache.borrow(SmtpConnection.Key.of(server.address(), SETTINGS))).as("lent out: not idle").isEmpty();
            cache.release(again);
        }
    }

    @Test
    void aConnectionIsLentOnlyForTheNameAndSettingsItWasOpenedWith() throws Exception {
        try (var server = ScriptedSmtpServer.builder().start();
             var cache = new ConnectionCache(Duration.ofSeconds(30), 10, clock)) {
            ClientSettings withCredentials = SETTINGS.withAuth(new TernConfig.SmartHostAuth("u", "p"));
            cache.release(SmtpConnection.open(new SmtpConnection.Key(server.address(), "smarthost.test", SETTINGS)));

            assertThat(cache.borrow(new SmtpConnection.Key(server.address(), "partner.test", SETTINGS))).isEmpty();
            assertThat(cache.borrow(new SmtpConnection.Key(server.address(), "smarthost.test", withCredentials))).isEmpty();
            assertThat(cache.borrow(new SmtpConnection.Key(server.address(), "smarthost.test", SETTINGS))).isPresent();
        }
    }

    @Test
    void aConnectionIdleTooLongIsClosedNotLent() throws Exception {
        try (var server = ScriptedSmtpServer.builder().start();
             var cache = new ConnectionCache(Duration.ofSeconds(30), 10, clock)) {
            cache.release(SmtpConnection.open(server.address(), SETTINGS));
            now.set(now.get().plusSeconds(30));

            assertThat(cache.borrow(SmtpConnection.Key.of(server.address(), SETTINGS))).isEmpty();
            assertThat(cache.idleCount()).isZero();
            assertThat(server.commandLines(1)).last().isEqualTo("QUIT");
        }
    }

    @Test
    void aConnectionTheServerDroppedIsNotLent() throws Exception {
        try (var server = ScriptedSmtpServer.builder().reply(ScriptedSmtpServer.Verb.NOOP, "421 4.4.2 Idle too long").start();
             var cache = new ConnectionCache(Duration.ofSeconds(30), 10, clock)) {
            cache.release(SmtpConnection.open(server.address(), SETTINGS));
            now.set(now.get().plus(ConnectionCache.PROBE_AFTER));

            assertThat(cache.borrow(SmtpConnection.Key.of(server.address(), SETTINGS))).isEmpty();
        }
    }

    @Test
    void aBrokenConnectionIsNotKept() throws Exception {
        try (var server = ScriptedSmtpServer.builder().reply(ScriptedSmtpServer.Verb.MESSAGE, ScriptedSmtpServer.HANG).start();
             var cache = new ConnectionCache(Duration.ofSeconds(30), 10, clock)) {
            SmtpConnection c = SmtpConnection.open(server.address(), SETTINGS.withTimeout(Duration.ofMillis(200)));
            try {
                c.send(message());
            } catch (SmtpException expected) {
                // timeout
            }
            cache.release(c);
            assertThat(cache.idleCount()).isZero();
        }
    }
}
