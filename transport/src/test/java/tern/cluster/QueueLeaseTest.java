package tern.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.testing.Eventually;
import tern.testing.RedisProcess;

/** The takeover lease against a real redis-server on loopback. */
class QueueLeaseTest {

    @TempDir
    Path dir;

    private RedisProcess redis;
    private RedisClient client;

    @BeforeEach
    void redis() throws Exception {
        redis = RedisProcess.start(dir);
        client = RedisClient.create(redis.uri());
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.shutdown();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private String value(String key) {
        try (var c = client.connect()) {
            return c.sync().get(key);
        }
    }

    @Test
    void oneHolderAtATimeAndTheKeyIsGoneOnceReleased() throws Exception {
        try (QueueLease first = QueueLease.acquire(redis.uri(), "dir-1", "node-a", Duration.ofSeconds(30))) {
            assertThat(value("tern:takeover:dir-1")).startsWith("node-a ");
            assertThatThrownBy(() -> QueueLease.acquire(redis.uri(), "dir-1", "node-b", Duration.ofSeconds(30)))
                    .isInstanceOf(QueueLease.HeldElsewhere.class)
                    .hasMessage("tern:takeover:dir-1 is held by node-a: another node is taking this queue over");
            try (QueueLease other = QueueLease.acquire(redis.uri(), "dir-2", "node-b", Duration.ofSeconds(30))) {
                assertThat(other.held()).isTrue(); // another data directory, another lease
            }
        }
        assertThat(value("tern:takeover:dir-1")).isNull();
    }

    @Test
    void itIsRenewedWhileHeldAndLostForGoodOnceAnotherHasTheKeyWhichItThenLeavesAlone() throws Exception {
        QueueLease lease = QueueLease.acquire(redis.uri(), "dir-1", "node-a", Duration.ofMillis(3000));
        try {
            try (var c = client.connect()) {
                // Renewed every second: past its first ttl it is still there, its ttl topped up.
                Eventually.await("a renewal", Duration.ofSeconds(10), () -> c.sync().pttl("tern:takeover:dir-1") > 2500);
                Thread.sleep(3500); // longer than the ttl: without renewals the key would be gone
                assertThat(c.sync().get("tern:takeover:dir-1")).startsWith("node-a ");
                assertThat(lease.held()).isTrue();

                c.sync().set("tern:takeover:dir-1", "node-b 1234"); // the key expired and node-b took it
                Eventually.await("the loss noticed", Duration.ofSeconds(10), () -> !lease.held());
            }
        } finally {
            lease.close();
        }
        assertThat(value("tern:takeover:dir-1")).isEqualTo("node-b 1234");
    }

    @Test
    void aRedisThatCannotBeReachedGivesNoLease() throws Exception {
        try (var refusing = tern.testing.LoopbackPorts.refusingPort()) {
            assertThatThrownBy(() -> QueueLease.acquire("redis://127.0.0.1:" + refusing.getLocalPort(), "dir-1", "node-a",
                    Duration.ofSeconds(30))).isInstanceOf(java.io.IOException.class)
                    .hasMessageStartingWith("cannot take the takeover lease in Redis at redis://127.0.0.1:");
        }
    }
}
