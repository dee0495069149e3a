package tern.server;

/**
 * What a listening port is for. The session's rules differ only in whether TLS is there from
 * the first byte and whether a client must authenticate before MAIL.
 */
enum ListenerKind {
    /** {@code server.listen}: mail exchange (port 25 style); STARTTLS offered when configured. */
    MTA(false, false),
    /** {@code server.submission}: message submission (RFC 6409, port 587); MAIL needs AUTH first. */
    SUBMISSION(false, true),
    /** {@code server.implicitTls}: submission over implicit TLS (RFC 8314 "submissions", port 465). */
    SUBMISSIONS(true, true);

    final boolean implicitTls;
    final boolean requiresAuth;

    ListenerKind(boolean implicitTls, boolean requiresAuth) {
        this.implicitTls = implicitTls;
        this.requiresAuth = requiresAuth;
    }
}
