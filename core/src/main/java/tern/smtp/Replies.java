package tern.smtp;

/**
 * The replies Tern sends, in one place, each with its RFC 3463 enhanced status code.
 * Text that varies (an id, a host name) is filled in with {@link Reply#withText}.
 */
public final class Replies {
    private Replies() {
    }

    public static final Reply OK = new Reply(250, "2.0.0", "Ok");
    public static final Reply SENDER_OK = new Reply(250, "2.1.0", "Ok");
    public static final Reply RECIPIENT_OK = new Reply(250, "2.1.5", "Ok");
    public static final Reply QUEUED = new Reply(250, "2.0.0", "Ok: queued");
    public static final Reply RESET_OK = new Reply(250, "2.0.0", "Ok");
    public static final Reply NOOP_OK = new Reply(250, "2.0.0", "Ok");
    public static final Reply VRFY_CANNOT = new Reply(252, "2.5.0",
            "Cannot VRFY user, but will accept message and attempt delivery");
    public static final Reply HELP = new Reply(214, "2.0.0",
            "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP");
    public static final Reply START_MAIL_INPUT = new Reply(354, null, "End data with <CR><LF>.<CR><LF>");
    public static final Reply BYE = new Reply(221, "2.0.0", "Bye");

    public static final Reply SERVICE_UNAVAILABLE = new Reply(421, "4.3.2", "Service not available, closing transmission channel");
    public static final Reply TOO_MANY_CONNECTIONS = new Reply(421, "4.3.2", "Too many connections, try again later");
    public static final Reply SHUTTING_DOWN = new Reply(421, "4.3.2", "Server shutting down, closing transmission channel");
    public static final Reply IDLE_TIMEOUT = new Reply(421, "4.4.2", "Idle timeout, closing transmission channel");
    public static final Reply TOO_MANY_ERRORS = new Reply(421, "4.7.0", "Too many errors, closing transmission channel");
    public static final Reply JOURNAL_UNAVAILABLE = new Reply(452, "4.3.1", "Insufficient system storage, try again later");
    public static final Reply TOO_MANY_RECIPIENTS = new Reply(452, "4.5.3", "Too many recipients");
    public static final Reply LOCAL_ERROR = new Reply(451, "4.3.0", "Local error in processing, try again later");

    public static final Reply UNKNOWN_COMMAND = new Reply(500, "5.5.1", "Command unrecognized");
    public static final Reply LINE_TOO_LONG = new Reply(500, "5.5.2", "Line too long");
    public static final Reply SYNTAX_ERROR = new Reply(501, "5.5.4", "Syntax error in parameters or arguments");
    public static final Reply BAD_ADDRESS_SYNTAX = new Reply(501, "5.1.3", "Bad address syntax");
    public static final Reply BAD_SENDER_SYNTAX = new Reply(501, "5.1.7", "Bad sender address syntax");
    public static final Reply NOT_IMPLEMENTED = new Reply(502, "5.5.1", "Command not implemented");
    public static final Reply BAD_SEQUENCE = new Reply(503, "5.5.1", "Bad sequence of commands");
    public static final Reply PARAMETER_NOT_IMPLEMENTED = new Reply(555, "5.5.4", "Parameter not recognized or not implemented");
    public static final Reply RELAY_DENIED = new Reply(554, "5.7.1", "Relay access denied");
    public static final Reply MESSAGE_TOO_LARGE = new Reply(552, "5.3.4", "Message size exceeds fixed maximum message size");
    public static final Reply TOO_MANY_HOPS = new Reply(554, "5.4.6", "Too many hops, mail loop detected");
    public static final Reply UTF8_REQUIRED = new Reply(553, "5.6.7", "SMTPUTF8 required for this address");
    // Our own verdicts in Failed events and NDRs (never sent on the wire). X.4.7 "delivery time
    // expired" for both: a retry limit bounds how long a message may stay just as expiration does.
    // Class 5 because the DSN action is "failed"; a delay DSN says 4.4.7.
    public static final Reply DELIVERY_TIME_EXPIRED = new Reply(554, "5.4.7", "Delivery time expired");
    public static final Reply RETRY_LIMIT_REACHED = new Reply(554, "5.4.7", "Retry limit reached");
    public static final Reply NO_VALID_RECIPIENTS = new Reply(554, "5.5.1", "No valid recipients");

    // Outbound: replies Tern makes up for a delivery attempt when the peer said nothing
    // (DNS, network, local policy), so that every outcome carries a code and a status.
    public static final Reply NULL_MX = new Reply(556, "5.1.10", "Domain does not accept mail (null MX, RFC 7505)");
    public static final Reply DOMAIN_NOT_FOUND = new Reply(550, "5.1.2", "Domain not found");
    public static final Reply DNS_TEMPORARY_FAILURE = new Reply(451, "4.4.3", "DNS lookup failed, try again later");
    public static final Reply CONNECTION_FAILED = new Reply(451, "4.4.1", "Connection to the remote host failed");
    public static final Reply CONNECTION_LOST = new Reply(451, "4.4.2", "Connection to the remote host lost or timed out");
    public static final Reply REMOTE_PROTOCOL_ERROR = new Reply(451, "4.5.0", "Remote host broke the SMTP protocol");
    public static final Reply TLS_NOT_OFFERED = new Reply(451, "4.7.10", "TLS required but the remote host does not offer STARTTLS");
    public static final Reply TLS_HANDSHAKE_FAILED = new Reply(451, "4.7.5", "TLS handshake with the remote host failed");
    public static final Reply AUTH_NEEDS_TLS = new Reply(451, "4.7.10", "Credentials are never sent over an unencrypted connection");
    // The verify TLS level: a certificate that does not chain to a trusted CA or does not name
    // the host (RFC 7372 X.7.5 "cryptographic failure"), and credentials kept back from a peer
    // whose certificate was not verified.
    public static final Reply TLS_NOT_VERIFIED = new Reply(451, "4.7.5", "Certificate of the remote host not verified");
    public static final Reply CREDENTIALS_WITHHELD = new Reply(451, "4.7.5",
            "Certificate of the remote host not verified; credentials withheld");
    public static final Reply AUTH_REJECTED = new Reply(535, "5.7.8", "Authentication credentials rejected by the remote host");
    public static final Reply REMOTE_MESSAGE_TOO_LARGE = new Reply(552, "5.3.4", "Message larger than the remote host's SIZE limit");
    public static final Reply REMOTE_NO_8BITMIME = new Reply(554, "5.6.3", "8-bit message and the remote host does not offer 8BITMIME");
    public static final Reply REMOTE_NO_SMTPUTF8 = new Reply(553, "5.6.7", "Message needs SMTPUTF8 and the remote host does not offer it");

    // MTA-STS (RFC 8461) and DANE (RFC 7672): the recipient domain's own rules leave no host
    // to try, or a host's TLS did not match them. X.7.5 as for any failed certificate check.
    public static final Reply STS_NO_MX_ALLOWED = new Reply(451, "4.7.5", "MTA-STS policy names none of the MX hosts");
    public static final Reply DANE_NOT_AUTHENTICATED = new Reply(451, "4.7.5", "DANE TLSA records of the MX host cannot be checked");
    public static final Reply DNSSEC_BOGUS = new Reply(451, "4.7.5", "DNSSEC validation of the MX records failed");

    // The inbound server.
    public static final Reply CHUNK_RECEIVED = new Reply(250, "2.0.0", "Chunk received");
    public static final Reply HELO_FIRST = new Reply(503, "5.5.1", "Send EHLO or HELO first");
    public static final Reply NESTED_MAIL = new Reply(503, "5.5.1", "Nested MAIL command");
    public static final Reply DATA_AFTER_BDAT = new Reply(503, "5.5.1", "DATA cannot follow BDAT in one transaction");
    public static final Reply BINARYMIME_NEEDS_BDAT = new Reply(503, "5.5.1", "BODY=BINARYMIME requires BDAT, not DATA");
    public static final Reply BARE_NEWLINE_IN_COMMAND = new Reply(500, "5.5.2",
            "Syntax error: bare <CR> or <LF> in command line; lines end with <CR><LF>");
    public static final Reply TEXT_LINE_TOO_LONG = new Reply(500, "5.5.2", "Message line longer than 1000 octets");
    public static final Reply BARE_NEWLINE_IN_DATA = new Reply(554, "5.6.0",
            "Message contains a bare <CR> or <LF>; lines end with <CR><LF>");

    // Authentication: RFC 4954 replies for AUTH, and the per-client limits.
    public static final Reply AUTH_SUCCEEDED = new Reply(235, "2.7.0", "Authentication successful");
    public static final Reply AUTH_FAILED = new Reply(535, "5.7.8", "Authentication credentials invalid");
    public static final Reply AUTH_CANCELLED = new Reply(501, "5.0.0", "Authentication cancelled");
    public static final Reply AUTH_BAD_BASE64 = new Reply(501, "5.5.2", "Cannot decode response: bad base64 or UTF-8");
    public static final Reply AUTH_MECHANISM_UNKNOWN = new Reply(504, "5.5.4", "Unrecognized authentication type");
    public static final Reply AUTH_ALREADY = new Reply(503, "5.5.1", "Already authenticated");
    public static final Reply AUTH_NOT_DURING_MAIL = new Reply(503, "5.5.1", "AUTH not permitted during a mail transaction");
    public static final Reply AUTH_REQUIRED = new Reply(530, "5.7.0", "Authentication required");
    public static final Reply ENCRYPTION_REQUIRED = new Reply(538, "5.7.11",
            "Encryption required for requested authentication mechanism");
    public static final Reply AUTH_TEMPORARY_FAILURE = new Reply(454, "4.7.0", "Temporary authentication failure");
    public static final Reply TOO_MANY_AUTH_FAILURES = new Reply(421, "4.7.0",
            "Too many failed authentication attempts, closing transmission channel");
    public static final Reply TOO_MANY_CONNECTIONS_FROM_ADDRESS = new Reply(421, "4.7.0",
            "Too many connections from your address, try again later");

    // Inbound policy: TLS, relay tricks and protocol hardening.
    public static final Reply READY_FOR_TLS = new Reply(220, "2.0.0", "Ready to start TLS");
    public static final Reply TLS_NOT_AVAILABLE = new Reply(454, "4.7.0", "TLS not available");
    public static final Reply TLS_ALREADY_ACTIVE = new Reply(503, "5.5.1", "TLS already active");
    public static final Reply NO_SUCH_USER = new Reply(550, "5.1.1",
            "No such user here: a local part with %, ! or @ is not rerouted");
    public static final Reply BAD_MAILBOX_NAME = new Reply(550, "5.1.3", "Mailbox name not allowed");
    public static final Reply UNKNOWN_LOCAL_RECIPIENT = new Reply(550, "5.1.1", "No such user here");
    public static final Reply PREGREET = new Reply(554, "5.5.1", "Protocol error: client spoke before the greeting");
    public static final Reply NOT_HTTP = new Reply(554, "5.7.0", "This is an SMTP server, not a web server; closing");
    /** A PROXY protocol header from an address {@code server.proxyProtocol} does not list. */
    public static final Reply PROXY_NOT_TRUSTED = new Reply(554, "5.7.0",
            "PROXY header not accepted from this address; closing");
    public static final Reply NUL_IN_COMMAND = new Reply(501, "5.5.4", "Syntax error: NUL character in command line");
    public static final Reply BAD_HELO_NAME = new Reply(501, "5.5.4", "Syntax error: control character in host name");
}
