package tern.dns;

/**
 * What a DNSSEC-validated lookup says: the answer and whether DNSSEC proves it, or that
 * nothing can be trusted (RFC 4035 4.3).
 *
 * @param <T> what was looked up: a list of records' data, or just whether they are secure
 */
public sealed interface DnssecResult<T> {

    /** Validated from a trust anchor down; an empty value = the records provably do not exist. */
    record Secure<T>(T value) implements DnssecResult<T> {
    }

    /** Provably unsigned (or no trust anchor covers it), or DNSSEC does not reach us at all. */
    record Insecure<T>(T value) implements DnssecResult<T> {
    }

    /** Bogus, or the lookup failed: neither the answer nor its absence is known. */
    record Failed<T>(String reason) implements DnssecResult<T> {
    }
}
