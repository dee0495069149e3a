package tern.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** systemd/tern.service as shipped: systemd accepts it, and it runs tern the way the README says. */
class SystemdUnitTest {
    @TempDir
    Path dir;

    private static String unit() throws Exception {
        return Files.readString(Release.get().home.resolve("systemd/tern.service"));
    }

    @Test
    void theUnitPassesSystemdAnalyzeVerify() throws Exception {
        // verify checks that ExecStart's program exists: point /opt/tern at the unpacked release.
        Path unit = Files.writeString(dir.resolve("tern.service"),
                unit().replace("/opt/tern/", Release.get().home.toString() + "/"));
        assertThat(Files.readString(unit)).contains("ExecStart=" + Release.get().bin() + " serve");
        String out = Release.run(List.of("systemd-analyze", "verify", unit.toString()), dir, Map.of());
        // verify exits 0 even for unknown keys and bad values, and only prints them: so no line may name the unit.
        assertThat(out.lines().filter(l -> l.contains("tern.service")).toList()).isEmpty();
    }

    @Test
    void aMisspeltKeyIsWhatVerifyWouldReport() throws Exception {
        Path unit = Files.writeString(dir.resolve("tern.service"),
                unit().replace("/opt/tern/", Release.get().home.toString() + "/").replace("ProtectSystem=", "ProtectSystm="));
        String out = Release.run(List.of("systemd-analyze", "verify", unit.toString()), dir, Map.of());
        assertThat(out).contains("tern.service").contains("ProtectSystm");
    }

    @Test
    void theUnitRunsTheReleaseAsTernSandboxedWithPort25AndReloadsOnSighup() throws Exception {
        assertThat(unit().lines().toList()).contains(
                "Type=exec",
                "User=tern",
                "Group=tern",
                "StateDirectory=tern",
                "WorkingDirectory=/var/lib/tern",
                "ExecStart=/opt/tern/bin/tern serve",
                "ExecReload=/bin/kill -HUP $MAINPID",
                "AmbientCapabilities=CAP_NET_BIND_SERVICE",
                "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
                "NoNewPrivileges=yes",
                "ProtectSystem=strict",
                "ProtectHome=yes",
                "PrivateTmp=yes");
    }

    @Test
    void theSysusersFileDeclaresTheTernUser() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root/etc"));
        Files.writeString(root.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Files.writeString(root.resolve("group"), "root:x:0:\n");
        Path conf = Release.get().home.resolve("systemd/tern-sysusers.conf");
        Release.run(List.of("systemd-sysusers", "--root=" + dir.resolve("root"), conf.toString()), dir, Map.of());
        assertThat(Files.readString(root.resolve("passwd"))).containsPattern("(?m)^tern:x:\\d+:\\d+:Tern mail transfer agent:/var/lib/tern:/usr/sbin/nologin$");
        assertThat(Files.readString(root.resolve("group"))).containsPattern("(?m)^tern:x:\\d+:$");
    }
}
