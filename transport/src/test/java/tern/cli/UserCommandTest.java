package tern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.auth.PasswordHash;
import tern.auth.UserFile;

class UserCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) {
        Terminal t = new Terminal(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), dir, "host.example.test",
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), null);
        return Main.run(args, t);
    }

    private UserFile users() {
        return UserFile.load(dir.resolve("data/users"), new PasswordHash(1_000));
    }

    @Test
    void addsAUserWithThePasswordFromStandardInputUnderTheDataDirectory() throws IOException {
        assertThat(run("correct horse\n", "user", "add", "alice@example.test")).isEqualTo(Exit.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("added user alice@example.test");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(users().verify("alice@example.test", "correct horse".toCharArray())).isTrue();
        assertThat(Files.readString(dir.resolve("data/users"))).doesNotContain("correct horse")
                .contains("pbkdf2-sha256$600000$");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("correct horse");
    }

    @Test
    void addingTheUserAgainChangesThePassword() {
        run("first\r\n", "user", "add", "bob@example.test");
        assertThat(run("second\r\nignored\n", "user", "add", "bob@EXAMPLE.test")).isEqualTo(Exit.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("changed the password of bob@EXAMPLE.test");
        assertThat(users().verify("bob@example.test", "second".toCharArray())).isTrue();
        assertThat(users().verify("bob@example.test", "first".toCharArray())).isFalse();
        assertThat(users().size()).isEqualTo(1);
    }

    @Test
    void theDataDirectoryComesFromTheConfigFile() throws IOException {
        Files.writeString(dir.resolve("tern.yaml"), "server:\n  dataDir: elsewhere\n");
        assertThat(run("pw\n", "user", "add", "carol@example.test", "--config", "tern.yaml")).isEqualTo(Exit.OK);
        assertThat(UserFile.load(dir.resolve("elsewhere/users"), new PasswordHash(1_000))
                .verify("carol@example.test", "pw".toCharArray())).isTrue();
    }

    @Test
    void noPasswordOnStandardInputAddsNobody() {
        assertThat(run("", "user", "add", "alice@example.test")).isEqualTo(Exit.FAILURE);
        assertThat(run("\n", "user", "add", "alice@example.test")).isEqualTo(Exit.FAILURE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no password");
        assertThat(Files.exists(dir.resolve("data/users"))).isFalse();
    }

    @Test
    void aNameThatIsNoAddressOrCannotBeStoredIsAUsageError() {
        assertThat(run("pw\n", "user", "add", "not-an-address")).isEqualTo(Exit.USAGE);
        assertThat(run("pw\n", "user", "add", "\"a:b\"@example.test")).isEqualTo(Exit.USAGE);
        assertThat(run("pw\n", "user", "remove", "a@example.test")).isEqualTo(Exit.USAGE);
        assertThat(Files.exists(dir.resolve("data/users"))).isFalse();
    }

    @Test
    void aBrokenUsersFileIsAConfigurationError() throws IOException {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/users"), "alice@example.test:plaintext\n");
        assertThat(run("pw\n", "user", "add", "bob@example.test")).isEqualTo(Exit.CONFIG);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("line 1").doesNotContain("plaintext");
    }
}
