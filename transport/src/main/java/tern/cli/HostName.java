package tern.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tern.config.Syntax;

/**
 * The OS host name, the default {@code server.fqdn}. Found without a DNS query:
 * {@code InetAddress.getLocalHost()} asks the resolver and can hang start-up for the resolver
 * timeout on a machine whose name is not in DNS or /etc/hosts.
 */
public final class HostName {
    private static final Path KERNEL = Path.of("/proc/sys/kernel/hostname");
    private static final Path ETC = Path.of("/etc/hostname");

    private HostName() {
    }

    /** The kernel's host name, else /etc/hostname, else $HOSTNAME, else {@code localhost}. */
    public static String get() {
        return find(List.of(KERNEL, ETC), System.getenv());
    }

    /**
     * The default {@code server.fqdn}: the host name, or {@code <name>.localdomain} when it has
     * no dot, as Postfix does for {@code myhostname}. Never a bare name, which receivers refuse
     * in HELO; start-up warns about either (see {@code StartupWarnings}).
     */
    public static String defaultFqdn() {
        return qualified(get());
    }

    static String qualified(String hostName) {
        return hostName.contains(".") ? hostName : hostName + ".localdomain";
    }

    static String find(List<Path> files, Map<String, String> env) {
        for (Path file : files) {
            String name = firstLine(file);
            if (usable(name)) {
                return name.toLowerCase(Locale.ROOT);
            }
        }
        String fromEnv = env.get("HOSTNAME");
        if (fromEnv != null && usable(fromEnv.trim())) {
            return fromEnv.trim().toLowerCase(Locale.ROOT);
        }
        return "localhost";
    }

    private static String firstLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() ? null : lines.getFirst().trim();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** "(none)" is what the kernel reports when nobody set a name. */
    private static boolean usable(String name) {
        return name != null && !name.equals("(none)") && Syntax.isDomain(name);
    }
}
