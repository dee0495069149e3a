package tern.admin.console;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tern.admin.AdminResponse;
import tern.metrics.QueueGauges;
import tern.metrics.TernMetrics;

/** {@code /}: the server at a glance, with the delivery latency and the queue's last hour as pictures. */
final class OverviewPage {
    private static final Duration HOUR = Duration.ofHours(1);

    private final ServerFacts facts;

    OverviewPage(ServerFacts facts) {
        this.facts = facts;
    }

    AdminResponse render(Viewer viewer, Instant now) {
        TernMetrics metrics = facts.metrics();
        TernMetrics.Totals totals = metrics.totals();
        QueueGauges queue = metrics.queueGauges();
        StringBuilder body = new StringBuilder(16384);
        body.append("<section aria-labelledby=\"server\"><h2 id=\"server\">Server</h2>\n<dl class=\"facts\">\n");
        fact(body, "fqdn", "Fully-qualified domain name", Html.text(facts.fqdn().get()));
        fact(body, "uptime", "Up for", Html.since(facts.started(), now) + " (since " + Html.time(facts.started()) + ")");
        fact(body, "outbound", "Outbound connections open", Long.toString(metrics.outboundConnections()));
        body.append("</dl>\n</section>\n");

        body.append("<section aria-labelledby=\"counts\"><h2 id=\"counts\">Since the start</h2>\n<dl class=\"facts\">\n");
        fact(body, "accepted", "Messages accepted", Long.toString(totals.accepted()));
        fact(body, "delivered", "Recipients delivered", Long.toString(totals.delivered()));
        fact(body, "deferred", "Attempts deferred", Long.toString(totals.deferred()));
        fact(body, "failed", "Recipients failed", Long.toString(totals.failed()));
        fact(body, "badmailed", "Messages to Badmail", Long.toString(totals.badmailed()));
        body.append("</dl>\n</section>\n");

        body.append("<section aria-labelledby=\"queue\"><h2 id=\"queue\">Queue</h2>\n<dl class=\"facts\">\n");
        fact(body, "queued", "Messages queued", "<a href=\"/queue\">" + queue.messages() + "</a>");
        fact(body, "recipients", "Recipients waiting", (queue.pendingRecipients() + queue.deferredRecipients())
                + " (" + queue.deferredRecipients() + " deferred)");
        Instant oldest = queue.oldestMessageArrival();
        fact(body, "oldest", "Oldest message", oldest == null ? "none"
                : Html.since(oldest, now) + " old (arrived " + Html.time(oldest) + ")");
        body.append("</dl>\n</section>\n");

        body.append("<section aria-labelledby=\"pictures\" class=\"pictures\"><h2 id=\"pictures\">Pictures</h2>\n");
        body.append(latency(metrics.deliveryLatencyBuckets()));
        var samples = facts.queueSizes().since(now, HOUR);
        List<Instant> times = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        for (var s : samples) {
            times.add(s.at());
            sizes.add(s.messages());
        }
        body.append(Charts.line("queue-size", "Messages queued over the last hour, sampled once a minute",
                "messages", now, HOUR, times, sizes));
        body.append("</section>\n");
        return Layout.page(200, "Overview", "/", viewer, body.toString());
    }

    private static String latency(List<TernMetrics.LatencyBucket> buckets) {
        List<String> labels = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        Duration previous = null;
        for (var b : buckets) {
            labels.add(b.overflow() ? "> " + label(previous) : "≤ " + label(b.upTo()));
            counts.add(b.count());
            previous = b.upTo() == null ? previous : b.upTo();
        }
        return Charts.bars("latency", "Delivery latency: time from arrival to delivery, per recipient",
                "recipients", labels, counts);
    }

    private static String label(Duration d) {
        return d.toMillis() < 1000 ? d.toMillis() + "ms" : tern.config.Durations.format(d); // escaped by Charts
    }

    private static void fact(StringBuilder body, String id, String term, String markup) {
        body.append("<div><dt id=\"").append(id).append("-term\">").append(Html.text(term)).append("</dt><dd id=\"")
                .append(id).append("\" aria-labelledby=\"").append(id).append("-term\">").append(markup)
                .append("</dd></div>\n");
    }
}
