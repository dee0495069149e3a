package tern.admin.console;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tern.admin.AdminRequest;
import tern.admin.AdminResponse;
import tern.queue.QueueId;

/**
 * {@code /queue}: the queued messages with their recipients, filtered by recipient domain and
 * state ({@code ?domain=example.com&state=deferred}), {@link #MAX_MESSAGES} to a page
 * ({@code ?after=<the last id of the page before>}), the per-destination shape of the queue,
 * and the operator's actions: retry a message now, delete it (to Badmail), retry a destination.
 */
final class QueuePage {
    /** A page of a queue of millions would help nobody: the filter narrows it down, the next page goes on. */
    static final int MAX_MESSAGES = 500;

    private final QueueView queue;

    QueuePage(QueueView queue) {
        this.queue = queue;
    }

    AdminResponse render(AdminRequest request, Viewer viewer, Instant now) {
        String domain = request.param("domain").strip().toLowerCase(Locale.ROOT);
        Optional<QueueView.RecipientState> state = QueueView.RecipientState.of(request.param("state"));
        QueueId after = request.param("after").isBlank() ? null : id(request.param("after")).orElse(null);
        QueueView.Page page = queue.page(domain.isEmpty() ? null : domain, state, after, MAX_MESSAGES);
        StringBuilder body = new StringBuilder(16384);
        filterForm(body, domain, state);
        shape(body, queue.shape(now), viewer);
        body.append("<section aria-labelledby=\"messages\"><h2 id=\"messages\">Messages</h2>\n<p id=\"message-count\">")
                .append(page.matching()).append(" of ").append(page.total()).append(" queued message")
                .append(page.total() == 1 ? "" : "s").append(domain.isEmpty() && state.isEmpty() ? "" : " match the filter")
                .append(page.matching() > page.messages().size()
                        ? "; " + page.messages().size() + " are shown" + (after == null ? ", the oldest" : ", after " + after) : "")
                .append(".</p>\n");
        if (!page.messages().isEmpty()) {
            table(body, page.messages(), viewer, now);
        }
        if (page.next() != null) {
            body.append("<p><a id=\"next-page\" rel=\"next\" href=\"/queue?after=").append(Html.text(Html.query(page.next().value())))
                    .append(domain.isEmpty() ? "" : "&amp;domain=" + Html.text(Html.query(domain)))
                    .append(state.map(s -> "&amp;state=" + s.word()).orElse(""))
                    .append("\">Next ").append(MAX_MESSAGES).append(" messages</a></p>\n");
        }
        body.append("</section>\n");
        return Layout.page(200, "Queue", "/queue", viewer, body.toString());
    }

    /** A signed-in POST: one of the three actions. Returns the notice to show next. */
    String act(AdminRequest request) {
        String action = request.field("action");
        return switch (action) {
            case "retry" -> id(request).map(id -> queue.retry(id) ? "Retrying " + id + " now."
                    : id + " is not queued.").orElse("No such queue id.");
            case "delete" -> id(request).map(id -> queue.delete(id) ? "Deleted " + id + ": moved to Badmail."
                    : id + " is not queued.").orElse("No such queue id.");
            case "retry-destination" -> {
                String domain = request.field("domain").strip().toLowerCase(Locale.ROOT);
                if (domain.isEmpty()) {
                    yield "Name a destination domain to retry.";
                }
                int n = queue.retryDestination(domain);
                yield "Retrying " + n + " message" + (n == 1 ? "" : "s") + " for " + domain + " now.";
            }
            default -> throw new IllegalArgumentException("unknown queue action");
        };
    }

    static Optional<QueueId> id(AdminRequest request) {
        return id(request.field("id"));
    }

    private static Optional<QueueId> id(String text) {
        try {
            return Optional.of(new QueueId(text.strip()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static void filterForm(StringBuilder body, String domain, Optional<QueueView.RecipientState> state) {
        body.append("<form class=\"filter\" method=\"get\" action=\"/queue\" role=\"search\">\n")
                .append("<label for=\"filter-domain\">Recipient domain</label>\n")
                .append("<input id=\"filter-domain\" name=\"domain\" type=\"text\" value=\"").append(Html.text(domain))
                .append("\" placeholder=\"example.com\">\n<label for=\"filter-state\">State</label>\n")
                .append("<select id=\"filter-state\" name=\"state\">\n<option value=\"\">any</option>\n");
        for (QueueView.RecipientState s : QueueView.RecipientState.values()) {
            body.append("<option value=\"").append(s.word()).append('"')
                    .append(state.map(x -> x == s).orElse(false) ? " selected" : "").append('>').append(s.word())
                    .append("</option>\n");
        }
        body.append("</select>\n<button type=\"submit\">Filter</button>\n<a href=\"/queue\">Clear</a>\n</form>\n");
    }

    private static void shape(StringBuilder body, List<QueueShape.Row> rows, Viewer viewer) {
        body.append("<section aria-labelledby=\"shape\"><h2 id=\"shape\">Destinations</h2>\n");
        if (rows.isEmpty()) {
            body.append("<p>No recipient is waiting.</p>\n</section>\n");
            return;
        }
        body.append("<table id=\"queue-shape\"><caption>Recipients waiting, by destination and age of their message")
                .append(" (minutes), as Postfix's qshape counts them</caption>\n<thead><tr><th scope=\"col\">Destination</th>")
                .append("<th scope=\"col\">Total</th>");
        for (int bound : QueueShape.BOUNDS) {
            body.append("<th scope=\"col\">&lt; ").append(bound).append("</th>");
        }
        body.append("<th scope=\"col\">older</th>").append(viewer.signedIn() ? "<th scope=\"col\">Action</th>" : "")
                .append("</tr></thead>\n<tbody>\n");
        for (QueueShape.Row row : rows) {
            body.append("<tr><th scope=\"row\"><a href=\"/queue?domain=").append(Html.text(Html.query(row.domain())))
                    .append("\">").append(Html.text(row.domain())).append("</a></th><td class=\"number\">")
                    .append(row.total()).append("</td>");
            for (long n : row.buckets()) {
                body.append("<td class=\"number\">").append(n == 0 ? "" : Long.toString(n)).append("</td>");
            }
            if (viewer.signedIn()) {
                body.append("<td><form method=\"post\" action=\"/queue\">").append(Html.csrf(viewer))
                        .append("<input type=\"hidden\" name=\"domain\" value=\"").append(Html.text(row.domain()))
                        .append("\"><button type=\"submit\" name=\"action\" value=\"retry-destination\">Retry all")
                        .append("<span class=\"visually-hidden\"> for ").append(Html.text(row.domain()))
                        .append("</span></button></form></td>");
            }
            body.append("</tr>\n");
        }
        body.append("</tbody></table>\n</section>\n");
    }

    private static void table(StringBuilder body, List<QueueView.Message> messages, Viewer viewer, Instant now) {
        body.append("<table id=\"queue-messages\"><caption>Queued messages, oldest first; one row per recipient")
                .append("</caption>\n<thead><tr><th scope=\"col\">Queue id</th><th scope=\"col\">Age</th>")
                .append("<th scope=\"col\">Sender</th><th scope=\"col\">Size</th><th scope=\"col\">Recipient</th>")
                .append("<th scope=\"col\">State</th><th scope=\"col\">Attempts</th><th scope=\"col\">Next attempt</th>")
                .append("<th scope=\"col\">Last reply</th>").append(viewer.signedIn() ? "<th scope=\"col\">Action</th>" : "")
                .append("</tr></thead>\n");
        for (QueueView.Message m : messages) {
            int n = Math.max(1, m.recipients().size());
            String span = n > 1 ? " rowspan=\"" + n + "\"" : "";
            body.append("<tbody class=\"message\" id=\"m-").append(Html.text(m.id())).append("\">\n<tr>")
                    .append("<th scope=\"rowgroup\"").append(span).append("><a href=\"/message/").append(Html.text(m.id()))
                    .append("\">").append(Html.text(m.id())).append("</a></th>")
                    .append("<td").append(span).append('>').append(Html.since(m.arrival(), now)).append("</td>")
                    .append("<td class=\"address\"").append(span).append('>').append(Html.text("<" + m.sender() + ">"))
                    .append("</td><td class=\"number\"").append(span).append('>').append(Html.size(m.size())).append("</td>");
            boolean first = true;
            for (QueueView.Recipient r : m.recipients()) {
                if (!first) {
                    body.append("<tr>");
                }
                body.append("<td class=\"address\">").append(Html.text(r.address())).append("</td><td class=\"state ")
                        .append(r.state().word()).append("\">").append(r.state().word()).append("</td><td class=\"number\">")
                        .append(r.attempts()).append("</td><td>");
                if (r.nextAttempt() != null && r.waiting()) {
                    body.append(Html.time(r.nextAttempt()));
                    if (r.nextAttempt().isAfter(now)) {
                        body.append(" (in ").append(Html.since(now, r.nextAttempt())).append(')');
                    }
                }
                body.append("</td><td class=\"reply\">").append(Html.text(r.lastReply())).append("</td>");
                if (first && viewer.signedIn()) {
                    body.append("<td").append(span).append('>').append(actions(m.id(), viewer, "queue")).append("</td>");
                }
                body.append("</tr>\n");
                first = false;
            }
            body.append("</tbody>\n");
        }
        body.append("</table>\n");
    }

    /** The retry and delete buttons of one message; {@code back} is the page to return to. */
    static String actions(QueueId id, Viewer viewer, String back) {
        StringBuilder out = new StringBuilder(512);
        for (String[] action : new String[][] {{"retry", "Retry now"}, {"delete", "Delete"}}) {
            out.append("<form class=\"action\" method=\"post\" action=\"/queue\">").append(Html.csrf(viewer))
                    .append("<input type=\"hidden\" name=\"id\" value=\"").append(Html.text(id)).append("\">")
                    .append("<input type=\"hidden\" name=\"back\" value=\"").append(back).append("\">")
                    .append("<button type=\"submit\" name=\"action\" value=\"").append(action[0]).append("\">")
                    .append(action[1]).append("<span class=\"visually-hidden\"> ").append(Html.text(id))
                    .append("</span></button></form>");
        }
        return out.toString();
    }
}
