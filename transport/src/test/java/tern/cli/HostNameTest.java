package tern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostNameTest {
    @TempDir
    Path dir;

    @Test
    void theKernelsNameComesFirst() throws IOException {
        Path kernel = Files.writeString(dir.resolve("kernel"), "Mx1.Example.Test\n");
        Path etc = Files.writeString(dir.resolve("etc"), "other.example\n");
        assertThat(HostName.find(List.of(kernel, etc), Map.of("HOSTNAME", "env.example"))).isEqualTo("mx1.example.test");
    }

    @Test
    void etcHostnameThenTheEnvironmentThenLocalhost() throws IOException {
        Path missing = dir.resolve("missing");
        Path unset = Files.writeString(dir.resolve("kernel"), "(none)\n");
        Path etc = Files.writeString(dir.resolve("etc"), "\n");
        assertThat(HostName.find(List.of(missing, Files.writeString(dir.resolve("etc2"), "box\n")), Map.of()))
                .isEqualTo("box");
        assertThat(HostName.find(List.of(unset, etc), Map.of("HOSTNAME", " env.example "))).isEqualTo("env.example");
        assertThat(HostName.find(List.of(unset, etc), Map.of())).isEqualTo("localhost");
    }

    @Test
    void aNameThatIsNotADomainIsPassedOver() throws IOException {
        Path bad = Files.writeString(dir.resolve("kernel"), "my_box\n");
        assertThat(HostName.find(List.of(bad), Map.of("HOSTNAME", "good.example"))).isEqualTo("good.example");
    }

    @Test
    void theRealHostNameIsADomain() {
        assertThat(tern.config.Syntax.isDomain(HostName.get())).isTrue();
    }

    @Test
    void aNameWithoutADotIsQualifiedWithLocaldomainAsPostfixDoes() {
        assertThat(HostName.qualified("vm")).isEqualTo("vm.localdomain");
        assertThat(HostName.qualified("mx1.example.test")).isEqualTo("mx1.example.test");
        assertThat(HostName.defaultFqdn()).contains(".");
    }
}
