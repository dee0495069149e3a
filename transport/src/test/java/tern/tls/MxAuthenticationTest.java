package tern.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.client.ClientSettings;
import tern.config.ConfigException;
import tern.config.TernConfig;
import tern.config.TernConfig.OutboundTls;
import tern.dns.MailDns;
import tern.dns.MxHost;
import tern.testing.TestDnsServer;

class MxAuthenticationTest {
    @TempDir
    Path dir;

    private static TernConfig withDns(TernConfig.Dns dns) {
        TernConfig d = TernConfig.defaults("h.test");
        return new TernConfig(d.server(), d.domains(), d.relay(), d.delivery(), d.routes(), dns, d.journal(), d.admin());
    }

    @Test
    void anUnreadableOrEmptyTrustAnchorFileStopsStartUpNamingTheKey() throws Exception {
        try (TestDnsServer server = TestDnsServer.start();
             MailDns dns = MailDns.builder(List.of(server.address())).build()) {
            TernConfig missing = withDns(new TernConfig.Dns(List.of(server.server()), Duration.ofSeconds(1), dir.resolve("none.ds")));
            assertThatThrownBy(() -> MxAuthentication.forServing(missing, dns, InstantSource.system()))
                    .isInstanceOf(ConfigException.class).hasMessageStartingWith("dns.trustAnchor: ");
            Path empty = Files.writeString(dir.resolve("empty.ds"), "; nothing here\n");
            TernConfig noAnchor = withDns(new TernConfig.Dns(List.of(server.server()), Duration.ofSeconds(1), empty));
            assertThatThrownBy(() -> MxAuthentication.forServing(noAnchor, dns, InstantSource.system()))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("DS or DNSKEY records");
            Path good = Files.writeString(dir.resolve("test.ds"), server.sign("secure.test") + "\n");
            TernConfig anchored = withDns(new TernConfig.Dns(List.of(server.server()), Duration.ofSeconds(1), good));
            MxAuthentication.forServing(anchored, dns, InstantSource.system()).close();
        }
    }

    @Test
    void withBothSwitchedOffEveryHostKeepsTheConfiguredSettings() throws Exception {
        TernConfig d = TernConfig.defaults("h.test");
        var off = new TernConfig.Delivery(d.delivery().retry(), d.delivery().delayNotification(), d.delivery().expirationTimeout(),
                d.delivery().local(), d.delivery().maxHopCount(), null, null, false, null, 25, d.delivery().connections(),
                OutboundTls.OPPORTUNISTIC, TernConfig.SmartHostAuth.NONE, null, null, false, false);
        TernConfig config = new TernConfig(d.server(), d.domains(), d.relay(), off, d.routes(), d.dns(), d.journal(), d.admin());
        try (TestDnsServer server = TestDnsServer.start();
             MailDns dns = MailDns.builder(List.of(server.address())).build();
             MxAuthentication none = MxAuthentication.forServing(config, dns, InstantSource.system())) {
            server.txt("_mta-sts.a.test", "v=STSv1; id=1;");
            var settings = new ClientSettings("h.test", Duration.ofSeconds(1), OutboundTls.OPPORTUNISTIC, null, null);
            MxPlan plan = none.plan("a.test", List.of(new MxHost("mx.a.test", 10)), settings);
            assertThat(plan.candidates()).containsExactly(new MxPlan.Candidate(new MxHost("mx.a.test", 10), settings));
            assertThat(server.queries()).isZero(); // neither the TXT record nor any DNSSEC record was asked for
        }
    }
}
