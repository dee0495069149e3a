package tern.smtp;

/**
 * Where a session stands in RFC 5321's command sequence (4.1.4). The verb table in
 * {@link Verb} says which commands each phase allows.
 */
public enum SmtpPhase {
    /** Connected; no EHLO/HELO yet. */
    AWAITING_HELO,
    /** Greeted, no mail transaction open. */
    READY,
    /** MAIL FROM accepted, no recipient yet. */
    MAIL_GIVEN,
    /** At least one RCPT TO accepted. */
    RCPT_GIVEN,
    /** At least one BDAT chunk taken (RFC 3030): only BDAT may follow, or RSET. */
    CHUNKING
}
