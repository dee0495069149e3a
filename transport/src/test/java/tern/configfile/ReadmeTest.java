package tern.configfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README.md is the operator's manual for the configuration: it must stay true. */
class ReadmeTest {
    private static final Pattern TABLE_KEY = Pattern.compile("(?m)^\\| `([^`]+)` \\|");

    private static String readme() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("README.md"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("README.md above " + Path.of("").toAbsolutePath()).isNotNull();
        return Files.readString(dir.resolve("README.md"));
    }

    /** The key table of the Configuration section only: other tables (metrics) use the same row form. */
    private static List<String> tableKeys(String readme) {
        int start = readme.indexOf("## Configuration");
        int end = readme.indexOf("\n## ", start + 1);
        Matcher m = TABLE_KEY.matcher(readme.substring(start, end < 0 ? readme.length() : end));
        return m.results().map(r -> r.group(1)).toList();
    }

    @Test
    void theReadmeTableIsTheOneGeneratedFromTheParameterTable() throws IOException {
        // regenerate with: ./tern config --markdown
        assertThat(readme()).contains(tern.config.Parameters.markdownTable());
    }

    @Test
    void everyKeyTheLoaderAcceptsIsDocumentedInTheReadmeTable() throws IOException {
        assertThat(tableKeys(readme())).containsAll(ConfigLoader.keys());
    }

    @Test
    void everyKeyInTheReadmeTableIsOneTheLoaderAccepts() throws IOException {
        assertThat(ConfigLoader.keys()).containsAll(tableKeys(readme()));
    }

    @Test
    void theReadmesExampleFileLoads(@TempDir Path dir) throws IOException {
        String readme = readme();
        int start = readme.indexOf("```yaml\n");
        String yaml = readme.substring(start + 8, readme.indexOf("```", start + 8));
        Files.writeString(dir.resolve("cert.pem"), "c");
        Files.writeString(dir.resolve("key.pem"), "k");
        var config = new ConfigLoader(dir, "host.example.test").parse(yaml, "README.md");
        assertThat(config.server().fqdn()).isEqualTo("mail.example.test");
        assertThat(config.routes()).hasSize(1);
    }
}
