package tern.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;
import tern.testing.TestDnsServer;

class MailDnsTest {
    private TestDnsServer server;
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-01-01T00:00:00Z"));
    private final InstantSource clock = () -> now.get();
    private final List<MailDns> opened = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = TestDnsServer.start();
    }

    @AfterEach
    void stop() {
        opened.forEach(MailDns::close);
        server.close();
    }

    private MailDns dns() {
        return dns(new Random(42));
    }

    private MailDns dns(Random random) {
        MailDns dns = MailDns.builder(List.of(server.address())).timeout(Duration.ofMillis(300))
                .clock(clock).random(random).build();
        opened.add(dns);
        return dns;
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void mxHostsAreSortedByPreference() throws Exception {
        server.mx("example.test", 30, "c.example.test").mx("example.test", 10, "a.example.test")
                .mx("example.test", 20, "b.example.test");

        MxResult result = await(dns().mx("example.test"));

        assertThat(result).isEqualTo(new MxResult.Hosts(List.of(new MxHost("a.example.test", 10),
                new MxHost("b.example.test", 20), new MxHost("c.example.test", 30))));
    }

    @Test
    void mxHostsOfEqualPreferenceAreShuffledToSpreadTheLoad() throws Exception {
        server.mx("example.test", 10, "a.example.test").mx("example.test", 10, "b.example.test")
                .mx("example.test", 10, "c.example.test").mx("example.test", 5, "first.example.test")
                .mx("example.test", 20, "last.example.test");
        MailDns dns = dns(new Random(7));

        Set<List<String>> orders = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            List<MxHost> hosts = ((MxResult.Hosts) await(dns.mx("example.test"))).hosts();
            assertThat(hosts.getFirst().host()).isEqualTo("first.example.test");
            assertThat(hosts.getLast().host()).isEqualTo("last.example.test");
            assertThat(hosts.subList(1, 4)).extracting(MxHost::host)
                    .containsExactlyInAnyOrder("a.example.test", "b.example.test", "c.example.test");
            orders.add(hosts.stream().map(MxHost::host).toList());
        }
        assertThat(orders).hasSizeGreaterThan(1);
        // the same seed gives the same order: tests of the dispatcher can rely on it
        assertThat(await(dns(new Random(3)).mx("example.test"))).isEqualTo(await(dns(new Random(3)).mx("example.test")));
    }

    @Test
    void domainWithoutMxRecordsIsItsOwnImplicitMx() throws Exception {
        server.a("plain.example.test", "127.0.0.9");

        assertThat(await(dns().mx("plain.example.test")))
                .isEqualTo(new MxResult.Hosts(List.of(new MxHost("plain.example.test", 0))));
    }

    @Test
    void nullMxMeansTheDomainAcceptsNoMailPermanently() throws Exception {
        server.nullMx("nomail.example.test");

        MxResult.Failure failure = (MxResult.Failure) await(dns().mx("nomail.example.test"));

        assertThat(failure.permanent()).isTrue();
        assertThat(failure.status()).isEqualTo("5.1.10");
        assertThat(failure.reply().isPermanent()).isTrue();
    }

    @Test
    void nonexistentDomainFailsPermanentlyWith512() throws Exception {
        MxResult.Failure failure = (MxResult.Failure) await(dns().mx("nowhere.example.test"));

        assertThat(failure.permanent()).isTrue();
        assertThat(failure.status()).isEqualTo("5.1.2");
    }

    @Test
    void servfailIsATransientFailure() throws Exception {
        server.servfail("broken.example.test");

        MxResult.Failure failure = (MxResult.Failure) await(dns().mx("broken.example.test"));

        assertThat(failure.permanent()).isFalse();
        assertThat(failure.status()).isEqualTo("4.4.3");
        assertThat(await(dns().mx("broken.example.test"))).isInstanceOf(MxResult.Failure.class);
        assertThat(server.queries("broken.example.test")).as("failures are not cached").isEqualTo(2);
    }

    @Test
    void timeoutIsATransientFailureAfterOneRetry() throws Exception {
        server.silent("slow.example.test");

        MxResult.Failure failure = (MxResult.Failure) await(dns().mx("slow.example.test"));

        assertThat(failure.permanent()).isFalse();
        assertThat(failure.status()).isEqualTo("4.4.3");
        assertThat(failure.text()).contains("timeout");
        assertThat(server.queries("slow.example.test")).isEqualTo(2);
    }

    @Test
    void addressesAreBothIpv4AndIpv6InterleavedIpv6First() throws Exception {
        server.a("mx.example.test", "127.0.0.2", "127.0.0.3").aaaa("mx.example.test", "::1");

        List<InetAddress> addresses = await(dns().addresses("mx.example.test"));

        assertThat(addresses).containsExactly(InetAddress.ofLiteral("::1"),
                InetAddress.ofLiteral("127.0.0.2"), InetAddress.ofLiteral("127.0.0.3"));
    }

    @Test
    void addressesFollowACname() throws Exception {
        server.cname("smtp.example.test", "real.example.test").a("real.example.test", "127.0.0.4");

        assertThat(await(dns().addresses("smtp.example.test"))).containsExactly(InetAddress.ofLiteral("127.0.0.4"));
    }

    @Test
    void hostWithoutAddressesFailsPermanentlyAndTimeoutTransiently() {
        server.mx("mxonly.example.test", 10, "x.example.test").silent("slow.example.test");
        MailDns dns = dns();

        assertThatThrownBy(() -> await(dns.addresses("nohost.example.test")))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(HostLookupException.class,
                        e -> assertThat(e.failure().status()).isEqualTo("5.1.2"));
        assertThatThrownBy(() -> await(dns.addresses("mxonly.example.test")))
                .cause().isInstanceOfSatisfying(HostLookupException.class,
                        e -> assertThat(e.failure().permanent()).isTrue());
        assertThatThrownBy(() -> await(dns.addresses("slow.example.test")))
                .cause().isInstanceOfSatisfying(HostLookupException.class,
                        e -> assertThat(e.failure().status()).isEqualTo("4.4.3"));
    }

    @Test
    void answersAreCachedForTheirTtl() throws Exception {
        server.ttl(60).mx("example.test", 10, "mx.example.test");
        MailDns dns = dns();

        await(dns.mx("example.test"));
        await(dns.mx("example.test"));
        assertThat(server.queries("example.test", Type.MX)).isEqualTo(1);

        now.set(now.get().plusSeconds(59));
        await(dns.mx("example.test"));
        assertThat(server.queries("example.test", Type.MX)).isEqualTo(1);

        now.set(now.get().plusSeconds(1));
        await(dns.mx("example.test"));
        assertThat(server.queries("example.test", Type.MX)).isEqualTo(2);
    }

    @Test
    void negativeAnswersAreCachedForTheSoaMinimum() throws Exception {
        server.negativeTtl(30);
        MailDns dns = dns();

        await(dns.mx("gone.example.test"));
        await(dns.mx("gone.example.test"));
        assertThat(server.queries("gone.example.test")).isEqualTo(1);

        now.set(now.get().plusSeconds(30));
        await(dns.mx("gone.example.test"));
        assertThat(server.queries("gone.example.test")).isEqualTo(2);
    }

    @Test
    void negativeCachingIsCappedAtAnHour() throws Exception {
        server.negativeTtl(86_400);
        MailDns dns = dns();

        await(dns.mx("gone.example.test"));
        now.set(now.get().plusSeconds(3600));
        await(dns.mx("gone.example.test"));

        assertThat(server.queries("gone.example.test")).isEqualTo(2);
    }

    @Test
    void queriesInFlightAreBoundedAndAllComplete() throws Exception {
        server.delay(Duration.ofMillis(5));
        for (int i = 0; i < 500; i++) {
            server.a("h" + i + ".example.test", "127.0.0.1");
        }
        MailDns dns = MailDns.builder(List.of(server.address())).timeout(Duration.ofSeconds(5)).maxInFlight(50).build();
        opened.add(dns);

        List<CompletableFuture<MxResult>> lookups = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            lookups.add(dns.mx("h" + i + ".example.test"));
        }
        CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        assertThat(lookups).allSatisfy(f -> assertThat(f.join()).isInstanceOf(MxResult.Hosts.class));
        assertThat(dns.peakQueriesInFlight()).isPositive().isLessThanOrEqualTo(50);
        assertThat(server.peakPending()).isLessThanOrEqualTo(50);
        assertThat(server.queries()).isEqualTo(500);
    }

    @Test
    void concurrentAskersOfOneQuestionShareOneQuery() throws Exception {
        server.delay(Duration.ofMillis(50)).mx("example.test", 10, "mx.example.test");
        MailDns dns = dns();

        var first = dns.mx("example.test");
        var second = dns.mx("example.test");

        assertThat(await(first)).isInstanceOf(MxResult.Hosts.class);
        assertThat(await(second)).isInstanceOf(MxResult.Hosts.class);
        assertThat(server.queries("example.test")).isEqualTo(1);
    }

    @Test
    void ptrNamesOfAnAddress() throws Exception {
        server.ptr("127.0.0.5", "mail.client.test").ptr("::1", "six.client.test");

        assertThat(await(dns().ptr(InetAddress.ofLiteral("127.0.0.5"))))
                .isEqualTo(new PtrResult.Names(List.of("mail.client.test")));
        assertThat(await(dns().ptr(InetAddress.ofLiteral("::1"))))
                .isEqualTo(new PtrResult.Names(List.of("six.client.test")));
        assertThat(await(dns().ptr(InetAddress.ofLiteral("127.0.0.6")))).isInstanceOf(PtrResult.NoName.class);
    }

    @Test
    void heloNameIsVerifiedWhenAForwardConfirmedPtrNameEqualsItIgnoringCaseAndTrailingDot() throws Exception {
        server.ptr("127.0.0.5", "mail.client.test").a("mail.client.test", "127.0.0.5");

        assertThat(await(dns().verify(InetAddress.ofLiteral("127.0.0.5"), "Mail.Client.TEST.")))
                .isEqualTo(new ReverseDnsCheck(ReverseDnsVerdict.VERIFIED, "mail.client.test"));
    }

    @Test
    void heloNameIsUnverifiedWhenItDiffersFromThePtrNameOrThePtrNameDoesNotPointBack() throws Exception {
        server.ptr("127.0.0.5", "mail.client.test").a("mail.client.test", "127.0.0.5")
                .ptr("127.0.0.6", "liar.client.test").a("liar.client.test", "127.0.0.99");

        assertThat(await(dns().verify(InetAddress.ofLiteral("127.0.0.5"), "other.client.test")))
                .isEqualTo(new ReverseDnsCheck(ReverseDnsVerdict.UNVERIFIED, "mail.client.test"));
        assertThat(await(dns().verify(InetAddress.ofLiteral("127.0.0.6"), "liar.client.test")))
                .isEqualTo(new ReverseDnsCheck(ReverseDnsVerdict.UNVERIFIED, null));
    }

    @Test
    void reverseDnsFailsWithoutPtrOrOnServfailOrTimeout() throws Exception {
        server.servfail("7.0.0.127.in-addr.arpa").silent("8.0.0.127.in-addr.arpa");

        assertThat(await(dns().verify(InetAddress.ofLiteral("127.0.0.6"), "x.test"))).isEqualTo(ReverseDnsCheck.FAILED);
        assertThat(await(dns().verify(InetAddress.ofLiteral("127.0.0.7"), "x.test"))).isEqualTo(ReverseDnsCheck.FAILED);
        assertThat(await(dns().verify(InetAddress.ofLiteral("127.0.0.8"), "x.test"))).isEqualTo(ReverseDnsCheck.FAILED);
    }

    @Test
    void anAddressLiteralEqualToTheClientIsVerifiedWithOrWithoutAPtrName() throws Exception {
        server.ptr("127.0.0.10", "ten.client.test").a("ten.client.test", "127.0.0.10");

        assertThat(await(dns().verify(InetAddress.ofLiteral("127.0.0.10"), "[127.0.0.10]")))
                .isEqualTo(new ReverseDnsCheck(ReverseDnsVerdict.VERIFIED, "ten.client.test"));
        assertThat(await(dns().verify(InetAddress.ofLiteral("127.0.0.11"), "[127.0.0.11]")))
                .isEqualTo(new ReverseDnsCheck(ReverseDnsVerdict.VERIFIED, null));
        assertThat(await(dns().verify(InetAddress.ofLiteral("::1"), "[IPv6:0:0:0:0:0:0:0:1]")).verdict())
                .isEqualTo(ReverseDnsVerdict.VERIFIED);
        assertThat(await(dns().verify(InetAddress.ofLiteral("127.0.0.10"), "[127.0.0.99]")))
                .isEqualTo(new ReverseDnsCheck(ReverseDnsVerdict.UNVERIFIED, "ten.client.test"));
    }
}
