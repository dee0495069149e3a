package tern.tls;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tern.dns.HostLookupException;
import tern.sts.StsPolicy;
import tern.sts.StsPolicyException;

/**
 * Fetches {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (RFC 8461 3.3) with
 * Reactor Netty's HTTP client: TLS with a certificate that chains to the JDK's CAs or
 * {@code delivery.trustAnchors} and names the policy host; no redirects; a 200 answer of
 * type {@code text/plain}; at most {@link #MAX_SIZE} octets and {@code timeout} for the
 * whole exchange. Anything else is a failed fetch, whose message says why in a few words.
 */
final class StsPolicyFetcher {
    static final String PATH = "/.well-known/mta-sts.txt";
    /** A policy is a few lines; a megabyte answer is a broken or hostile server. */
    static final int MAX_SIZE = 64 * 1024;

    private final SslContext tls;
    private final Duration timeout;
    private final PolicyLocator locator;

    StsPolicyFetcher(List<X509Certificate> trustAnchors, Duration timeout, PolicyLocator locator) {
        this.timeout = timeout;
        this.locator = locator;
        try {
            // The verifier checks the chain and that the certificate names the host the
            // engine was made for: the policy host, carried by the connect address below.
            this.tls = SslContextBuilder.forClient().trustManager(TrustAnchors.verifier(trustAnchors))
                    .protocols("TLSv1.3", "TLSv1.2").build();
        } catch (SSLException e) {
            throw new IllegalStateException("no TLS client in this JDK", e);
        }
    }

    /** The domain's policy; completes exceptionally with {@link StsPolicyException} for every failure. */
    CompletableFuture<StsPolicy> fetch(String domain) {
        String host = "mta-sts." + domain;
        return locator.addresses(host)
                .thenCompose(addresses -> {
                    if (addresses.isEmpty()) {
                        throw new CompletionException(new StsPolicyException("policy host " + host + " has no address"));
                    }
                    return get(host, addresses.getFirst());
                })
                .thenApply(text -> {
                    try {
                        return StsPolicy.parse(text);
                    } catch (StsPolicyException e) {
                        throw new CompletionException(e);
                    }
                })
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(failure(host, e)));
    }

    private CompletableFuture<String> get(String host, InetSocketAddress address) {
        InetSocketAddress named;
        try {
            // The policy host's name on a resolved address: no second lookup, and the TLS engine
            // (SNI and the certificate name check) and the Host header get the policy host.
            named = new InetSocketAddress(InetAddress.getByAddress(host, address.getAddress().getAddress()), address.getPort());
        } catch (UnknownHostException e) {
            return CompletableFuture.failedFuture(e);
        }
        HttpClient client = HttpClient.create(ConnectionProvider.newConnection())
                .remoteAddress(() -> named)
                .secure(spec -> spec.sslContext(tls).handshakeTimeout(timeout))
                .followRedirect(false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .responseTimeout(timeout);
        return client.get().uri(PATH).response((response, body) -> {
            int status = response.status().code();
            if (status != 200) {
                // 3xx included: RFC 8461 3.3 forbids following redirects.
                return Mono.error(new StsPolicyException("policy server answered HTTP " + status));
            }
            String type = response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE);
            if (type == null || !mediaType(type).equals("text/plain")) {
                return Mono.error(new StsPolicyException("policy is of type " + (type == null ? "(none)" : mediaType(type))
                        + ", not text/plain"));
            }
            return body.asByteArray().reduce(new ByteArrayOutputStream(), (all, part) -> {
                if (all.size() + part.length > MAX_SIZE) {
                    throw new CompletionException(new StsPolicyException("policy larger than " + MAX_SIZE + " octets"));
                }
                all.writeBytes(part);
                return all;
            }).map(all -> all.toString(StandardCharsets.UTF_8));
        }).single().timeout(timeout).toFuture();
    }

    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    /** Our own words for what went wrong: the log line says which check failed, never a stack trace. */
    private static StsPolicyException failure(String host, Throwable error) {
        CertificateNotVerified notVerified = CertificateNotVerified.in(error);
        if (notVerified != null) {
            return new StsPolicyException("policy host not verified: " + notVerified.getMessage());
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof StsPolicyException e) {
                return e;
            }
            if (t instanceof HostLookupException e) {
                return new StsPolicyException("policy host " + host + " not found: " + e.failure().text());
            }
            if (t instanceof TimeoutException || t instanceof io.netty.handler.timeout.TimeoutException) {
                return new StsPolicyException("policy fetch from " + host + " timed out");
            }
            if (t instanceof ConnectException) {
                return new StsPolicyException("cannot connect to policy host " + host);
            }
            if (t instanceof SSLException) {
                return new StsPolicyException("TLS with policy host " + host + " failed");
            }
        }
        return new StsPolicyException("policy fetch from " + host + " failed");
    }
}
