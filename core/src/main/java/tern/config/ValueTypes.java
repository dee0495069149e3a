package tern.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The kinds of value configuration keys hold. Each knows how to read what YAML gave, what a
 * valid value looks like, and how to write the value back as the operator would.
 */
public final class ValueTypes {
    private ValueTypes() {
    }

    private record Simple<T>(String expected, Function<Object, T> parser, Function<T, String> formatter)
            implements ValueType<T> {
        @Override
        public T parse(Object raw) {
            T value = parser.apply(raw);
            if (value == null) {
                throw new Invalid(raw);
            }
            return value;
        }

        @Override
        public String format(T value) {
            return value == null ? "" : formatter.apply(value);
        }
    }

    /** A duration longer than zero: {@code 90s}, {@code 15m}, {@code 12h}, {@code 2d} or ISO-8601. */
    public static ValueType<Duration> duration() {
        return new Simple<>("a duration longer than zero such as 90s, 15m, 12h, 2d or ISO-8601 (PT15M)", raw -> {
            if (!(raw instanceof String s)) {
                return null;
            }
            try {
                Duration d = Durations.parse(s);
                return d.isNegative() || d.isZero() ? null : d;
            } catch (IllegalArgumentException | ArithmeticException e) {
                return null;
            }
        }, Durations::format);
    }

    /** A duration of zero or more, for waits that may be off: {@code 0s}, {@code 5s}. */
    public static ValueType<Duration> durationOrZero() {
        return new Simple<>("a duration of zero or more such as 0s, 5s, 15m or ISO-8601 (PT5S)", raw -> {
            if (!(raw instanceof String s)) {
                return null;
            }
            try {
                Duration d = Durations.parse(s);
                return d.isNegative() ? null : d;
            } catch (IllegalArgumentException | ArithmeticException e) {
                return null;
            }
        }, Durations::format);
    }

    /** A size in octets larger than zero: a number, {@code 512KB}, {@code 35MB}, {@code 10MiB}. */
    public static ValueType<Long> size() {
        return new Simple<>("a size larger than zero such as 35MB, 512KB, 10MiB or a number of octets", raw -> {
            long n;
            if (raw instanceof Integer || raw instanceof Long) {
                n = ((Number) raw).longValue();
            } else if (raw instanceof String s) {
                try {
                    n = DataSizes.parse(s);
                } catch (IllegalArgumentException | ArithmeticException e) {
                    return null;
                }
            } else {
                return null;
            }
            return n > 0 ? n : null;
        }, DataSizes::format);
    }

    /** A whole number from {@code min} up. */
    public static ValueType<Integer> integer(int min) {
        return new Simple<>(min == 0 ? "a whole number, 0 or more" : "a whole number, " + min + " or more",
                raw -> raw instanceof Integer i && i >= min ? i : null, String::valueOf);
    }

    public static ValueType<Integer> port() {
        return new Simple<>("a port number from 1 to 65535",
                raw -> raw instanceof Integer i && i >= 1 && i <= 65535 ? i : null, String::valueOf);
    }

    public static ValueType<Boolean> bool() {
        return new Simple<>("true or false", raw -> raw instanceof Boolean b ? b : null, String::valueOf);
    }

    /** Any string; numbers are taken as their digits. */
    public static ValueType<String> string() {
        return text(s -> true, "a string (quote it: \"...\")");
    }

    /** A string that {@code formatter} hides: {@code tern config} prints {@code ***}. */
    public static ValueType<String> secret() {
        return new Simple<String>("a string (quote it: \"...\")", ValueTypes::scalar, s -> "***");
    }

    /** A string that must pass {@code valid}; {@code expected} says what passes. */
    public static ValueType<String> text(Predicate<String> valid, String expected) {
        return new Simple<>(expected, raw -> {
            String s = scalar(raw);
            return s != null && valid.test(s) ? s : null;
        }, s -> s);
    }

    /** {@code routes[].rate}: {@code N/s}, {@code N/m} or {@code N/h}. */
    public static ValueType<TernConfig.Rate> rate() {
        return new Simple<>("a rate such as 2/s, 100/m or 1000/h", raw -> {
            String s = scalar(raw);
            return s == null ? null : TernConfig.Rate.parse(s);
        }, TernConfig.Rate::toString);
    }

    /** A domain name, kept in lower case. */
    public static ValueType<String> domain() {
        return new Simple<>("a domain name such as example.com", raw -> {
            String s = scalar(raw);
            return s != null && Syntax.isDomain(s) ? s.toLowerCase(Locale.ROOT) : null;
        }, s -> s);
    }

    /** One of a fixed set of words (case-insensitive). A bare YAML {@code off} arrives as false. */
    public static <E> ValueType<E> choice(Map<String, E> words) {
        String expected = words.size() == 2 ? String.join(" or ", words.keySet())
                : String.join(", ", List.copyOf(words.keySet()).subList(0, words.size() - 1)) + " or "
                + List.copyOf(words.keySet()).getLast();
        return new Simple<>(expected, raw -> {
            String word = Boolean.FALSE.equals(raw) ? "off" : raw instanceof String s ? s.toLowerCase(Locale.ROOT) : null;
            return word == null ? null : words.get(word);
        }, value -> words.entrySet().stream().filter(e -> e.getValue().equals(value))
                .map(Map.Entry::getKey).findFirst().orElse(String.valueOf(value)));
    }

    /** A file system path as written; the reader resolves it against the working directory. */
    public static ValueType<Path> path() {
        return new Simple<>("a file system path", raw -> {
            String s = scalar(raw);
            try {
                return s == null ? null : Path.of(s);
            } catch (InvalidPathException e) {
                return null;
            }
        }, Path::toString);
    }

    /**
     * A list of strings, each turned into a value by {@code parse} (null for a bad one). A single
     * string is taken as a list of one. A bad item is reported as {@code key[i]}.
     */
    public static <T> ValueType<List<T>> list(Function<String, T> parse, Function<T, String> format, String expected) {
        return new ValueType<>() {
            @Override
            public List<T> parse(Object raw) {
                List<?> items = raw instanceof List<?> l ? l : List.of(raw);
                List<T> out = new ArrayList<>(items.size());
                for (int i = 0; i < items.size(); i++) {
                    Object item = items.get(i);
                    String s = item == null || item instanceof Map || item instanceof List ? null : scalar(item);
                    T value = s == null ? null : parse.apply(s);
                    if (value == null) {
                        throw new Invalid("[" + i + "]", s == null ? item : s);
                    }
                    out.add(value);
                }
                return List.copyOf(out);
            }

            @Override
            public String expected() {
                return expected;
            }

            @Override
            public String format(List<T> value) {
                return value == null ? "" : value.stream().map(format).collect(Collectors.joining(", "));
            }
        };
    }

    public static ValueType<List<String>> strings(Function<String, String> parse, String expected) {
        return list(parse, s -> s, expected);
    }

    /**
     * Text from a scalar. Numbers become text (a password of digits); booleans do not, because
     * YAML turned a bare yes/no/on/off into one and the operator almost certainly meant the word.
     */
    static String scalar(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger) {
            return v.toString();
        }
        return null;
    }
}
