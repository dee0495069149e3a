package tern.tls;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where the HTTPS server of a policy host ({@code mta-sts.<domain>}) listens. In service it
 * is the host's addresses from {@code dns.servers}, port 443 (RFC 8461 3.3); tests point it
 * at a loopback port. Deliberately not a configuration key: nobody should be able to move
 * a domain's policy somewhere else.
 */
@FunctionalInterface
interface PolicyLocator {
    int HTTPS_PORT = 443;

    CompletableFuture<List<InetSocketAddress>> addresses(String policyHost);

    /** The policy host's addresses through Tern's own resolver, port 443. */
    static PolicyLocator dns(tern.dns.MailDns dns) {
        return host -> dns.addresses(host).thenApply(addresses -> addresses.stream()
                .map(a -> new InetSocketAddress(a, HTTPS_PORT)).toList());
    }
}
