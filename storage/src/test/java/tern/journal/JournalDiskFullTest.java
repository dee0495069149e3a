package tern.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.config.TernConfig.Sync;

/** A real full disk: a 2 MB tmpfs (needs root to mount; skipped otherwise, except on CI). */
class JournalDiskFullTest {

    @TempDir
    Path tmp;

    private Path mount;

    @BeforeEach
    void mountSmallTmpfs() throws Exception {
        requireOnCi("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        mount = tmp.resolve("small");
        Files.createDirectories(mount);
        int rc = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString())
                .inheritIO().start().waitFor();
        requireOnCi(rc == 0, "mount failed");
    }

    /** On CI ({@code CI=true}) the test runs as root and must not skip itself; elsewhere it may. */
    private static void requireOnCi(boolean ok, String why) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            assertThat(ok).as(why + " (CI runs the tests as root)").isTrue();
        } else {
            assumeTrue(ok, why);
        }
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void aFullDiskFailsTheAppendAndTheJournalRecoversOnceSpaceIsFreed() throws Exception {
        Path ballast = mount.resolve("ballast");
        Path dir = mount.resolve("journal");
        var clock = new TestClock(Events.T0);
        List<String> acknowledged = new ArrayList<>();
        try (Journal journal = Journal.open(dir, Sync.BATCH, clock)) {
            journal.append(Events.accepted("FIRST", clock.instant())).join();
            acknowledged.add("FIRST");
            // Fill the rest of the file system.
            try (var out = Files.newOutputStream(ballast)) {
                byte[] chunk = new byte[4096];
                while (true) {
                    out.write(chunk);
                }
            } catch (java.io.IOException full) {
                System.out.println("filled: " + full);
            }
            Throwable failure = null;
            for (int i = 0; i < 2000 && failure == null; i++) {
                CompletableFuture<Void> f = journal.append(Events.accepted("M" + i, clock.instant()));
                try {
                    f.join();
                    acknowledged.add("M" + i);
                } catch (CompletionException e) {
                    failure = e.getCause();
                }
            }
            System.out.println("acknowledged " + acknowledged.size() + " then " + failure);
            assertThat(failure).isNotNull();

            Files.delete(ballast);
            journal.append(Events.accepted("AFTER", clock.instant())).join();
            acknowledged.add("AFTER");
        }
        try (Journal journal = Journal.open(dir, Sync.BATCH, clock)) {
            List<String> replayed = new ArrayList<>();
            journal.replay(e -> replayed.add(e.id().value()));
            assertThat(replayed).containsAll(acknowledged);
        }
    }
}
