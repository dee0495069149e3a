package tern.config;

import java.util.function.Function;

/**
 * How one configuration key's value is read from what YAML gave (a String, Integer, Boolean,
 * List or Map) and written back for {@code tern config}. A value that does not fit throws
 * {@link Invalid}; the caller turns it into the one-line {@link ConfigException} that names the
 * full key.
 *
 * @param <T> the Java type the key holds
 */
public interface ValueType<T> {
    /** Reads a value YAML gave; never called with null (an absent key takes the default). */
    T parse(Object raw);

    /** What a valid value looks like, for error messages: "a whole number, 1 or more". */
    String expected();

    /** The value as the operator would write it: {@code 15m}, {@code 35MB}, {@code a, b}. */
    default String format(T value) {
        return value == null ? "" : String.valueOf(value);
    }

    /** This type with a different formatter, e.g. one that hides a secret. */
    default ValueType<T> formattedBy(Function<T, String> formatter) {
        ValueType<T> base = this;
        return new ValueType<>() {
            @Override
            public T parse(Object raw) {
                return base.parse(raw);
            }

            @Override
            public String expected() {
                return base.expected();
            }

            @Override
            public String format(T value) {
                return value == null ? "" : formatter.apply(value);
            }
        };
    }

    /**
     * A value that does not fit. {@code suffix} locates the bad part below the key ({@code [1]}
     * for the second item of a list); {@code value} is what the operator wrote there.
     */
    final class Invalid extends IllegalArgumentException {
        private final String suffix;
        private final transient Object value;

        public Invalid(Object value) {
            this("", value);
        }

        public Invalid(String suffix, Object value) {
            super("invalid value");
            this.suffix = suffix;
            this.value = value;
        }

        public String suffix() {
            return suffix;
        }

        public Object value() {
            return value;
        }
    }
}
