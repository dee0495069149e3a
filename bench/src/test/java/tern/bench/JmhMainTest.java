package tern.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

/** The benchmark forks get the JVM flags from the one list in the parent pom, not from copies. */
class JmhMainTest {

    private static String pomJvmFlags() throws Exception {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("bench/pom.xml"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("repository root").isNotNull();
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("pom.xml").toFile());
        return doc.getElementsByTagName("tern.jvm.flags").item(0).getTextContent().trim().replaceAll("\\s+", " ");
    }

    @Test
    void everyForkGetsTheParentPomsJvmFlagsPrepended() throws Exception {
        assertThat(JmhMain.jvmFlags()).isEqualTo(pomJvmFlags())
                .contains("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED");
        assertThat(JmhMain.arguments(new String[] {"-f", "1", "Journal"}))
                .containsExactly("-jvmArgsPrepend", pomJvmFlags(), "-f", "1", "Journal");
    }

    @Test
    void aJvmArgsPrependOnTheCommandLineIsLeftAlone() {
        String[] given = {"-jvmArgsPrepend", "-Dx=y", "Route"};
        assertThat(JmhMain.arguments(given)).containsExactly(given);
    }
}
