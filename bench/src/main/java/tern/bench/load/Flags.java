package tern.bench.load;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tern.config.DataSizes;

/**
 * The command line of a bench tool: {@code --name value} and {@code --switch} flags.
 * Every flag a tool accepts is declared up front, so a typo is an error that names
 * the flag instead of a silently ignored option. {@code --name=value} works too.
 */
public final class Flags {

    /** A wrong command line; its message is shown to the operator with the usage. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    private final Map<String, String> values = new HashMap<>();

    private Flags() {
    }

    /**
     * @param valued   flags that take a value, without the leading dashes
     * @param switches flags that stand alone
     */
    public static Flags parse(String[] args, Set<String> valued, Set<String> switches) {
        Flags flags = new Flags();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument: " + arg);
            }
            String name = arg.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (switches.contains(name)) {
                if (inline != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                flags.values.put(name, "true");
            } else if (valued.contains(name)) {
                String value = inline;
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = args[++i];
                }
                flags.values.put(name, value);
            } else {
                throw new UsageException("unknown flag: --" + name);
            }
        }
        return flags;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public long count(String name, long fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.replace("_", "").replace(",", ""));
            if (n < 0) {
                throw new UsageException("--" + name + " must not be negative: " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects a whole number, got " + v);
        }
    }

    public double decimal(String name, double fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects a number, got " + v);
        }
    }

    /** A size as operators write it: 1000, 1k, 50k, 1m (powers of 1000, like the config). */
    public long size(String name, long fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return DataSizes.parse(v);
        } catch (RuntimeException e) {
            throw new UsageException("--" + name + " expects a size like 1000, 1k, 50k, 1m; got " + v);
        }
    }

    /** {@code host:port}, {@code [::1]:port}; a bare port means 127.0.0.1. */
    public static HostPort hostPort(String flag, String text) {
        try {
            String host;
            String port;
            if (text.startsWith("[")) {
                int close = text.indexOf(']');
                host = text.substring(1, close);
                port = text.substring(close + 2);
            } else if (text.indexOf(':') < 0) {
                host = "127.0.0.1";
                port = text;
            } else {
                int colon = text.lastIndexOf(':');
                host = text.substring(0, colon);
                port = text.substring(colon + 1);
            }
            int p = Integer.parseInt(port);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return new HostPort(host, p);
        } catch (RuntimeException e) {
            throw new UsageException("--" + flag + " expects host:port, got " + text);
        }
    }

    /** A TCP endpoint. */
    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    public static Set<String> set(String... names) {
        return Set.copyOf(List.of(names));
    }
}
