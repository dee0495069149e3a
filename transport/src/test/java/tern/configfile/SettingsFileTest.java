package tern.configfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsFileTest {

    @TempDir
    Path dir;

    private SettingsFile file(String text) throws Exception {
        Path f = dir.resolve("tern.yaml");
        Files.writeString(f, text);
        return new SettingsFile(f, new ConfigLoader(dir, "host.tern.test"));
    }

    @Test
    void aBadValueIsRefusedNamingTheKeyAsStartUpWouldAndNothingIsWritten() throws Exception {
        SettingsFile f = file("delivery:\n  retry:\n    first: 15m\n");
        var edit = f.edit(Map.of("delivery.retry.first", "soon"));
        assertThat(edit.text()).isNull();
        assertThat(edit.errors()).containsOnlyKeys("delivery.retry.first");
        assertThat(edit.errors().get("delivery.retry.first"))
                .startsWith("delivery.retry.first: 'soon' is not valid; expected a duration");
        assertThat(Files.readString(f.file())).isEqualTo("delivery:\n  retry:\n    first: 15m\n");
    }

    @Test
    void checksAcrossKeysOnTheWholeNewFile() throws Exception {
        // A password without a user name: one key alone is fine, the file is not.
        SettingsFile f = file("delivery:\n  smartHostAuth:\n    password: secret\n");
        var edit = f.edit(Map.of("delivery.smartHostAuth.password", "other"));
        assertThat(edit.errors()).isNotEmpty();
        assertThat(edit.errors().keySet().iterator().next()).startsWith("delivery.smartHostAuth");
    }

    @Test
    void valuesAreWrittenSoTheyReadBackAsTyped() throws Exception {
        SettingsFile f = file("server:\n  fqdn: mail.tern.test\n");
        Map<String, String> values = new LinkedHashMap<>();
        values.put("delivery.smartHost", "[127.0.0.1]:2601");
        values.put("delivery.port", "2525");
        values.put("delivery.attemptDirectBeforeSmartHost", "true");
        values.put("delivery.tls", "off");
        values.put("delivery.smartHostAuth.username", "12345");
        values.put("delivery.smartHostAuth.password", "pa\"ss");
        var edit = f.edit(values);
        assertThat(edit.errors()).isEmpty();
        assertThat(edit.text()).contains("smartHost: \"[127.0.0.1]:2601\"", "port: 2525",
                "attemptDirectBeforeSmartHost: true", "tls: \"off\"", "username: \"12345\"", "password: \"pa\\\"ss\"");
        f.write(edit.text());
        var read = f.read().config().delivery();
        assertThat(read.smartHost()).isEqualTo("[127.0.0.1]:2601");
        assertThat(read.port()).isEqualTo(2525);
        assertThat(read.smartHostAuth().username()).isEqualTo("12345");
        assertThat(read.smartHostAuth().password()).isEqualTo("pa\"ss");
    }

    @Test
    void anEmptyValueRemovesTheKeySoItTakesItsDefault() throws Exception {
        SettingsFile f = file("delivery:\n  maxHopCount: 15\n  port: 25\n");
        var edit = f.edit(Map.of("delivery.maxHopCount", ""));
        assertThat(edit.text()).isEqualTo("delivery:\n  port: 25\n");
    }

    @Test
    void writingKeepsTheOldFileAsBakAndTheFilesMode() throws Exception {
        SettingsFile f = file("# mine\ndelivery:\n  retry:\n    first: 15m  # was 10m\n");
        Files.setPosixFilePermissions(f.file(), PosixFilePermissions.fromString("rw-------"));
        var edit = f.edit(Map.of("delivery.retry.first", "1h"));
        f.write(edit.text());
        assertThat(Files.readString(f.file())).isEqualTo("# mine\ndelivery:\n  retry:\n    first: 1h  # was 10m\n");
        Path bak = dir.resolve("tern.yaml.bak");
        assertThat(Files.readString(bak)).isEqualTo("# mine\ndelivery:\n  retry:\n    first: 15m  # was 10m\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bak))).isEqualTo("rw-------");
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("tern.yaml", "tern.yaml.bak");
        }
    }
}
