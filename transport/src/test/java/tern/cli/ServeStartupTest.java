package tern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.testing.Eventually;
import tern.testing.TernProcess;

/** What {@code tern serve} tells the operator as it starts: which file, and what is amiss. */
class ServeStartupTest {
    @TempDir
    Path dir;

    @Test
    void serveLogsTheFileTernConfigNamedAndWarnsAboutAnUnqualifiedName() throws Exception {
        Path config = Files.writeString(dir.resolve("from-env.yaml"), """
                server:
                  fqdn: vm.localdomain
                  listen: ["127.0.0.1:0"]
                  dataDir: %s
                admin:
                  listen: ""
                """.formatted(dir.resolve("data")));
        try (TernProcess serve = TernProcess.serve(List.of(), Map.of("TERN_CONFIG", config.toString()),
                dir.resolve("serve.log"))) {
            // The warning is the last thing start-up logs; the port opens a moment before it.
            Eventually.await("the start-up warning", () -> logOf(serve).contains("server.fqdn 'vm.localdomain'"));
            List<String> lines = serve.log().lines().toList();
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("INFO", "configuration: " + config + " (from $TERN_CONFIG)"));
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("WARN", "server.fqdn 'vm.localdomain'", "set server.fqdn"));
        }
    }

    private static String logOf(TernProcess serve) {
        try {
            return serve.log();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
