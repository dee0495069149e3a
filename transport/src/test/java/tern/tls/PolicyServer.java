package tern.tls;

import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tern.testing.TestCertificateAuthority;

/**
 * An HTTPS server on 127.0.0.1 that plays every {@code mta-sts.<domain>} policy host of a
 * test: it answers {@code /.well-known/mta-sts.txt} with what the test set, and counts the
 * requests. The locator it gives points every policy host at it.
 */
final class PolicyServer implements AutoCloseable {
    private final DisposableServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int status = 200;
    private volatile String contentType = "text/plain";
    private volatile String body = "";
    private volatile String location;

    PolicyServer(TestCertificateAuthority.Issued certificate) {
        try {
            var ssl = SslContextBuilder.forServer(certificate.key(), certificate.chain().toArray(new java.security.cert.X509Certificate[0]))
                    .build();
            server = HttpServer.create().host("127.0.0.1").port(0)
                    .secure(spec -> spec.sslContext(ssl))
                    .handle((request, response) -> {
                        requests.incrementAndGet();
                        if (!request.uri().equals(StsPolicyFetcher.PATH)) {
                            return response.status(404).send();
                        }
                        var r = response.status(status).header("Content-Type", contentType);
                        if (location != null) {
                            r = r.header("Location", location);
                        }
                        return r.sendByteArray(Mono.just(body.getBytes(StandardCharsets.UTF_8)));
                    })
                    .bindNow(Duration.ofSeconds(10));
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    PolicyServer policy(String text) {
        this.status = 200;
        this.contentType = "text/plain";
        this.body = text;
        this.location = null;
        return this;
    }

    PolicyServer answer(int status, String contentType, String body, String location) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.location = location;
        return this;
    }

    int requests() {
        return requests.get();
    }

    /** Every policy host is this server. */
    PolicyLocator locator() {
        return host -> CompletableFuture.completedFuture(List.of(new InetSocketAddress("127.0.0.1", server.port())));
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }
}
