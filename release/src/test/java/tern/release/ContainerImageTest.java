package tern.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * target/tern-VERSION-image.tar, the OCI image Jib built without a Docker daemon on a base
 * made from this machine's Debian files and a jlinked Java runtime: its configuration, and its
 * file system run in a chroot, as a container runtime would run it.
 */
class ContainerImageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static Path layout;
    private static JsonNode manifest;
    private static JsonNode config;

    @BeforeAll
    static void unpack() throws Exception {
        Path image = Path.of(System.getProperty("tern.dist.image"));
        assertThat(image).as("the image tarball the package phase built").isRegularFile();
        layout = Files.createDirectories(dir.resolve("layout"));
        Release.run(List.of("tar", "-xf", image.toString(), "-C", layout.toString()), dir, Map.of());
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        manifest = JSON.readTree(blob(index.path("manifests").get(0).path("digest").asText()).toFile());
        config = JSON.readTree(blob(manifest.path("config").path("digest").asText()).toFile());
    }

    private static Path blob(String digest) {
        return layout.resolve("blobs").resolve(digest.replace(':', '/'));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void theImageIsAnOciImageLayout() throws Exception {
        assertThat(Files.readString(layout.resolve("oci-layout"))).contains("imageLayoutVersion");
        assertThat(manifest.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(config.path("os").asText()).isEqualTo("linux");
        assertThat(config.path("architecture").asText()).isEqualTo("amd64");
    }

    @Test
    void theEntrypointRunsTheShadedJarWithThePomsFlagsAsTernOnPorts25And8025() {
        JsonNode c = config.path("config");
        assertThat(strings(c.path("Entrypoint"))).startsWith("/opt/java/bin/java", "@/opt/tern/lib/jvm.flags")
                .endsWith("-jar", "/opt/tern/lib/tern.jar");
        assertThat(strings(c.path("Cmd"))).containsExactly("serve");
        assertThat(c.path("User").asText()).isEqualTo("tern");
        assertThat(c.path("WorkingDir").asText()).isEqualTo("/var/lib/tern");
        assertThat(c.path("ExposedPorts").properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("25/tcp", "8025/tcp");
        assertThat(c.path("Volumes").has("/var/lib/tern")).isTrue();
        assertThat(strings(c.path("Env"))).anySatisfy(e -> assertThat(e).startsWith("PATH=/opt/java/bin:"));
    }

    @Test
    void theEntrypointHasTheHeapAndGcFlagsTheLauncherGivesServe() throws Exception {
        String launcher = Files.readString(Release.get().bin());
        String serveCase = launcher.substring(launcher.indexOf("\n  serve)\n"));
        String heapGc = serveCase.substring(serveCase.indexOf("HEAP_GC=(") + 9, serveCase.indexOf(')', serveCase.indexOf("HEAP_GC=(")));
        List<String> entrypoint = strings(config.path("config").path("Entrypoint"));
        assertThat(entrypoint.subList(2, entrypoint.size() - 2)).containsExactly(heapGc.trim().split("\\s+"));
    }

    @Test
    void theImagesFileSystemRunsTernAsTheTernUserInAChroot() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        for (JsonNode layer : manifest.path("layers")) {
            Release.run(List.of("tar", "-xzf", blob(layer.path("digest").asText()).toString(), "-C", root.toString()), dir, Map.of());
        }
        assertThat(Files.readString(root.resolve("opt/tern/lib/jvm.flags")).strip())
                .isEqualTo(System.getProperty("tern.jvm.flags").strip().replaceAll("\\s+", " "));
        assertThat(Files.readString(root.resolve("etc/passwd"))).contains("tern:x:999:999:");
        // The entrypoint as a runtime runs it: its own mount namespace with /proc (the JDK's
        // launcher finds its libraries through it), the image's root, the image's user.
        List<String> entrypoint = strings(config.path("config").path("Entrypoint"));
        String java = String.join(" ", entrypoint);
        String script = "mount -t proc proc " + root.resolve("proc") + " && exec chroot --userspec=999:999 " + root + " "
                + java + " ";
        Files.createDirectories(root.resolve("proc"));
        String version = Release.run(List.of("unshare", "--mount", "--fork", "sh", "-c", script + "--version"), dir, Map.of());
        assertThat(version.strip()).isEqualTo("tern " + System.getProperty("tern.dist.version"));
        String listen = Release.run(List.of("unshare", "--mount", "--fork", "sh", "-c", script + "config server.listen admin.listen"),
                dir, Map.of());
        assertThat(listen).contains("server.listen = 0.0.0.0:25", "admin.listen = 0.0.0.0:8025");
    }
}
