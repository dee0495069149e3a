package tern.header;

/**
 * The "with" keyword of a Received header: RFC 3848 (ESMTP, ESMTPA, ESMTPS, ESMTPSA) and
 * RFC 6531 3.7.3 (UTF8SMTP and its S/A/SA forms); plain SMTP after HELO.
 */
public enum WithProtocol {
    SMTP, ESMTP, ESMTPS, ESMTPA, ESMTPSA, UTF8SMTP, UTF8SMTPS, UTF8SMTPA, UTF8SMTPSA;

    /**
     * @param extended      the client said EHLO (not HELO)
     * @param tls           the session runs under STARTTLS
     * @param authenticated the client authenticated
     * @param smtpUtf8      MAIL FROM carried SMTPUTF8
     */
    public static WithProtocol of(boolean extended, boolean tls, boolean authenticated, boolean smtpUtf8) {
        if (smtpUtf8) {
            return tls ? (authenticated ? UTF8SMTPSA : UTF8SMTPS) : (authenticated ? UTF8SMTPA : UTF8SMTP);
        }
        if (!extended) {
            return SMTP;
        }
        return tls ? (authenticated ? ESMTPSA : ESMTPS) : (authenticated ? ESMTPA : ESMTP);
    }
}
