package tern.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import tern.config.TernConfig;
import tern.configfile.ConfigLoader;
import tern.queue.QueueId;
import tern.queue.QueueState;
import tern.runtime.MailServer;

/**
 * A whole Tern server in this JVM, on the system clock, listening on a free loopback port,
 * its data in a directory of the test's. The YAML given is the rest of the configuration
 * (domains, delivery, routes, dns); the server section and a disabled admin listener are
 * written here.
 */
public final class TernInstance implements AutoCloseable {

    private final MailServer server;
    private final Path dataDir;

    private TernInstance(MailServer server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    public static TernInstance start(Path dir, String fqdn, String yaml) throws IOException {
        Path data = dir.resolve("data");
        String text = """
                server:
                  fqdn: %s
                  listen: ["127.0.0.1:0"]
                  dataDir: %s
                admin:
                  listen: ""
                """.formatted(fqdn, data) + yaml;
        TernConfig config = new ConfigLoader(dir, "host.tern.test").parse(text, "test");
        return new TernInstance(MailServer.start(config, InstantSource.system()), data);
    }

    public MailServer server() {
        return server;
    }

    public InetSocketAddress smtp() {
        return server.smtpAddresses().getFirst();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Sends one message; returns its queue id. {@code mail} and each of {@code rcpts} may carry ESMTP parameters. */
    public QueueId send(String mail, List<String> rcpts, String message) {
        return Submission.send(smtp(), mail, rcpts, message);
    }

    /** A recipient's state as the queue manager holds it now; empty once the message has left the queue. */
    public java.util.Optional<QueueState.RecipientStatus> recipient(QueueId id, String name) {
        try {
            return server.queue().ask(s -> s.recipient(id, name)).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The files in {@code drop/<domain>/<localPart>/new}, oldest first. */
    public List<String> maildir(String localPart, String domain) throws IOException {
        return MaildirFolder.messages(dataDir.resolve("drop").resolve(domain).resolve(localPart));
    }

    /** Waits for {@code n} messages in a Maildir; returns them. */
    public List<String> awaitMaildir(String localPart, String domain, int n, Duration timeout) throws IOException {
        Eventually.await(n + " messages in the Maildir of " + localPart + "@" + domain, timeout, () -> {
            try {
                return maildir(localPart, domain).size() >= n;
            } catch (IOException e) {
                return false;
            }
        });
        return maildir(localPart, domain);
    }

    @Override
    public void close() {
        server.shutdown(Duration.ofSeconds(5));
    }
}
