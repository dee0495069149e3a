package tern.smtp;

/**
 * A command refused with a specific reply. Thrown by the parsers on bad input only, without
 * a stack trace (a client can make us throw one per line).
 */
public final class SmtpRejection extends Exception {

    private final Reply reply;

    public SmtpRejection(Reply reply) {
        super(reply.toString(), null, false, false);
        this.reply = reply;
    }

    public Reply reply() {
        return reply;
    }
}
