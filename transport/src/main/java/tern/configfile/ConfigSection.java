package tern.configfile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import tern.config.ConfigException;
import tern.config.DataSizes;
import tern.config.Durations;

/**
 * One mapping of the YAML file ({@code server}, {@code delivery.retry}, {@code routes[2]}) and
 * the typed reading of its keys. Every error names the full dotted key, so the operator finds
 * the line without reading Java.
 */
final class ConfigSection {
    private final String path;        // as the operator sees it: "routes[2]"
    private final String schemaPath;  // as the schema knows it: "routes[]"
    private final Map<?, ?> values;
    private final List<String> keys;
    private final Set<String> read;

    ConfigSection(String path, String schemaPath, Map<?, ?> values, Set<String> read) {
        this.path = path;
        this.schemaPath = schemaPath;
        this.values = values;
        this.keys = ConfigSchema.keysOf(schemaPath);
        this.read = read;
        for (Map.Entry<?, ?> e : values.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!keys.contains(key)) {
                throw new ConfigException(fullKey(key), display(key, e.getValue()),
                        path.isEmpty() ? "one of the sections " + String.join(", ", keys)
                                : "one of the keys of " + path + ": " + String.join(", ", keys));
            }
        }
    }

    String fullKey(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return raw(key) != null;
    }

    /** True when the file names {@code key}, even with an empty value. */
    boolean contains(String key) {
        raw(key);
        return values.containsKey(key);
    }

    /** The value as YAML gave it, null when absent or written as null / ~. */
    Object raw(String key) {
        if (!keys.contains(key)) {
            throw new IllegalStateException("key not declared in ConfigSchema: " + fullKey(key));
        }
        read.add(schemaPath.isEmpty() ? key : schemaPath + "." + key);
        return values.get(key);
    }

    /** The nested mapping under {@code key}; an empty one when the key is absent. */
    ConfigSection section(String key) {
        Object v = raw(key);
        if (v == null) {
            return new ConfigSection(fullKey(key), childSchema(key), Map.of(), read);
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw new ConfigException(fullKey(key), v, "a mapping of keys (key: value)");
        }
        return new ConfigSection(fullKey(key), childSchema(key), map, read);
    }

    /** The list of mappings under {@code key}, e.g. {@code routes}; empty when absent. */
    List<ConfigSection> sections(String key) {
        List<?> list = list(key, "a list of mappings");
        if (list == null) {
            return List.of();
        }
        List<ConfigSection> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String itemKey = fullKey(key) + "[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> map)) {
                throw new ConfigException(itemKey, list.get(i), "a mapping of keys (key: value)");
            }
            out.add(new ConfigSection(itemKey, childSchema(key) + "[]", map, read));
        }
        return out;
    }

    String string(String key, String fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        return scalarString(fullKey(key), v, key.equals("password"));
    }

    /** A string that must pass {@code valid}; {@code expected} says what passes. */
    String string(String key, String fallback, java.util.function.Predicate<String> valid, String expected) {
        String s = string(key, null);
        if (s == null) {
            return fallback;
        }
        if (!valid.test(s)) {
            throw new ConfigException(fullKey(key), s, expected);
        }
        return s;
    }

    boolean bool(String key, boolean fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new ConfigException(fullKey(key), v, "true or false");
    }

    /** A whole number from {@code min} up. */
    int integer(String key, int fallback, int min) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        String expected = min == 0 ? "a whole number, 0 or more" : "a whole number, " + min + " or more";
        if (!(v instanceof Integer i)) {
            throw new ConfigException(fullKey(key), v, expected);
        }
        if (i < min) {
            throw new ConfigException(fullKey(key), v, expected);
        }
        return i;
    }

    int port(String key, int fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Integer i) || i < 1 || i > 65535) {
            throw new ConfigException(fullKey(key), v, "a port number from 1 to 65535");
        }
        return i;
    }

    /** A duration longer than zero: {@code 90s}, {@code 15m}, {@code 12h}, {@code 2d} or ISO-8601. */
    Duration duration(String key, Duration fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        String expected = "a duration longer than zero such as 90s, 15m, 12h, 2d or ISO-8601 (PT15M)";
        if (!(v instanceof String s)) {
            throw new ConfigException(fullKey(key), v, expected);
        }
        Duration d;
        try {
            d = Durations.parse(s);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ConfigException(fullKey(key), v, expected);
        }
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException(fullKey(key), v, expected);
        }
        return d;
    }

    /** A size in octets: a number, or {@code 512KB}, {@code 35MB}, {@code 1GB}, {@code 10MiB}. */
    long size(String key, long fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        String expected = "a size larger than zero such as 35MB, 512KB, 10MiB or a number of octets";
        long n;
        if (v instanceof Integer || v instanceof Long) {
            n = ((Number) v).longValue();
        } else if (v instanceof String s) {
            try {
                n = DataSizes.parse(s);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new ConfigException(fullKey(key), v, expected);
            }
        } else {
            throw new ConfigException(fullKey(key), v, expected);
        }
        if (n <= 0) {
            throw new ConfigException(fullKey(key), v, expected);
        }
        return n;
    }

    /**
     * A list of strings, each turned into a value by {@code parse}, which returns null for a
     * bad one. A single string is taken as a list of one. Null when the key is absent.
     */
    <T> List<T> strings(String key, Function<String, T> parse, String expected) {
        Object v = raw(key);
        if (v == null) {
            return null;
        }
        List<?> list = v instanceof List<?> l ? l : List.of(v);
        List<T> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String itemKey = fullKey(key) + "[" + i + "]";
            Object item = list.get(i);
            if (item == null || item instanceof Map || item instanceof List) {
                throw new ConfigException(itemKey, item, expected);
            }
            String s = scalarString(itemKey, item, false);
            T value = parse.apply(s);
            if (value == null) {
                throw new ConfigException(itemKey, s, expected);
            }
            out.add(value);
        }
        return out;
    }

    private List<?> list(String key, String expected) {
        Object v = raw(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> list)) {
            throw new ConfigException(fullKey(key), v, expected);
        }
        return list;
    }

    private String childSchema(String key) {
        return schemaPath.isEmpty() ? key : schemaPath + "." + key;
    }

    private static String scalarString(String fullKey, Object v, boolean secret) {
        // Numbers become text (a password of digits); booleans do not, because YAML turned
        // a bare yes/no/on/off into one and the operator almost certainly meant the word.
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger) {
            return v.toString();
        }
        throw new ConfigException(fullKey, secret ? "***" : v, "a string (quote it: \"...\")");
    }

    private static Object display(String key, Object value) {
        return key.equals("password") && value != null ? "***" : value;
    }
}
