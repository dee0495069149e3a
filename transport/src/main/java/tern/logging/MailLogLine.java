package tern.logging;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.spi.LoggingEventBuilder;
import tern.queue.QueueId;
import tern.smtp.Reply;

/**
 * One log line about one message, in Postfix's shape so that pflogsumm-style tools read it:
 * {@code ID: to=<bob@example.com>, relay=mx[192.0.2.1]:25, delay=1.2, dsn=2.0.0, status=sent (250 2.0.0 ok)}.
 * Each field is also an SLF4J key-value pair, which the JSON log format writes as a field of
 * its own ({@code "queueId"}, {@code "to"}, {@code "dsn"}, ...); the text format shows only the
 * message. One builder for both, so the two formats cannot drift apart.
 */
public final class MailLogLine {
    private record Field(String key, Object value, String text) {
    }

    private final QueueId id;
    private final List<Field> fields = new ArrayList<>();

    private MailLogLine(QueueId id) {
        this.id = id;
    }

    public static MailLogLine about(QueueId id) {
        return new MailLogLine(id);
    }

    /** {@code key=value (detail) (detail)}; the details stay in the message, with no field of their own. */
    public MailLogLine field(String key, Object value, String... details) {
        StringBuilder text = new StringBuilder(key).append('=').append(value);
        for (String d : details) {
            text.append(" (").append(d).append(')');
        }
        fields.add(new Field(key, value, text.toString()));
        return this;
    }

    /** {@code key=<address>}; the structured field has no brackets. */
    public MailLogLine address(String key, Object address) {
        String a = String.valueOf(address);
        fields.add(new Field(key, a, key + "=<" + a + ">"));
        return this;
    }

    /** The RFC 3463 code of {@code reply} as {@code dsn=}, from its class when it carries none. */
    public MailLogLine dsn(Reply reply) {
        String status = reply.status() != null ? reply.status() : (reply.code() / 100) + ".0.0";
        return field("dsn", status);
    }

    /** {@code status=sent (detail)}: the structured field is the word (sent, deferred, bounced, ...). */
    public MailLogLine status(String status, String... details) {
        return field("status", status, details);
    }

    /** {@code delay=1.2}: seconds since arrival to a tenth, a number in JSON. */
    public MailLogLine delay(Duration sinceArrival) {
        return field("delay", BigDecimal.valueOf(Math.round(sinceArrival.toMillis() / 100.0), 1));
    }

    /** The text format's message: {@code ID: to=<...>, relay=..., status=...}. */
    public String message() {
        StringBuilder sb = new StringBuilder(id.toString()).append(": ");
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(fields.get(i).text());
        }
        return sb.toString();
    }

    public void info(Logger log) {
        if (log.isInfoEnabled()) {
            emit(log.atInfo());
        }
    }

    public void warn(Logger log) {
        emit(log.atWarn());
    }

    private void emit(LoggingEventBuilder event) {
        event = event.addKeyValue("queueId", id.value());
        for (Field f : fields) {
            event = event.addKeyValue(f.key(), f.value());
        }
        event.log(message());
    }
}
