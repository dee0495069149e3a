package tern.configfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class YamlEditTest {

    private static final String FILE = """
            # Tern at example.test
            server:
              fqdn: mail.example.test   # the greeting name
              listen: ["127.0.0.1:2525"]

            delivery:
                retry:
                    first: 15m     # IIS: 10 minutes
                    second: 30m
                smartHost: null
            routes:
            - domain: partner.example
              nextHop: "[127.0.0.1]:2601"
            - domain: other.example
            admin:
              listen: 127.0.0.1:8025
            """;

    @Test
    void replacesTheValueOnTheKeysOwnLineAndKeepsItsComment() {
        String edited = YamlEdit.set(FILE, "delivery.retry.first", "2h");
        assertThat(edited).isEqualTo(FILE.replace("first: 15m     # IIS", "first: 2h     # IIS"));
    }

    @Test
    void addsAMissingKeyAtTheEndOfItsSectionWithTheSectionsIndentation() {
        String edited = YamlEdit.set(FILE, "delivery.retry.third", "90m");
        assertThat(edited).contains("""
                        second: 30m
                        third: 90m
                    smartHost: null
                """);
    }

    @Test
    void createsTheSectionsAKeyNeedsUnderTheDeepestOneThatExists() {
        assertThat(YamlEdit.set(FILE, "delivery.connections.total", "50")).contains("""
                    smartHost: null
                    connections:
                        total: 50
                routes:
                """);
        assertThat(YamlEdit.set(FILE, "journal.retain", "3d")).endsWith("""
                  listen: 127.0.0.1:8025
                journal:
                  retain: 3d
                """);
    }

    @Test
    void aListIsLeftAloneAndTheSectionAfterItIsStillFound() {
        String edited = YamlEdit.set(FILE, "admin.listen", "\"127.0.0.1:9025\"");
        assertThat(edited).contains("  nextHop: \"[127.0.0.1]:2601\"\n- domain: other.example\nadmin:\n  listen: \"127.0.0.1:9025\"\n");
    }

    @Test
    void changesAndAddsKeysInsideAOneLineFlowMapping() {
        String flow = "delivery:\n  retry: {first: 15m, second: 30m}  # short\n";
        assertThat(YamlEdit.set(flow, "delivery.retry.second", "1h"))
                .isEqualTo("delivery:\n  retry: {first: 15m, second: 1h}  # short\n");
        assertThat(YamlEdit.set(flow, "delivery.retry.third", "2h"))
                .isEqualTo("delivery:\n  retry: {first: 15m, second: 30m, third: 2h}  # short\n");
        assertThat(YamlEdit.remove(flow, "delivery.retry.first"))
                .isEqualTo("delivery:\n  retry: { second: 30m}  # short\n");
    }

    @Test
    void removingAKeyDeletesItsLineAndAnAbsentKeyChangesNothing() {
        assertThat(YamlEdit.remove(FILE, "delivery.smartHost")).isEqualTo(FILE.replace("    smartHost: null\n", ""));
        assertThat(YamlEdit.remove(FILE, "delivery.masqueradeDomain")).isEqualTo(FILE);
    }

    @Test
    void anEmptyFileGetsTheWholePath() {
        assertThat(YamlEdit.set("", "delivery.retry.first", "1h")).isEqualTo("delivery:\n  retry:\n    first: 1h\n");
    }

    @Test
    void aSectionWithAValueOfItsOwnIsNotGuessedAt() {
        assertThatThrownBy(() -> YamlEdit.set("delivery: 5\n", "delivery.port", "26"))
                .hasMessageContaining("delivery has a value of its own");
    }
}
