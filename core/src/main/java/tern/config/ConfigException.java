package tern.config;

/**
 * A configuration value Tern cannot run with. The message is the one line an operator
 * sees at start-up: the key, the value, and what was expected.
 */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, Object value, String expected) {
        super(key + ": " + (value == null ? "(empty)" : "'" + value + "'") + " is not valid; expected " + expected);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
