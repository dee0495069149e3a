package tern.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.config.TernConfig;
import tern.configfile.ConfigLoader;
import tern.testing.TernInstance;

class StartupWarningsTest {
    @TempDir
    Path dir;

    private TernConfig withFqdn(String fqdn) {
        return new ConfigLoader(dir, "unused.example").parse("server: {fqdn: " + fqdn + "}", "test");
    }

    @Test
    void aBareGreetingNameIsWarnedAboutNamingTheKey() {
        StartupWarnings w = StartupWarnings.check(withFqdn("vm"));
        assertThat(w.fqdnUnqualified()).isTrue();
        assertThat(w.warnings()).singleElement().asString()
                .startsWith("server.fqdn 'vm' is not a fully-qualified name")
                .contains("504 5.5.2", "set server.fqdn");
    }

    @Test
    void theLocaldomainDefaultIsWarnedAboutToo() {
        StartupWarnings w = StartupWarnings.check(withFqdn("vm.localdomain"));
        assertThat(w.fqdnUnqualified()).isTrue();
        assertThat(w.warnings()).singleElement().asString()
                .startsWith("server.fqdn 'vm.localdomain' is no name in DNS").contains("set server.fqdn");
    }

    @Test
    void aRealNameGivesNoWarning() {
        StartupWarnings w = StartupWarnings.check(withFqdn("mx1.example.test"));
        assertThat(w.isEmpty()).isTrue();
        assertThat(w.fqdnUnqualified()).isFalse();
    }

    @Test
    void theRunningServerKeepsItsWarningsForTheHealthEndpoint() throws Exception {
        try (TernInstance tern = TernInstance.start(dir, "box.localdomain", "")) {
            assertThat(tern.server().startupWarnings().fqdnUnqualified()).isTrue();
            var ready = tern.server().readiness().evaluate(Map.of());
            assertThat(ready.up()).isTrue();
            assertThat(ready.facts().get("warnings")).asString().contains("fqdn: server.fqdn 'box.localdomain'");
        }
        try (TernInstance tern = TernInstance.start(dir.resolve("b"), "mx.example.test", "")) {
            assertThat(tern.server().startupWarnings().isEmpty()).isTrue();
            assertThat(tern.server().readiness().evaluate(Map.of()).facts()).doesNotContainKey("warnings");
        }
    }
}
