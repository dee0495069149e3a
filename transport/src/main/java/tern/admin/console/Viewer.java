package tern.admin.console;

/**
 * Who is looking at a page: anyone who reaches the admin listener may read; whoever signed in
 * with the admin token (or sends it as a bearer token) may act.
 *
 * @param signedIn  whether actions are allowed
 * @param csrf      the session's CSRF token, put in every form; empty when not signed in
 * @param tokenFile where the admin token lives, for the "sign in" hint
 * @param notice    a one-time message from the last action (e.g. "retried 0ABC"), or null
 */
record Viewer(boolean signedIn, String csrf, String tokenFile, String notice) {

    static Viewer readOnly(String tokenFile) {
        return new Viewer(false, "", tokenFile, null);
    }
}
