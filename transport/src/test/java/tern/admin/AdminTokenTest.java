package tern.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {

    @TempDir
    Path dataDir;

    @Test
    void theFirstStartCreatesA32ByteRandomTokenReadableByTheOwnerOnly() throws Exception {
        AdminToken token = AdminToken.loadOrCreate(dataDir);

        Path file = dataDir.resolve("admin.token");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String value = AdminToken.read(file).orElseThrow();
        assertThat(value).matches("[A-Za-z0-9_-]{43}"); // 32 bytes, base64url without padding
        assertThat(token.matches(value)).isTrue();
        assertThat(token.authorizes("Bearer " + value)).isTrue();
        try (var left = Files.list(dataDir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("admin.token");
        }
    }

    @Test
    void laterStartsReadTheSameTokenAndTwoTokensDiffer() throws Exception {
        AdminToken.loadOrCreate(dataDir);
        String first = AdminToken.read(dataDir.resolve("admin.token")).orElseThrow();

        AdminToken again = AdminToken.loadOrCreate(dataDir);

        assertThat(again.matches(first)).isTrue();
        Path other = Files.createDirectory(dataDir.resolve("other"));
        AdminToken.loadOrCreate(other);
        assertThat(AdminToken.read(other.resolve("admin.token")).orElseThrow()).isNotEqualTo(first);
    }

    @Test
    void processesCreatingItAtOnceAllEndUpWithTheOneFile() throws Exception {
        List<Future<AdminToken>> racing = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                racing.add(pool.submit((Callable<AdminToken>) () -> AdminToken.loadOrCreate(dataDir)));
            }
        }
        String value = AdminToken.read(dataDir.resolve("admin.token")).orElseThrow();
        for (Future<AdminToken> token : racing) {
            assertThat(token.get().matches(value)).isTrue();
        }
    }

    @Test
    void anOperatorsOwnTokenIsUsed() throws Exception {
        Files.writeString(dataDir.resolve("admin.token"), "  my-own-token  \n");

        AdminToken token = AdminToken.loadOrCreate(dataDir);

        assertThat(token.matches("my-own-token")).isTrue();
        assertThat(token.matches("my-own-toke")).isFalse();
    }

    @Test
    void onlyABearerHeaderWithExactlyTheTokenAuthorizes() {
        AdminToken token = AdminToken.of("abc");

        assertThat(token.authorizes("Bearer abc")).isTrue();
        assertThat(token.authorizes("bearer  abc ")).isTrue();
        assertThat(token.authorizes("Bearer abcd")).isFalse();
        assertThat(token.authorizes("Bearer ABC")).isFalse();
        assertThat(token.authorizes("Basic abc")).isFalse();
        assertThat(token.authorizes("abc")).isFalse();
        assertThat(token.authorizes(null)).isFalse();
        assertThat(AdminToken.none().authorizes("Bearer abc")).isFalse();
    }
}
