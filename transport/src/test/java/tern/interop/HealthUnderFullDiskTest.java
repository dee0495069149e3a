package tern.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.testing.Eventually;
import tern.testing.SmtpTestClient;

/**
 * {@code /health/ready} with a journal that cannot be written. The server runs as root here,
 * so taking the write permission away proves nothing; a real full file system does: the data
 * directory is on a 4 MB tmpfs that the test fills (as {@code JournalDiskFullTest} does for the
 * journal alone). The session's 452 is the journal failing; readiness must say so, and come
 * back by itself once space is freed, without any mail arriving to prove it.
 */
class HealthUnderFullDiskTest {

    @TempDir
    Path dir;

    private Path mount;
    private TernUnderTest tern;

    @BeforeEach
    void mountSmallTmpfs() throws Exception {
        mount = dir.resolve("small");
        Files.createDirectories(mount);
        Process mounting = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        String said = new String(mounting.getInputStream().readAllBytes());
        assertThat(mounting.waitFor()).as("mount a tmpfs (needs root): " + said).isZero();
    }

    @AfterEach
    void unmount() throws Exception {
        if (tern != null) {
            tern.close();
        }
        new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor();
    }

    @Test
    void readyIs503WithTheReasonWhileTheJournalCannotBeWrittenAndRecoversOnceSpaceIsFreed() throws Exception {
        tern = TernUnderTest.start(dir, """
                server:
                  fqdn: health.tern.test
                  listen: ["127.0.0.1:0"]
                  dataDir: %s
                domains:
                  local: [tern.test]
                admin:
                  listen: "127.0.0.1:0"
                """.formatted(mount.resolve("data")));
        var smtp = new InetSocketAddress("127.0.0.1", tern.smtpPort());

        HttpResponse<String> fine = get("/health/ready");
        assertThat(fine.statusCode()).as(fine.body()).isEqualTo(200);
        assertThat(fine.body()).contains("\"checks\":{\"listeners\":\"ok\",\"journal\":\"ok\",\"draining\":\"ok\",\"fqdn\":\"ok\"}");
        assertThat(send(smtp, "before").code()).isEqualTo(250);

        Path ballast = mount.resolve("ballast");
        fill(ballast);
        SmtpTestClient.Reply refused = null;
        for (int i = 0; i < 500 && refused == null; i++) {
            SmtpTestClient.Reply reply = send(smtp, "filling-" + i);
            if (reply.code() != 250) {
                refused = reply;
            }
        }
        assertThat(refused).as("a message refused on the full disk").isNotNull();
        assertThat(refused.code()).isEqualTo(452);

        HttpResponse<String> down = get("/health/ready");
        assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
        assertThat(down.body()).startsWith("{\"status\":\"DOWN\",\"reasons\":[\"journal: appends failing since ")
                .contains("\"journal\":\"not ready\"");
        assertThat(get("/health").statusCode()).isEqualTo(503);
        assertThat(get("/health/live").statusCode()).isEqualTo(200);

        Files.delete(ballast);
        Eventually.await("ready again once space is free", Duration.ofSeconds(15),
                () -> get("/health/ready").statusCode() == 200);
        assertThat(send(smtp, "after").code()).isEqualTo(250);
    }

    private static void fill(Path ballast) {
        try (OutputStream out = Files.newOutputStream(ballast)) {
            byte[] chunk = new byte[4096];
            while (true) {
                out.write(chunk);
            }
        } catch (IOException full) {
            // the file system is full
        }
    }

    private static SmtpTestClient.Reply send(InetSocketAddress smtp, String id) {
        try (SmtpTestClient c = SmtpTestClient.connect(smtp)) {
            c.expect(220);
            c.expect("EHLO client.test", 250);
            c.expect("MAIL FROM:<a@client.test>", 250);
            c.expect("RCPT TO:<box@tern.test>", 250);
            c.expect("DATA", 354);
            c.send("Subject: " + id + "\r\n\r\n" + "x".repeat(200).concat("\r\n").repeat(100) + ".\r\n");
            SmtpTestClient.Reply reply = c.read();
            c.send("QUIT\r\n");
            return reply;
        }
    }

    private HttpResponse<String> get(String path) {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            return http.send(HttpRequest.newBuilder(tern.adminUri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
