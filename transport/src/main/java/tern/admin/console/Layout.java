package tern.admin.console;

import java.util.List;
import tern.admin.AdminResponse;

/**
 * The frame around every page: the navigation, who may act, the one-time notice, and the
 * headers that keep the pages to themselves (no inline script or style may run, no framing,
 * nothing sniffed, no referrer leaving the console).
 */
final class Layout {
    /** Nothing but the console's own stylesheet; forms post only to the console. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private record Link(String path, String label) {
    }

    private static final List<Link> NAVIGATION = List.of(
            new Link("/", "Overview"), new Link("/queue", "Queue"), new Link("/settings", "Settings"));

    private Layout() {
    }

    /** A whole page; {@code body} is markup the page built with every value escaped. */
    static AdminResponse page(int status, String title, String section, Viewer viewer, String body) {
        StringBuilder out = new StringBuilder(4096 + body.length());
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(Html.text(title)).append(" · Tern</title>\n")
                .append("<link rel=\"stylesheet\" href=\"").append(Console.STYLESHEET).append("\">\n")
                .append("</head>\n<body>\n<header>\n<nav aria-label=\"Console\">\n<span class=\"brand\">Tern</span>\n<ul>\n");
        for (Link link : NAVIGATION) {
            boolean current = link.path().equals(section);
            out.append("<li><a href=\"").append(link.path()).append('"')
                    .append(current ? " aria-current=\"page\"" : "").append('>')
                    .append(Html.text(link.label())).append("</a></li>\n");
        }
        out.append("</ul>\n</nav>\n").append(who(viewer)).append("</header>\n<main>\n");
        if (viewer.notice() != null) {
            out.append("<p class=\"notice\" role=\"status\">").append(Html.text(viewer.notice())).append("</p>\n");
        }
        out.append("<h1>").append(Html.text(title)).append("</h1>\n").append(body).append("</main>\n</body>\n</html>\n");
        return secured(AdminResponse.html(status, out.toString()));
    }

    /** The security headers every console answer carries. */
    static AdminResponse secured(AdminResponse response) {
        return response.withHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .withHeader("X-Content-Type-Options", "nosniff")
                .withHeader("X-Frame-Options", "DENY")
                .withHeader("Referrer-Policy", "no-referrer");
    }

    private static String who(Viewer viewer) {
        if (viewer.signedIn()) {
            return "<form class=\"who\" method=\"post\" action=\"/logout\">" + Html.csrf(viewer)
                    + "<span>Signed in: you may act on the queue and change settings.</span> "
                    + "<button type=\"submit\">Sign out</button></form>\n";
        }
        return "<p class=\"who\">Read-only: <a href=\"/login\">sign in</a> with the token from <code>"
                + Html.text(viewer.tokenFile()) + "</code> to act.</p>\n";
    }
}
