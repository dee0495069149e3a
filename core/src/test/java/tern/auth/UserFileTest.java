package tern.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tern.config.ConfigException;

class UserFileTest {
    @TempDir
    Path dir;

    private final PasswordHash hasher = new PasswordHash(1_000);

    private Path users() {
        return dir.resolve("users");
    }

    @Test
    void aMissingFileHasNoUsers() {
        UserFile f = UserFile.load(users(), hasher);
        assertThat(f.size()).isZero();
        assertThat(f.verify("a@example.test", "x".toCharArray())).isFalse();
    }

    @Test
    void anAddedUserVerifiesAfterReloadAndTheFileHoldsNoPlaintext() throws IOException {
        UserFile f = UserFile.load(users(), hasher);
        assertThat(f.add("alice@example.test", "s3cret pass".toCharArray())).isTrue();
        assertThat(f.verify("alice@example.test", "s3cret pass".toCharArray())).isTrue();

        UserFile again = UserFile.load(users(), hasher);
        assertThat(again.verify("alice@example.test", "s3cret pass".toCharArray())).isTrue();
        assertThat(again.verify("alice@example.test", "wrong".toCharArray())).isFalse();
        String text = Files.readString(users());
        assertThat(text).startsWith("alice@example.test:pbkdf2-sha256$1000$").doesNotContain("s3cret");
    }

    @Test
    void theDomainIsCaseInsensitiveAndTheLocalPartIsNot() {
        UserFile f = UserFile.load(users(), hasher);
        f.add("Alice@Example.TEST", "pw".toCharArray());
        assertThat(f.verify("Alice@example.test", "pw".toCharArray())).isTrue();
        assertThat(f.verify("Alice@EXAMPLE.test", "pw".toCharArray())).isTrue();
        assertThat(f.verify("alice@example.test", "pw".toCharArray())).isFalse();
        assertThat(f.contains("Alice@eXample.test")).isTrue();
    }

    @Test
    void addingAnExistingUserReplacesThePasswordAndKeepsCommentsAndOtherUsers() throws IOException {
        UserFile f = UserFile.load(users(), hasher);
        f.add("bob@example.test", "old".toCharArray());
        Files.writeString(users(), "# the submission users\n\n" + Files.readString(users()));
        UserFile reloaded = UserFile.load(users(), hasher);
        reloaded.add("carol@example.test", "c".toCharArray());
        assertThat(reloaded.add("bob@EXAMPLE.test", "new".toCharArray())).isFalse();

        List<String> lines = Files.readAllLines(users());
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("# the submission users");
        assertThat(lines.get(1)).isEmpty();
        assertThat(lines.get(2)).startsWith("bob@EXAMPLE.test:");
        assertThat(lines.get(3)).startsWith("carol@example.test:");
        UserFile last = UserFile.load(users(), hasher);
        assertThat(last.verify("bob@example.test", "new".toCharArray())).isTrue();
        assertThat(last.verify("bob@example.test", "old".toCharArray())).isFalse();
        assertThat(last.verify("carol@example.test", "c".toCharArray())).isTrue();
    }

    @Test
    void theRewriteReplacesTheFileByRenameAndLeavesNoTemporaryFile() throws IOException {
        UserFile f = UserFile.load(users(), hasher);
        f.add("a@example.test", "1".toCharArray());
        Object before = Files.readAttributes(users(), "unix:ino").get("ino");
        f.add("b@example.test", "2".toCharArray());
        Object after = Files.readAttributes(users(), "unix:ino").get("ino");
        // A new inode: readers see either the old file or the new one, never one half written.
        assertThat(after).isNotEqualTo(before);
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("users");
        }
    }

    @Test
    void theFileIsReadableByItsOwnerOnly() throws IOException {
        UserFile.load(users(), hasher).add("a@example.test", "1".toCharArray());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(users()))).isEqualTo("rw-------");
    }

    @Test
    void aUsersFileThatCannotBeRewrittenThrowsAndChangesNothing() throws IOException {
        Path users = dir.resolve("users");
        UserFile f = UserFile.load(users, hasher);
        // Tests run as root here, so permissions cannot make the write fail; a directory in
        // the file's place can.
        Files.createDirectories(users.resolve("blocker"));
        assertThatThrownBy(() -> f.add("b@example.test", "2".toCharArray()))
                .isInstanceOf(java.io.UncheckedIOException.class);
        assertThat(f.contains("b@example.test")).isFalse();
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("users");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a:b@example.test", "a b@example.test", "a\tb@example.test", "a\u0000b@x.test",
            "a\u007fb@x.test", "a\u2028b@x.test", "a\u00a0b@x.test", "#a@example.test", "a@example.test\n"})
    void namesTheFileCannotHoldAreRefused(String name) {
        UserFile f = UserFile.load(users(), hasher);
        assertThatThrownBy(() -> f.add(name, "pw".toCharArray())).isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.exists(users())).isFalse();
    }

    @Test
    void anEmptyPasswordIsRefused() {
        assertThatThrownBy(() -> UserFile.load(users(), hasher).add("a@example.test", new char[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnknownUserIsFalseAfterTheSameHashingWorkAsAWrongPassword() {
        UserFile f = UserFile.load(users(), hasher);
        f.add("a@example.test", "pw".toCharArray());
        long before = hasher.derivations();
        assertThat(f.verify("a@example.test", "wrong".toCharArray())).isFalse();
        long forWrongPassword = hasher.derivations() - before;

        f.verify("nobody@example.test", "pw".toCharArray()); // the first one makes the decoy
        before = hasher.derivations();
        assertThat(f.verify("nobody@example.test", "pw".toCharArray())).isFalse();
        assertThat(hasher.derivations() - before).isEqualTo(forWrongPassword).isEqualTo(1);
    }

    @Test
    void aMalformedLineStopsLoadingWithItsLineNumberButNotItsHash() throws IOException {
        Files.writeString(users(), "# users\nalice@example.test:md5$abc\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> UserFile.load(users(), hasher))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 2")
                .hasMessageNotContaining("md5$abc");
        Files.writeString(users(), "no separator here\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> UserFile.load(users(), hasher)).isInstanceOf(ConfigException.class);
    }

    @Test
    void aUserListedTwiceIsAnError() throws IOException {
        String line = "a@example.test:" + hasher.hash("pw".toCharArray()) + "\n";
        Files.writeString(users(), line + line.replace("example.test", "EXAMPLE.test"));
        assertThatThrownBy(() -> UserFile.load(users(), hasher)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 2");
    }
}
