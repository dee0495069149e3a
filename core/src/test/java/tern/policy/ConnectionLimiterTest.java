package tern.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {
    @Test
    void anAddressGetsUpToItsLimitAndAnotherAfterOneCloses() {
        ConnectionLimiter limiter = new ConnectionLimiter(2);
        assertThat(limiter.tryAcquire("192.0.2.1")).isTrue();
        assertThat(limiter.tryAcquire("192.0.2.1")).isTrue();
        assertThat(limiter.tryAcquire("192.0.2.1")).isFalse();
        assertThat(limiter.count("192.0.2.1")).isEqualTo(2);
        assertThat(limiter.tryAcquire("192.0.2.2")).isTrue();
        limiter.release("192.0.2.1");
        assertThat(limiter.tryAcquire("192.0.2.1")).isTrue();
    }

    @Test
    void anAddressWithNoConnectionLeftIsForgotten() {
        ConnectionLimiter limiter = new ConnectionLimiter(5);
        limiter.tryAcquire("192.0.2.1");
        limiter.tryAcquire("192.0.2.1");
        limiter.release("192.0.2.1");
        limiter.release("192.0.2.1");
        assertThat(limiter.addresses()).isZero();
        limiter.release("192.0.2.1"); // an unmatched release does not go negative
        assertThat(limiter.count("192.0.2.1")).isZero();
        assertThat(limiter.addresses()).isZero();
    }

    @Test
    void concurrentConnectsNeverExceedTheLimit() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter(10);
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int t = 0; t < 4; t++) {
                workers.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 10_000; i++) {
                        if (limiter.tryAcquire("192.0.2.1")) {
                            int now = admitted.incrementAndGet();
                            if (now > 10) {
                                throw new AssertionError("over the limit: " + now);
                            }
                            admitted.decrementAndGet();
                            limiter.release("192.0.2.1");
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> w : workers) {
                w.get();
            }
        }
        assertThat(limiter.count("192.0.2.1")).isZero();
        assertThat(limiter.addresses()).isZero();
    }
}
