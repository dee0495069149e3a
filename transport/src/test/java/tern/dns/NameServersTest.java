package tern.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NameServersTest {

    @Test
    void serversAreIpLiteralsWithAnOptionalPort() {
        assertThat(NameServers.parse(List.of("127.0.0.1:5353", "192.0.2.1", "[::1]:53", "::1")))
                .containsExactly(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 5353),
                        new InetSocketAddress(InetAddress.ofLiteral("192.0.2.1"), 53),
                        new InetSocketAddress(InetAddress.ofLiteral("::1"), 53),
                        new InetSocketAddress(InetAddress.ofLiteral("::1"), 53));
    }

    @Test
    void aServerNameIsRefusedBecauseFindingItWouldNeedTheSystemResolver() {
        assertThatThrownBy(() -> NameServers.parse(List.of("dns.example.test:53")))
                .hasMessageContaining("dns.example.test").hasMessageContaining("IP address");
        assertThatThrownBy(() -> NameServers.parse(List.of("127.0.0.1:x"))).hasMessageContaining("port");
    }

    @Test
    void systemServersAreTheNameserverLinesOfResolvConf(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("resolv.conf");
        Files.writeString(file, "# comment\nsearch example.test\nnameserver 192.0.2.53\nnameserver  2001:db8::53\noptions ndots:1\n");

        assertThat(NameServers.fromResolvConf(file)).containsExactly(
                new InetSocketAddress(InetAddress.ofLiteral("192.0.2.53"), 53),
                new InetSocketAddress(InetAddress.ofLiteral("2001:db8::53"), 53));
    }
}
