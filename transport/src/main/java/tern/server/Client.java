package tern.server;

import java.net.InetAddress;

/**
 * Who is on the other end of a session, as {@link Admission} found it: the peer's address, or
 * the one a trusted load balancer's PROXY header carried. Everything that judges the client
 * (relay control, per-client limits, reverse DNS, the Received field, logs) reads this.
 *
 * @param address  the client's IP address
 * @param text     the address as logs and the Received field write it
 * @param mayRelay the address is in {@code relay.allowFrom}
 * @param proxied  the address came from a PROXY header, not from the socket
 */
record Client(InetAddress address, String text, boolean mayRelay, boolean proxied) {

    /** Loopback: credentials may travel in the clear, nobody can listen in. */
    boolean loopback() {
        return !proxied && address.isLoopbackAddress();
    }
}
