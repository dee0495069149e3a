package tern.dns;

/** One mail exchanger of a domain: a host name (no trailing dot) and its MX preference. */
public record MxHost(String host, int preference) {
}
