package tern.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.queue.QueueId;
import tern.testing.Eventually;
import tern.testing.MaildirFolder;
import tern.testing.Submission;
import tern.testing.TernProcess;

/** TERN_LOG_FORMAT=json: every line on stderr is one JSON object; delivery lines carry their fields. */
class JsonLogTest {
    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The shipped logback.xml: the test class path would otherwise pick logback-test.xml. */
    private static String shippedLogbackXml() throws URISyntaxException {
        return Path.of(JsonLogTest.class.getResource("/logback.xml").toURI()).toString();
    }

    @Test
    void everyLineIsOneJsonObjectAndTheDeliveryLineCarriesItsFields() throws Exception {
        Path config = Files.writeString(dir.resolve("tern.yaml"), """
                server:
                  fqdn: mx.json.test
                  listen: ["127.0.0.1:0"]
                  dataDir: %s
                admin:
                  listen: ""
                """.formatted(dir.resolve("data")));
        QueueId id;
        List<JsonNode> lines = new ArrayList<>();
        try (TernProcess serve = TernProcess.serve(List.of("--config", config.toString()),
                Map.of("TERN_LOG_FORMAT", "json"), dir.resolve("serve.log"),
                "-Xmx512m", "-Dlogback.configurationFile=" + shippedLogbackXml())) {
            id = Submission.send(new InetSocketAddress("127.0.0.1", serve.smtpPort()), "<alice@sender.test>",
                    List.of("<bob@mx.json.test>"), "Subject: json\r\n\r\nhello\r\n");
            Path maildir = dir.resolve("data/drop/mx.json.test/bob");
            Eventually.await("the message in bob's Maildir", () -> MaildirFolder.messages(maildir).size() == 1);
            Eventually.await("the delivery line", () -> logOf(serve).contains("\"status\":\"sent\""));
            serve.terminate(Duration.ofSeconds(30));
            for (String line : serve.log().lines().toList()) {
                JsonNode node = JSON.readTree(line); // throws on any line that is not JSON
                assertThat(node.isObject()).as(line).isTrue();
                assertThat(node.has("timestamp") && node.has("level") && node.has("message")).as(line).isTrue();
                lines.add(node);
            }
        }
        assertThat(lines).anySatisfy(n -> {
            assertThat(n.path("queueId").asText()).isEqualTo(id.value());
            assertThat(n.path("status").asText()).isEqualTo("queued");
            assertThat(n.path("from").asText()).isEqualTo("alice@sender.test");
            assertThat(n.path("nrcpt").asInt()).isEqualTo(1);
        });
        assertThat(lines).anySatisfy(n -> {
            assertThat(n.path("queueId").asText()).isEqualTo(id.value());
            assertThat(n.path("to").asText()).isEqualTo("bob@mx.json.test");
            assertThat(n.path("relay").asText()).isEqualTo("local");
            assertThat(n.path("status").asText()).isEqualTo("sent");
            assertThat(n.path("dsn").asText()).isEqualTo("2.0.0");
            assertThat(n.path("delay").isNumber()).isTrue();
            assertThat(n.path("level").asText()).isEqualTo("INFO");
            assertThat(n.path("message").asText()).startsWith(id.value() + ": to=<bob@mx.json.test>, relay=local")
                    .contains("dsn=2.0.0, status=sent");
        });
    }

    private static String logOf(TernProcess serve) {
        try {
            return serve.log();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
