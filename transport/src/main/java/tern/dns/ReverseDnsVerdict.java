package tern.dns;

/**
 * The outcome of checking a client's HELO name against its reverse DNS (forward-confirmed
 * reverse DNS, "FCrDNS"). The inbound session writes it into the Received header.
 */
public enum ReverseDnsVerdict {
    /** A PTR name of the client resolves back to the client and equals its HELO name. */
    VERIFIED,
    /** The client has PTR names, but none is both forward-confirmed and equal to the HELO name. */
    UNVERIFIED,
    /** No answer could be had: timeout, SERVFAIL, or no PTR record at all. */
    FAILED
}
