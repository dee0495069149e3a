package tern.config;

import java.util.function.Function;

/**
 * One configuration key, as Postfix declares a parameter: its dotted name, how its value is
 * read, its default and what it means. {@link Parameters} lists them all; the loader, the
 * schema of allowed keys, {@code tern config} and the README's table all come from that list.
 *
 * @param key          dotted, as written in the file: {@code server.fqdn}; items of a list of
 *                     mappings use {@code []}: {@code routes[].domain}
 * @param type         how the value is read and written back
 * @param defaultValue the value when the file does not set the key (may depend on the host)
 * @param defaultText  how the README shows the default when the formatted value would not
 *                     say it well ("the OS host name"); null: the formatted default
 * @param description  one line for the README and {@code tern config --help}
 * @param <T>          the Java type of the value
 */
public record Parameter<T>(String key, ValueType<T> type, Function<Defaults, T> defaultValue, String defaultText,
                           String description) {

    /** What defaults may depend on: the machine's host name and the effective FQDN. */
    public record Defaults(String hostName, String fqdn) {
    }

    /** The mapping the key lives in: {@code server} for {@code server.fqdn}, "" at the top. */
    public String section() {
        int dot = key.lastIndexOf('.');
        return dot < 0 ? "" : key.substring(0, dot);
    }

    /** The key's own name inside its mapping: {@code fqdn}. */
    public String name() {
        return key.substring(key.lastIndexOf('.') + 1);
    }

    public T defaultFor(Defaults defaults) {
        return defaultValue.apply(defaults);
    }

    /** The default as the README shows it. */
    public String readmeDefault() {
        if (defaultText != null) {
            return defaultText;
        }
        T value = defaultFor(new Defaults("host.example", "host.example"));
        if (value instanceof java.util.List<?> list) {
            // as the YAML would say it
            return "`[" + String.join(", ", list.stream().map(v -> "\"" + v + "\"").toList()) + "]`";
        }
        return value == null ? "none" : "`" + type.format(value) + "`";
    }
}
