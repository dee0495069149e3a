package tern.interop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * dnsmasq as the authoritative-looking DNS of a test: 127.0.0.1 on one UDP/TCP port, no
 * upstream, no /etc/hosts, no config file, only the records given on its command line
 * ({@code --mx-host}, {@code --host-record}, {@code --ptr-record}), queries logged to a file.
 */
final class Dnsmasq implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int port;

    private Dnsmasq(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts dnsmasq on 127.0.0.1:{@code port} with these record options; waits until it answers. */
    static Dnsmasq start(Path dir, int port, String... records) throws IOException, InterruptedException {
        String dnsmasq = ExternalProgram.locate("dnsmasq");
        ExternalProgram.requireRoot("dnsmasq (it drops privileges to a system user)");
        List<String> command = new ArrayList<>(List.of(dnsmasq, "--no-daemon", "--port=" + port,
                "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--conf-file=/dev/null",
                "--pid-file=", "--log-queries", "--log-facility=-", "--local-ttl=1"));
        command.addAll(List.of(records));
        Path log = dir.resolve("dnsmasq.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        var server = new Dnsmasq(p, log, port);
        server.awaitAnswering(Duration.ofSeconds(10));
        return server;
    }

    private void awaitAnswering(Duration timeout) throws IOException, InterruptedException {
        // Only ever this server: an explicit address, never the system resolver.
        var resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        resolver.setTimeout(Duration.ofMillis(300));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("dnsmasq exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                Message answer = resolver.send(Message.newQuery(
                        Record.newRecord(Name.fromString("1.0.0.127.in-addr.arpa."), Type.PTR, DClass.IN)));
                if (answer.getRcode() != Rcode.SERVFAIL) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new IOException("dnsmasq did not answer on " + port + ":\n" + log());
            }
            Thread.sleep(50);
        }
    }

    /** For {@code dns.servers}. */
    String server() {
        return "127.0.0.1:" + port;
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
