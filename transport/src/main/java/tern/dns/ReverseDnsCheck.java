package tern.dns;

/**
 * What reverse DNS says about a client: the verdict on its HELO name, and the client's own
 * forward-confirmed PTR name for the Received field ({@code from helo (ptr-name [ip])},
 * RFC 5321 4.4's TCP-info), whatever the HELO name was.
 *
 * @param verdict       the HELO name against reverse DNS
 * @param confirmedName a PTR name of the client that resolves back to it; null when none
 */
public record ReverseDnsCheck(ReverseDnsVerdict verdict, String confirmedName) {

    /** Nothing could be learned (no PTR, SERVFAIL, a timeout). */
    public static final ReverseDnsCheck FAILED = new ReverseDnsCheck(ReverseDnsVerdict.FAILED, null);
}
