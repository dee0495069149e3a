package tern.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tern.admin.ReadinessCheck;
import tern.queue.Dispatch;
import tern.queue.SharedLimits;
import tern.route.Destination;
import tern.testing.Eventually;
import tern.testing.RedisProcess;

/** The shared limits against a real redis-server on loopback, two "nodes" in one JVM. */
class RedisLimitsTest {

    static final Destination PARTNER = new Destination("route partner.test");
    static final Dispatch.Limits TWO = new Dispatch.Limits(2, null, true);

    RedisProcess server;
    RedisLink linkA;
    RedisLink linkB;
    RedisLimits nodeA;
    RedisLimits nodeB;
    final LinkedBlockingQueue<Destination> answered = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        server = RedisProcess.start(java.nio.file.Files.createTempDirectory("tern-redis"));
        linkA = RedisLink.open(server.uri(), "a");
        linkB = RedisLink.open(server.uri(), "b");
        Eventually.await("both links up", () -> linkA.isUp() && linkB.isUp());
        nodeA = limits(linkA, Duration.ofSeconds(30));
        nodeB = limits(linkB, Duration.ofSeconds(30));
    }

    RedisLimits limits(RedisLink link, Duration ttl) {
        RedisLimits l = new RedisLimits(link, LeaseBook.Settings.DEFAULT, ttl, System::currentTimeMillis);
        l.onAnswer(answered::add);
        return l;
    }

    @AfterEach
    void stop() throws Exception {
        linkA.close();
        linkB.close();
        server.close();
    }

    /** Takes as the dispatch does: ask, wait for the answer, ask again. */
    SharedLimits.Answer take(RedisLimits node, Dispatch.Limits limits) throws InterruptedException {
        while (true) {
            SharedLimits.Answer a = node.take(PARTNER, limits, System.currentTimeMillis());
            if (!(a instanceof SharedLimits.Asking)) {
                return a;
            }
            assertThat(answered.poll(10, TimeUnit.SECONDS)).as("an answer").isEqualTo(PARTNER);
        }
    }

    @Test
    void twoNodesTogetherGetNoMoreSlotsThanTheLimit() throws Exception {
        assertThat(take(nodeA, TWO)).isInstanceOf(SharedLimits.Granted.class);
        assertThat(take(nodeB, TWO)).isInstanceOf(SharedLimits.Granted.class);
        assertThat(take(nodeA, TWO)).isInstanceOf(SharedLimits.NotBefore.class);
        assertThat(take(nodeB, TWO)).isInstanceOf(SharedLimits.NotBefore.class);
    }

    @Test
    void aSlotGivenBackAfterItsLingerGoesToAnotherNode() throws Exception {
        take(nodeA, TWO);
        take(nodeA, TWO);
        assertThat(take(nodeB, TWO)).isInstanceOf(SharedLimits.NotBefore.class);
        nodeA.release(PARTNER, System.currentTimeMillis());
        Eventually.await("node a gives the idle slot back", () -> {
            nodeA.tick();
            return nodeA.leases(PARTNER) == 1;
        });
        Eventually.await("node b gets the slot", () -> {
            try {
                return take(nodeB, TWO) instanceof SharedLimits.Granted;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void theSlotsOfANodeThatStoppedRenewingComeBackWhenTheLeaseExpires() throws Exception {
        RedisLimits dying = limits(linkA, Duration.ofMillis(800));
        take(dying, TWO);
        take(dying, TWO); // never renewed: no tick, as if the node were killed
        assertThat(take(nodeB, TWO)).isInstanceOf(SharedLimits.NotBefore.class);
        Eventually.await("the dead node's leases expire", () -> {
            try {
                return take(nodeB, TWO) instanceof SharedLimits.Granted;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void renewedLeasesOutliveTheirTtl() throws Exception {
        RedisLimits holder = limits(linkA, Duration.ofMillis(600));
        take(holder, TWO);
        take(holder, TWO);
        long until = System.currentTimeMillis() + 2000;
        while (System.currentTimeMillis() < until) {
            holder.tick();
            Thread.sleep(50);
        }
        assertThat(take(nodeB, TWO)).isInstanceOf(SharedLimits.NotBefore.class);
    }

    @Test
    void theTokenBucketGrantsItsCapacityThenSaysHowLongToWait() throws Exception {
        String[] keys = {RedisLimits.slots("t"), RedisLimits.bucket("t")};
        // No slot wanted, 5 tokens wanted, one token per 1000 ms, capacity 2.
        List<Long> first = linkA.eval(RedisLimits.ADMIT, keys, "0", "2", "x", "1000", "5", "1000", "2", "200").get();
        assertThat(first.get(1)).isEqualTo(2);
        List<Long> second = linkA.eval(RedisLimits.ADMIT, keys, "0", "2", "x", "1000", "5", "1000", "2", "200").get();
        assertThat(second.get(1)).isZero();
        assertThat(second.get(2)).isBetween(1L, 1000L);
    }

    @Test
    void aRateTakesTokensInBatchesNotARoundTripPerDelivery() throws Exception {
        var fast = new Dispatch.Limits(100, Duration.ofMillis(10), true); // 100/s: batches of 10
        long before = linkA.calls();
        for (int i = 0; i < 10; i++) {
            assertThat(take(nodeA, fast)).isInstanceOf(SharedLimits.Granted.class);
            nodeA.release(PARTNER, System.currentTimeMillis());
        }
        // One round trip for the slot and the first batch, a few more if the bucket was empty.
        assertThat(linkA.calls() - before).isLessThan(5);
    }

    @Test
    void withRedisGoneEveryStartIsGrantedLocallyAndTheNodeRejoinsWhenItIsBack() throws Exception {
        take(nodeA, TWO);
        take(nodeA, TWO);
        server.stop();
        Eventually.await("the link notices", () -> !linkA.isUp());
        assertThat(take(nodeA, TWO)).isInstanceOf(SharedLimits.Granted.class); // local limits only
        assertThat(linkA.readiness().check()).isInstanceOf(ReadinessCheck.Warning.class);

        server.startAgain();
        Eventually.await("the node rejoins", Duration.ofSeconds(30), () -> {
            nodeA.tick();
            return linkA.isUp();
        });
        assertThat(linkA.readiness().check()).isInstanceOf(ReadinessCheck.Ready.class);
        Eventually.await("a slot from the fresh Redis", () -> {
            try {
                return take(nodeA, TWO) instanceof SharedLimits.Granted;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(nodeA.leases(PARTNER)).isEqualTo(3); // two from before, one from the fresh Redis
    }
}
