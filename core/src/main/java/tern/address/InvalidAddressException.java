package tern.address;

/**
 * A path that is not RFC 5321 / RFC 6531 syntax. Thrown only for bad input, so it skips
 * the stack trace: a hostile client must not make us pay for one per line.
 */
public final class InvalidAddressException extends Exception {

    private final boolean needsSmtpUtf8;

    public InvalidAddressException(String reason) {
        this(reason, false);
    }

    private InvalidAddressException(String reason, boolean needsSmtpUtf8) {
        super(reason, null, false, false);
        this.needsSmtpUtf8 = needsSmtpUtf8;
    }

    /** The address is well formed but internationalized, and the transaction did not say SMTPUTF8. */
    public static InvalidAddressException smtpUtf8Required() {
        return new InvalidAddressException("address needs SMTPUTF8", true);
    }

    public boolean needsSmtpUtf8() {
        return needsSmtpUtf8;
    }
}
