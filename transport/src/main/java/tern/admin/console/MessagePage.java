package tern.admin.console;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import tern.admin.AdminResponse;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.journal.JournalEvent;
import tern.queue.QueueId;

/**
 * {@code /message/<id>}: one message's history from the journal as a timeline (accepted, each
 * attempt with its host and reply, delay notice, delivered or failed, the reports queued about
 * it), its envelope and its header; the body only when asked ({@code ?body=1}).
 */
final class MessagePage {
    /** More than this of a body is not shown: a browser tab is no place for a 30 MB attachment. */
    static final int MAX_BODY_SHOWN = 256 * 1024;

    private final QueueView queue;
    private final MessageHistory history;

    MessagePage(QueueView queue, MessageHistory history) {
        this.queue = queue;
        this.history = history;
    }

    private record Entry(Instant at, String what, String markup) {
    }

    AdminResponse render(String idText, boolean showBody, Viewer viewer, Instant now) {
        QueueId id;
        try {
            id = new QueueId(idText);
        } catch (IllegalArgumentException e) {
            return Layout.page(404, "No such message", "/queue", viewer, "<p>That is not a queue id.</p>\n");
        }
        Optional<MessageHistory.Story> story = history.story(id);
        Optional<QueueView.Message> queued = queue.message(id);
        if (story.isEmpty() && queued.isEmpty()) {
            return Layout.page(404, "No such message", "/queue", viewer, "<p>The journal holds nothing about "
                    + Html.text(id) + ": it never existed here, or retention has removed its history.</p>\n");
        }
        StringBuilder body = new StringBuilder(16384);
        body.append("<p id=\"status\">").append(queued.isPresent() ? "In the queue." : "No longer in the queue.")
                .append("</p>\n");
        if (queued.isPresent() && viewer.signedIn()) {
            body.append("<div class=\"actions\">").append(QueuePage.actions(id, viewer, "message")).append("</div>\n");
        }
        story.ifPresent(s -> timeline(body, s, now));
        Envelope envelope = story.map(MessageHistory.Story::envelope).orElse(null);
        if (envelope != null) {
            envelope(body, envelope);
        }
        byte[] content = story.map(MessageHistory.Story::content).orElse(null);
        if (content != null) {
            content(body, id, content, showBody);
        } else {
            body.append("<p>The journal no longer holds the message itself.</p>\n");
        }
        return Layout.page(200, "Message " + id, "/queue", viewer, body.toString());
    }

    private static void timeline(StringBuilder body, MessageHistory.Story story, Instant now) {
        List<Entry> entries = new ArrayList<>();
        Envelope e = story.envelope();
        if (e != null) {
            entries.add(new Entry(e.arrival(), "Accepted", "from <span class=\"address\">" + Html.text("<" + e.reversePath() + ">")
                    + "</span> for " + e.recipients().size() + " recipient" + (e.recipients().size() == 1 ? "" : "s")
                    + ", client [" + Html.text(e.clientAddress()) + "] helo " + Html.text(e.heloName())));
        }
        for (JournalEvent event : story.events()) {
            entries.add(switch (event) {
                case JournalEvent.Accepted a -> new Entry(a.at(), "Accepted", "again (carried forward by retention)");
                case JournalEvent.Deferred d -> new Entry(d.at(), "Deferred", "attempt " + d.attempts() + " for "
                        + rcpt(d.recipient()) + relay(d.relay()) + reply(d.reply()) + "; next attempt "
                        + Html.time(d.nextAttempt()) + " (retry in " + Html.duration(Duration.between(d.at(), d.nextAttempt()))
                        + ")");
                case JournalEvent.Delivered d -> new Entry(d.at(), "Delivered", "to " + rcpt(d.recipient()) + relay(d.relay())
                        + reply(d.reply()));
                case JournalEvent.Failed f -> new Entry(f.at(), "Failed", "for " + rcpt(f.recipient()) + relay(f.relay())
                        + reply(f.reply()));
                case JournalEvent.DelayNotified n -> new Entry(n.at(), "Delay notice", "queued for the sender about "
                        + rcpt(n.recipient()));
                case JournalEvent.RetryRequested r -> new Entry(r.at(), "Retry", "requested by the operator");
                case JournalEvent.Badmailed b -> new Entry(b.at(), "Badmail", "moved to Badmail: " + Html.text(b.reason()));
                case JournalEvent.HandedOver h -> new Entry(h.at(), "Handed over", "to " + Html.text(h.peer()) + " for "
                        + String.join(", ", h.recipients().stream().map(MessagePage::rcpt).toList()) + reply(h.reply().text()));
            });
        }
        for (MessageHistory.Report r : story.reports()) {
            entries.add(new Entry(r.at(), "Report queued", "<a href=\"/message/" + Html.text(r.id()) + "\">"
                    + Html.text(r.id()) + "</a>: " + Html.text(r.subject())));
        }
        entries.sort(Comparator.comparing(Entry::at));
        body.append("<section aria-labelledby=\"history\"><h2 id=\"history\">History</h2>\n<ol class=\"timeline\" id=\"timeline\">\n");
        for (Entry entry : entries) {
            body.append("<li class=\"event\" data-kind=\"").append(Html.text(entry.what())).append("\">")
                    .append(Html.time(entry.at())).append(" <strong>").append(Html.text(entry.what())).append("</strong> ")
                    .append(entry.markup()).append("</li>\n");
        }
        body.append("</ol>\n</section>\n");
    }

    private static void envelope(StringBuilder body, Envelope e) {
        body.append("<section aria-labelledby=\"envelope\"><h2 id=\"envelope\">Envelope</h2>\n<table class=\"envelope\">\n");
        row(body, "MAIL FROM", "<span class=\"address\">" + Html.text("<" + e.reversePath() + ">") + "</span>");
        StringBuilder rcpts = new StringBuilder("<ul>");
        for (Recipient r : e.recipients()) {
            rcpts.append("<li class=\"address\">").append(Html.text("<" + r.address() + ">"));
            if (r.orcpt() != null) {
                rcpts.append(" ORCPT=").append(Html.text(r.orcpt()));
            }
            rcpts.append("</li>");
        }
        row(body, "RCPT TO", rcpts.append("</ul>").toString());
        row(body, "Arrival", Html.time(e.arrival()));
        row(body, "Client", "[" + Html.text(e.clientAddress()) + "] helo " + Html.text(e.heloName()));
        row(body, "BODY", Html.text(e.body()) + (e.smtpUtf8() ? ", SMTPUTF8" : ""));
        if (e.envId() != null) {
            row(body, "ENVID", Html.text(e.envId()));
        }
        if (e.ret() != null) {
            row(body, "RET", Html.text(e.ret()));
        }
        body.append("</table>\n</section>\n");
    }

    private static void content(StringBuilder body, QueueId id, byte[] content, boolean showBody) {
        int end = headerEnd(content);
        body.append("<section aria-labelledby=\"headers\"><h2 id=\"headers\">Header</h2>\n<pre id=\"header-text\">")
                .append(Html.text(new String(content, 0, end, StandardCharsets.UTF_8))).append("</pre>\n");
        if (!showBody) {
            body.append("<p><a href=\"/message/").append(Html.text(id)).append("?body=1\">Show the body</a> (")
                    .append(Html.size(content.length - end)).append(")</p>\n</section>\n");
            return;
        }
        int shown = Math.min(content.length - end, MAX_BODY_SHOWN);
        body.append("<h2 id=\"body\">Body</h2>\n<pre id=\"body-text\">")
                .append(Html.text(new String(content, end, shown, StandardCharsets.UTF_8))).append("</pre>\n");
        if (shown < content.length - end) {
            body.append("<p>The first ").append(Html.size(shown)).append(" of ").append(Html.size(content.length - end))
                    .append(" are shown.</p>\n");
        }
        body.append("</section>\n");
    }

    /** Where the header ends: after the first empty line (CRLF CRLF, or bare LFs), else the whole message. */
    static int headerEnd(byte[] m) {
        for (int i = 0; i + 1 < m.length; i++) {
            if (m[i] == '\n' && m[i + 1] == '\n') {
                return i + 2;
            }
            if (i + 3 < m.length && m[i] == '\r' && m[i + 1] == '\n' && m[i + 2] == '\r' && m[i + 3] == '\n') {
                return i + 4;
            }
        }
        return m.length;
    }

    private static void row(StringBuilder body, String name, String markup) {
        body.append("<tr><th scope=\"row\">").append(Html.text(name)).append("</th><td>").append(markup).append("</td></tr>\n");
    }

    private static String rcpt(String address) {
        return "<span class=\"address\">" + Html.text("<" + address + ">") + "</span>";
    }

    private static String relay(String relay) {
        return relay == null || relay.equals("none") ? "" : " via " + Html.text(relay);
    }

    private static String reply(String reply) {
        return reply == null ? "" : ": <q class=\"reply\">" + Html.text(reply) + "</q>";
    }
}
