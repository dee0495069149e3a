package tern.sts;

/** A policy file or TXT record that does not follow RFC 8461; the message says what is wrong, in words fit for a log. */
public final class StsPolicyException extends Exception {
    public StsPolicyException(String message) {
        super(message);
    }
}
