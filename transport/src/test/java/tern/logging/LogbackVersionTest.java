package tern.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The logging library on the class path is one without the known configuration-file flaw. */
class LogbackVersionTest {

    @Test
    void logbackIsAtLeastTheReleaseThatFixedConditionalConfigurationInjection() throws Exception {
        for (String artifact : new String[] {"logback-classic", "logback-core"}) {
            Properties p = new Properties();
            try (InputStream in = getClass().getResourceAsStream("/META-INF/maven/ch.qos.logback/" + artifact + "/pom.properties")) {
                assertThat(in).as(artifact + " pom.properties on the class path").isNotNull();
                p.load(in);
            }
            Runtime.Version version = Runtime.Version.parse(p.getProperty("version"));
            assertThat(version.compareToIgnoreOptional(Runtime.Version.parse("1.5.19")))
                    .as(artifact + " " + version + " is 1.5.19 or newer (CVE-2025-11226)").isGreaterThanOrEqualTo(0);
        }
    }
}
