package tern.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One mapping of the configuration file ({@code server}, {@code delivery.retry},
 * {@code routes[2]}) and the typed reading of its keys through {@link Parameters}. Every error
 * names the full dotted key, so the operator finds the line without reading Java. Every value
 * read, given or defaulted, is recorded in the {@link Settings} for {@code tern config}.
 */
final class ConfigSection {
    private final String path;        // as the operator sees it: "routes[2]"
    private final String schemaPath;  // as the table knows it: "routes[]"
    private final Map<?, ?> values;
    private final List<String> keys;
    private final Settings settings;

    ConfigSection(String path, String schemaPath, Map<?, ?> values, Settings settings) {
        this.path = path;
        this.schemaPath = schemaPath;
        this.values = values;
        this.keys = Parameters.keysOf(schemaPath);
        this.settings = settings;
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

    /** True when the file gives {@code key} a value (not absent, not null). */
    boolean has(String key) {
        checkDeclared(key);
        return values.get(key) != null;
    }

    /** True when the file names {@code key}, even with an empty value. */
    boolean contains(String key) {
        checkDeclared(key);
        return values.containsKey(key);
    }

    /**
     * The value of {@code p} (a parameter of this mapping): what the file gives, checked by the
     * parameter's type, or the default.
     */
    <T> T get(Parameter<T> p, Parameter.Defaults defaults) {
        if (!p.section().equals(schemaPath)) {
            throw new IllegalStateException(p.key() + " is not a key of " + schemaPath);
        }
        Object raw = values.get(p.name());
        T value;
        if (raw == null) {
            value = p.defaultFor(defaults);
        } else {
            try {
                value = p.type().parse(raw);
            } catch (ValueType.Invalid e) {
                Object shown = isSecret(p) ? "***" : e.value();
                throw new ConfigException(fullKey(p.name()) + e.suffix(), shown, p.type().expected());
            }
        }
        settings.record(p, fullKey(p.name()), p.type().format(value), raw != null);
        return value;
    }

    /** Replaces what {@code tern config} shows for {@code p}, e.g. a path once resolved. */
    <T> void show(Parameter<T> p, T value) {
        settings.record(p, fullKey(p.name()), p.type().format(value), values.get(p.name()) != null);
    }

    /** The nested mapping under {@code key}; an empty one when the key is absent. */
    ConfigSection section(String key) {
        checkDeclared(key);
        Object v = values.get(key);
        if (v == null) {
            return new ConfigSection(fullKey(key), childSchema(key), Map.of(), settings);
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw new ConfigException(fullKey(key), v, "a mapping of keys (key: value)");
        }
        return new ConfigSection(fullKey(key), childSchema(key), map, settings);
    }

    /** The list of mappings under {@code key}, e.g. {@code routes}; empty when absent. */
    List<ConfigSection> sections(String key) {
        checkDeclared(key);
        Object v = values.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw new ConfigException(fullKey(key), v, "a list of mappings");
        }
        List<ConfigSection> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String itemKey = fullKey(key) + "[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> map)) {
                throw new ConfigException(itemKey, list.get(i), "a mapping of keys (key: value)");
            }
            out.add(new ConfigSection(itemKey, childSchema(key) + "[]", map, settings));
        }
        return out;
    }

    private void checkDeclared(String key) {
        if (!keys.contains(key)) {
            throw new IllegalStateException("key not declared in Parameters: " + fullKey(key));
        }
    }

    private String childSchema(String key) {
        return schemaPath.isEmpty() ? key : schemaPath + "." + key;
    }

    private static boolean isSecret(Parameter<?> p) {
        return p.name().equals("password");
    }

    private static Object display(String key, Object value) {
        return key.equals("password") && value != null ? "***" : value;
    }
}
