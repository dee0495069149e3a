package tern.admin.console;

import tern.admin.AdminResponse;

/** {@code /login}: the admin token, typed or pasted once, starts a session. */
final class LoginPage {
    private LoginPage() {
    }

    static AdminResponse render(Viewer viewer, String next, String error, int status) {
        StringBuilder body = new StringBuilder(2048);
        if (error != null) {
            body.append("<p class=\"error\" role=\"alert\" id=\"login-error\">").append(Html.text(error)).append("</p>\n");
        }
        body.append("<form method=\"post\" action=\"/login\" id=\"login-form\">\n")
                .append("<input type=\"hidden\" name=\"next\" value=\"").append(Html.text(next)).append("\">\n")
                .append("<div class=\"field\"><label for=\"token\">Admin token</label>\n")
                .append("<input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"off\" required ")
                .append("aria-describedby=\"token-hint\">\n<p class=\"hint\" id=\"token-hint\">The one line in <code>")
                .append(Html.text(viewer.tokenFile())).append("</code>, readable by the server's user only.</p></div>\n")
                .append("<p><button type=\"submit\" id=\"sign-in\">Sign in</button></p>\n</form>\n");
        return Layout.page(status, "Sign in", "", viewer, body.toString());
    }

    /** Where to go after signing in: a path of this console, never another site. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")
                || next.chars().anyMatch(c -> c < 0x21)) {
            return "/";
        }
        return next;
    }
}
