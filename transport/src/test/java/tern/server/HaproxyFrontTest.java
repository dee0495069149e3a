package tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.testing.LoopbackPorts;
import tern.testing.RequiredTool;
import tern.testing.SmtpTestClient;

/**
 * A real HAProxy in TCP mode in front of the server, sending PROXY protocol v2
 * ({@code send-proxy-v2}): the client's own address reaches Received and relay control.
 */
class HaproxyFrontTest {

    @TempDir
    Path dir;

    @Test
    void theClientBehindHaproxyIsTheOneJudgedAndRecorded() throws Exception {
        RequiredTool.program(Haproxy.locate(), "-v");
        PolicyConfig config = new PolicyConfig();
        config.proxyProtocol = List.of("127.0.0.1/32");
        config.relayFrom = List.of("127.0.0.1/32"); // the balancer may relay; its clients may not
        var spool = new RecordingSpool();
        try (ServerFixture f = ServerFixture.start(config.build(), spool)) {
            int tern = f.address().getPort();
            Haproxy haproxy = LoopbackPorts.startOnFreePort(port -> Haproxy.start(dir, port, tern));
            try (SmtpTestClient c = SmtpTestClient.connectFrom("127.0.0.2", new InetSocketAddress("127.0.0.1", haproxy.port))) {
                c.expect(220);
                c.expect("EHLO behind.example", 250);
                c.expect("MAIL FROM:<sender@example.org>", 250);
                assertThat(c.expect("RCPT TO:<someone@elsewhere.example>", 554).status()).isEqualTo("5.7.1");
                c.expect("RCPT TO:<user@tern.test>", 250);
                c.expect("DATA", 354);
                c.send("Subject: through haproxy\r\n\r\nhello\r\n.\r\n");
                c.expect(250);
                c.expect("QUIT", 221);
            } finally {
                haproxy.process.destroy();
                haproxy.process.waitFor();
            }
        }
        RecordingSpool.Stored stored = spool.messages().getFirst();
        assertThat(stored.envelope().clientAddress()).isEqualTo("127.0.0.2");
        assertThat(stored.text()).startsWith("Received: from behind.example ([127.0.0.2])");
    }

    private record Haproxy(Process process, int port) {

        static Haproxy start(Path dir, int port, int tern) throws IOException, InterruptedException {
            Path cfg = dir.resolve("haproxy-" + port + ".cfg");
            Files.writeString(cfg, """
                    defaults
                      mode tcp
                      timeout connect 5s
                      timeout client 60s
                      timeout server 60s
                    frontend smtp
                      bind 127.0.0.1:%d
                      default_backend tern
                    backend tern
                      server tern 127.0.0.1:%d send-proxy-v2
                    """.formatted(port, tern));
            Process p = new ProcessBuilder(locate(), "-db", "-f", cfg.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy-" + port + ".log").toFile()).start();
            while (true) { // listening, or gone (the port was taken after all: another is tried)
                if (!p.isAlive()) {
                    throw new IOException("haproxy ended: " + Files.readString(dir.resolve("haproxy-" + port + ".log")));
                }
                try (Socket probe = new Socket()) {
                    probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                    return new Haproxy(p, port);
                } catch (IOException notYet) {
                    Thread.sleep(20);
                }
            }
        }

        private static String locate() {
            for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin")) {
                if (Files.isExecutable(Path.of(dir, "haproxy"))) {
                    return dir + "/haproxy";
                }
            }
            return "haproxy";
        }
    }
}
