package tern.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tern.address.Mailbox;
import tern.config.TernConfig;
import tern.route.Route;
import tern.route.Router;

/**
 * The route decision with a large configuration: 10,000 route domains (half exact names,
 * half {@code .subdomain} entries), a smart host and two local domains.
 *
 * <p>One op = one {@link Router#route(Mailbox)} call; the score is in ops/s (throughput).
 * The recipients cycle through a fixed mix of 1,024 addresses: a quarter each of an exact
 * route-domain hit, a subdomain hit ({@code x.y.dN.example} under {@code .dN.example}), a
 * miss that falls through to the smart host, and a local domain.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class RouteBenchmark {

    private static final int ROUTE_DOMAINS = 10_000;
    private static final int MIX = 1024; // a power of two: the index wraps with a mask

    private Router router;
    private Mailbox[] recipients;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        List<TernConfig.Route> routes = new ArrayList<>(ROUTE_DOMAINS);
        for (int i = 0; i < ROUTE_DOMAINS; i++) {
            String domain = (i % 2 == 0 ? "" : ".") + "d" + i + ".partner.example";
            routes.add(new TernConfig.Route(domain, "[127.0.0." + (1 + i % 250) + "]:" + (2000 + i % 1000)));
        }
        router = new Router(List.of("example.test", "mail.example.test"), routes, "[10.0.0.1]:25", false, 25);
        recipients = new Mailbox[MIX];
        for (int i = 0; i < MIX; i++) {
            int d = (i * 37) % ROUTE_DOMAINS;
            recipients[i] = switch (i % 4) {
                case 0 -> new Mailbox("user" + i, "d" + (d & ~1) + ".partner.example");          // exact hit
                case 1 -> new Mailbox("user" + i, "x.y.d" + (d | 1) + ".partner.example");     // subdomain hit
                case 2 -> new Mailbox("user" + i, "mx" + i + ".elsewhere.example");             // miss -> smart host
                default -> new Mailbox("user" + i, i % 8 == 3 ? "example.test" : "mail.example.test"); // local
            };
        }
        // Fail fast if the mix does not hit what it claims to.
        check(recipients[0], Route.Relay.class);
        check(recipients[1], Route.Relay.class);
        check(recipients[2], Route.Relay.class);
        check(recipients[3], Route.Local.class);
    }

    private void check(Mailbox m, Class<? extends Route> expected) {
        Route r = router.route(m);
        if (!expected.isInstance(r)) {
            throw new IllegalStateException(m + " routed as " + r.explain());
        }
    }

    @Benchmark
    public Route route() {
        return router.route(recipients[next++ & (MIX - 1)]);
    }
}
