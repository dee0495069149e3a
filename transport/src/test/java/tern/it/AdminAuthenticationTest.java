package tern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.testing.TernCommand;
import tern.testing.TernProcess;

/**
 * A real {@code tern serve} and the operator's commands in processes of their own: the
 * admin listener acts only for whoever holds {@code <dataDir>/admin.token}, which the first
 * start creates with mode 0600, and the command line reads it.
 */
class AdminAuthenticationTest {

    @TempDir
    Path dir;

    @Test
    void onlyTheTokenFromTheDataDirectoryLetsTheCommandLineAndHttpClientsAct() throws Exception {
        Path data = dir.resolve("data");
        Path config = dir.resolve("tern.yaml");
        // Port 0 to bind; once it listens, the file names the ports it got, as an operator's
        // would, so that the commands find the running server's admin listener.
        java.util.function.BiFunction<Integer, Integer, String> yaml = (port, admin) -> """
                server:
                  fqdn: admin.tern.test
                  listen: ["127.0.0.1:%d"]
                  dataDir: %s
                admin:
                  listen: "127.0.0.1:%d"
                """.formatted(port, data, admin);
        Files.writeString(config, yaml.apply(0, 0));
        String cfg = config.toString();

        try (TernProcess server = TernProcess.serve(config, dir.resolve("serve.log"))) {
            int adminPort = server.adminPort();
            Files.writeString(config, yaml.apply(server.smtpPort(), adminPort));
            Path tokenFile = data.resolve("admin.token");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
            String token = Files.readString(tokenFile).strip();

            // Anyone else who can reach the port: no token, a wrong one, a browser's form post.
            assertThat(post(adminPort, "/reload", null, null).statusCode()).isEqualTo(401);
            assertThat(post(adminPort, "/queue/retry?all=true", "Bearer wrong", null).statusCode()).isEqualTo(401);
            assertThat(post(adminPort, "/queue/retry?all=true", null, "application/x-www-form-urlencoded").statusCode())
                    .isEqualTo(401);
            assertThat(post(adminPort, "/queue/retry?all=true", "Bearer " + token, "application/x-www-form-urlencoded")
                    .statusCode()).isEqualTo(415);
            assertThat(get(adminPort, "/queue/retry?all=true").statusCode()).isEqualTo(405);
            HttpResponse<String> right = post(adminPort, "/queue/retry?all=true", "Bearer " + token, null);
            assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
            assertThat(server.log()).contains("admin: refused POST /reload from");

            // The operator: tern reload and tern queue retry read the token themselves.
            var reload = TernCommand.run("reload", "--config", cfg);
            assertThat(reload.exitCode()).as(reload.out()).isZero();
            assertThat(reload.out()).contains("{\"reloaded\":true}");
            var retry = TernCommand.run("queue", "retry", "--all", "--config", cfg);
            assertThat(retry.exitCode()).as(retry.out()).isZero();
            assertThat(retry.out()).contains("{\"retried\":0}");

            // A token file that is not the server's: refused, and the command says which file.
            Files.writeString(tokenFile, "not-the-servers-token\n");
            var refused = TernCommand.run("reload", "--config", cfg);
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.out()).contains("refused the admin token").contains(tokenFile.toString());
            var deleteRefused = TernCommand.run("queue", "delete", "0ABCDEFGHJK", "--config", cfg);
            assertThat(deleteRefused.exitCode()).isEqualTo(1);
            assertThat(deleteRefused.out()).contains("refused the admin token");

            assertThat(server.terminate(Duration.ofSeconds(20))).isZero();
        }
        // The next start reads the file as it is: the operator's own token now works.
        Files.writeString(config, yaml.apply(0, 0));
        try (TernProcess server = TernProcess.serve(config, dir.resolve("serve2.log"))) {
            int adminPort = server.adminPort();
            Files.writeString(config, yaml.apply(server.smtpPort(), adminPort));
            var reload = TernCommand.run("reload", "--config", cfg);
            assertThat(reload.exitCode()).as(reload.out()).isZero();
            assertThat(post(adminPort, "/reload", "Bearer not-the-servers-token", null).statusCode()).isEqualTo(200);
            assertThat(server.terminate(Duration.ofSeconds(20))).isZero();
        }
    }

    private static HttpResponse<String> post(int port, String path, String authorization, String contentType)
            throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString("id=x&all=true"));
        } else {
            request.POST(HttpRequest.BodyPublishers.noBody());
        }
        return send(request);
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

}
