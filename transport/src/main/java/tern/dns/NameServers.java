package tern.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tern.config.TernConfig;

/**
 * The DNS servers Tern asks. Always explicit addresses: dnsjava's own defaults read
 * system files behind our back, which tests must never do (they start their own server).
 */
public final class NameServers {
    private static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");

    private NameServers() {
    }

    /**
     * The servers named in the configuration; when there are none, the system's
     * ({@code /etc/resolv.conf}). Only {@code tern serve} calls this; tests build
     * {@link MailDns} from {@link #parse} and so can never reach the system resolver.
     */
    public static List<InetSocketAddress> forServing(TernConfig.Dns dns) {
        if (!dns.servers().isEmpty()) {
            return parse(dns.servers());
        }
        List<InetSocketAddress> system = fromResolvConf(RESOLV_CONF);
        if (system.isEmpty()) {
            throw new IllegalStateException("dns.servers is empty and " + RESOLV_CONF + " names no nameserver");
        }
        return system;
    }

    /**
     * Parses {@code host} or {@code host:port} ({@code [v6]:port}); the host must be an IP
     * literal, because finding a DNS server's address by DNS would ask the system resolver.
     */
    public static List<InetSocketAddress> parse(List<String> servers) {
        List<InetSocketAddress> out = new ArrayList<>(servers.size());
        for (String s : servers) {
            out.add(parse(s));
        }
        return List.copyOf(out);
    }

    static InetSocketAddress parse(String server) {
        String host = server.strip();
        int port = 53;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("dns server '" + server + "': expected [IPv6]:port");
            }
            if (close + 1 < host.length()) {
                port = port(server, host.substring(close + 1));
            }
            host = host.substring(1, close);
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            port = port(server, host.substring(host.indexOf(':')));
            host = host.substring(0, host.indexOf(':'));
        }
        try {
            return new InetSocketAddress(InetAddress.ofLiteral(host), port);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("dns server '" + server + "': expected an IP address, not a name");
        }
    }

    private static int port(String server, String colonPort) {
        if (!colonPort.startsWith(":")) {
            throw new IllegalArgumentException("dns server '" + server + "': expected host:port");
        }
        try {
            int port = Integer.parseInt(colonPort.substring(1));
            if (port > 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("dns server '" + server + "': expected a port from 1 to 65535");
    }

    /** The {@code nameserver} lines of a resolv.conf(5) file; scoped IPv6 addresses are kept. */
    static List<InetSocketAddress> fromResolvConf(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        List<InetSocketAddress> out = new ArrayList<>();
        for (String line : lines) {
            String[] words = line.strip().split("\\s+");
            if (words.length >= 2 && words[0].equals("nameserver")) {
                try {
                    out.add(new InetSocketAddress(InetAddress.ofLiteral(words[1]), 53));
                } catch (IllegalArgumentException ignored) {
                    // a malformed line; the resolver library would skip it too
                }
            }
        }
        return List.copyOf(out);
    }
}
