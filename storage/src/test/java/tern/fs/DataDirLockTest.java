package tern.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {

    @TempDir
    Path dir;

    @Test
    void theSecondOwnerIsRefusedWithTheLockAndTheHoldersPidAndTheLockIsFreeAgainAfterClose() throws Exception {
        Path data = dir.resolve("data");
        String pid = String.valueOf(ProcessHandle.current().pid());
        try (DataDirLock first = DataDirLock.acquire(data)) {
            Path lockFile = data.toRealPath().resolve("lock");
            assertThatThrownBy(() -> DataDirLock.acquire(data))
                    .isInstanceOfSatisfying(DataDirLock.HeldException.class, e -> {
                        assertThat(e.holder()).isEqualTo(pid);
                        assertThat(e.lockFile()).isEqualTo(lockFile);
                    })
                    .hasMessageContaining("lock").hasMessageContaining("process " + pid);
        }
        assertThat(Files.readString(data.resolve("lock")).strip()).isEqualTo(pid);
        try (DataDirLock again = DataDirLock.acquire(data)) {
            assertThat(again).isNotNull();
        }
    }
}
