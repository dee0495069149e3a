package tern.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tern.config.ConfigException;

/**
 * The log format, {@code text} or {@code json}: {@code -Dtern.log.format}, else
 * {@code $TERN_LOG_FORMAT}, else text. logback.xml declares one console appender per format;
 * each carries a {@link Selected} filter that lets events through only when its format is the
 * chosen one. (Referencing just one appender by a substituted name would leave the other
 * unreferenced, which logback reports on stderr at every start.)
 */
public enum LogFormat {
    TEXT, JSON;

    public static final String PROPERTY = "tern.log.format";
    public static final String ENVIRONMENT_VARIABLE = "TERN_LOG_FORMAT";

    /** The format the property or the environment asks for; a value that is neither format throws. */
    public static LogFormat chosen(Map<String, String> environment, String property) {
        String key = property != null ? "-D" + PROPERTY : ENVIRONMENT_VARIABLE;
        String value = property != null ? property : environment.get(ENVIRONMENT_VARIABLE);
        if (value == null || value.isBlank()) {
            return TEXT;
        }
        return parse(value).orElseThrow(() -> new ConfigException(key, value, "text or json"));
    }

    /** The process's choice. */
    public static LogFormat chosen() {
        return chosen(System.getenv(), System.getProperty(PROPERTY));
    }

    static Optional<LogFormat> parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "text" -> Optional.of(TEXT);
            case "json" -> Optional.of(JSON);
            default -> Optional.empty();
        };
    }

    /** A logback filter: passes events on only when {@code format} is the {@code chosen} one. */
    public static final class Selected extends Filter<ILoggingEvent> {
        private LogFormat format;
        private LogFormat chosen = TEXT;

        public void setFormat(String format) {
            this.format = parse(format).orElse(null);
        }

        /** What logback.xml substituted from the property or variable; anything else means text. */
        public void setChosen(String chosen) {
            this.chosen = parse(chosen).orElse(TEXT);
        }

        @Override
        public FilterReply decide(ILoggingEvent event) {
            return format == chosen ? FilterReply.NEUTRAL : FilterReply.DENY;
        }
    }
}
