package tern.journal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import tern.envelope.Recipient;
import tern.journal.JournalEvent.Accepted;
import tern.journal.JournalEvent.Badmailed;
import tern.journal.JournalEvent.DelayNotified;
import tern.journal.JournalEvent.Deferred;
import tern.journal.JournalEvent.Delivered;
import tern.journal.JournalEvent.Failed;
import tern.journal.JournalEvent.HandedOver;
import tern.journal.JournalEvent.RetryRequested;

/**
 * One line per journal event for {@code ./tern journal tail}: time (UTC, milliseconds),
 * queue id, event type, then the event's facts. The queue id comes second so that
 * {@code grep <id>} on the output tells a message's whole story, like the server log.
 *
 * <pre>
 * 2026-11-29T10:00:00.123Z 0PZK3M1A2B4 Accepted from=&lt;a@x.test&gt; to=&lt;b@y.test&gt; size=1234 client=[127.0.0.1] helo=client.test
 * 2026-11-29T10:00:01.456Z 0PZK3M1A2B4 Delivered to=&lt;b@y.test&gt; relay=local reply="250 2.0.0 Ok"
 * </pre>
 *
 * {@link #json} writes the same facts as one JSON object per line (JSON Lines), for jq.
 */
public final class EventFormat {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private EventFormat() {
    }

    public static String time(Instant at) {
        return TIME.format(at);
    }

    public static String text(JournalEvent event) {
        var line = new StringBuilder(160).append(time(event.at())).append(' ').append(event.id()).append(' ')
                .append(event.getClass().getSimpleName());
        switch (event) {
            case Accepted a -> {
                var e = a.envelope();
                line.append(" from=<").append(e.reversePath()).append("> to=");
                List<Recipient> rcpts = e.recipients();
                for (int i = 0; i < rcpts.size(); i++) {
                    line.append(i == 0 ? "<" : ",<").append(rcpts.get(i).address()).append('>');
                }
                line.append(" size=").append(a.message().length)
                        .append(" client=[").append(e.clientAddress()).append("] helo=").append(e.heloName());
            }
            case Delivered d -> {
                line.append(" to=<").append(d.recipient()).append("> relay=").append(d.relay()).append(" reply=");
                quote(d.reply(), line);
            }
            case Deferred d -> {
                line.append(" to=<").append(d.recipient()).append("> relay=").append(d.relay())
                        .append(" attempts=").append(d.attempts()).append(" next=").append(time(d.nextAttempt()))
                        .append(" reply=");
                quote(d.reply(), line);
            }
            case Failed f -> {
                line.append(" to=<").append(f.recipient()).append("> relay=").append(f.relay()).append(" reply=");
                quote(f.reply(), line);
            }
            case DelayNotified n -> line.append(" to=<").append(n.recipient()).append('>');
            case Badmailed b -> {
                line.append(" reason=");
                quote(b.reason(), line);
            }
            case RetryRequested r -> { }
            case HandedOver h -> {
                line.append(" to=");
                for (int i = 0; i < h.recipients().size(); i++) {
                    line.append(i == 0 ? "<" : ",<").append(h.recipients().get(i)).append('>');
                }
                line.append(" peer=").append(h.peer()).append(" reply=");
                quote(h.reply().text(), line);
            }
        }
        return line.toString();
    }

    public static String json(JournalEvent event) {
        var json = new StringBuilder(200).append('{');
        field("time", time(event.at()), json).append(',');
        field("id", event.id().value(), json).append(',');
        field("event", event.getClass().getSimpleName(), json);
        switch (event) {
            case Accepted a -> {
                var e = a.envelope();
                json.append(',');
                field("from", e.reversePath().toString(), json).append(",\"to\":[");
                List<Recipient> rcpts = e.recipients();
                for (int i = 0; i < rcpts.size(); i++) {
                    if (i > 0) {
                        json.append(',');
                    }
                    string(rcpts.get(i).address().toString(), json);
                }
                json.append("],\"size\":").append(a.message().length).append(',');
                field("client", e.clientAddress(), json).append(',');
                field("helo", e.heloName(), json);
            }
            case Delivered d -> outcome(d.recipient(), d.relay(), d.reply(), json);
            case Deferred d -> {
                outcome(d.recipient(), d.relay(), d.reply(), json);
                json.append(",\"attempts\":").append(d.attempts()).append(',');
                field("next", time(d.nextAttempt()), json);
            }
            case Failed f -> outcome(f.recipient(), f.relay(), f.reply(), json);
            case DelayNotified n -> field("to", n.recipient(), json.append(','));
            case Badmailed b -> field("reason", b.reason(), json.append(','));
            case RetryRequested r -> { }
            case HandedOver h -> {
                json.append(",\"to\":[");
                for (int i = 0; i < h.recipients().size(); i++) {
                    if (i > 0) {
                        json.append(',');
                    }
                    string(h.recipients().get(i), json);
                }
                json.append("],");
                field("peer", h.peer(), json).append(',');
                field("reply", h.reply().text(), json);
            }
        }
        return json.append('}').toString();
    }

    private static void outcome(String recipient, String relay, String reply, StringBuilder json) {
        json.append(',');
        field("to", recipient, json).append(',');
        field("relay", relay, json).append(',');
        field("reply", reply, json);
    }

    private static StringBuilder field(String name, String value, StringBuilder json) {
        json.append('"').append(name).append("\":");
        string(value, json);
        return json;
    }

    /** A JSON string (RFC 8259 section 7), or null. */
    static void string(String value, StringBuilder json) {
        if (value == null) {
            json.append("null");
            return;
        }
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    /** A quoted value for the text form: replies may hold spaces; quotes and controls are escaped. */
    private static void quote(String value, StringBuilder line) {
        if (value == null) {
            line.append("-");
            return;
        }
        string(value, line);
    }
}
