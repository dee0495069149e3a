package tern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code tern queue evacuate}'s grammar and its refusals before anything is sent. */
class EvacuateCommandTest {

    @TempDir
    Path dir;

    private CapturedTerminal terminal;

    private int run(String... args) {
        terminal = new CapturedTerminal(dir);
        return terminal.run(args);
    }

    @Test
    void evacuateIsTheVerbWhereverTheOptionsStandButNotAsAnOptionsValue() {
        assertThat(EvacuateCommand.asks(List.of("evacuate", "--to", "h:25"))).isTrue();
        assertThat(EvacuateCommand.asks(List.of("--to", "h:25", "--config", "x.yaml", "evacuate"))).isTrue();
        assertThat(EvacuateCommand.asks(List.of("--config", "evacuate", "list"))).isFalse();
        assertThat(EvacuateCommand.asks(List.of("list", "--all"))).isFalse();
        assertThat(EvacuateCommand.asks(List.of())).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"queue evacuate", "queue evacuate --to", "queue evacuate --to 127.0.0.1",
            "queue evacuate --to ::1:25", "queue evacuate --to h:25 extra", "queue evacuate --to h:25 --all"})
    void badArgumentsAreUsageErrors(String line) {
        assertThat(run(line.split(" "))).isEqualTo(Exit.USAGE);
        assertThat(terminal.err()).startsWith("tern queue: ").contains("usage: tern queue")
                .contains("tern queue evacuate --to HOST:PORT [--data-dir DIR]");
    }

    @Test
    void theHelpDescribesEvacuate() {
        assertThat(run("help", "queue")).isEqualTo(Exit.OK);
        assertThat(terminal.out()).contains("tern queue evacuate --to HOST:PORT [--data-dir DIR]")
                .contains("after the peer's 250").contains("exits 1 when anything stayed");
    }

    @Test
    void withoutARunningServerItPointsToDataDir() throws Exception {
        Files.writeString(dir.resolve("tern.yaml"), "admin:\n  listen: \"\"\n");
        assertThat(run("queue", "evacuate", "--to", "127.0.0.1:25", "--config", "tern.yaml")).isEqualTo(Exit.FAILURE);
        assertThat(terminal.err()).contains("no server answers on admin.listen").contains("--data-dir DIR");
    }

    @Test
    void aDirectoryWithoutAJournalIsNotTakenForADataDirectory() {
        assertThat(run("queue", "evacuate", "--to", "127.0.0.1:25", "--data-dir", "nothing-here")).isEqualTo(Exit.FAILURE);
        assertThat(terminal.err()).contains("holds no journal/: not a Tern data directory");
        assertThat(dir.resolve("nothing-here/lock")).doesNotExist();
    }
}
