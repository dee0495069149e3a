package tern.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

class QueueIdGeneratorTest {

    @Test
    void idsInABurstWithinOneMicrosecondAreDistinctAndAscending() {
        var frozen = InstantSource.fixed(Instant.parse("2026-11-29T10:00:00Z"));
        var ids = new QueueIdGenerator(frozen);
        var seen = new HashSet<QueueId>();
        QueueId previous = null;
        for (int i = 0; i < 10_000; i++) {
            QueueId id = ids.next();
            assertThat(seen.add(id)).isTrue();
            if (previous != null) {
                assertThat(id).isGreaterThan(previous);
            }
            previous = id;
        }
        assertThat(previous.value()).hasSize(11);
    }

    @Test
    void aRestartWithAClockSetBackContinuesAfterTheLastJournaledId() {
        var before = new QueueIdGenerator(InstantSource.fixed(Instant.parse("2026-11-29T10:00:00Z")));
        QueueId last = before.next();
        var after = new QueueIdGenerator(InstantSource.fixed(Instant.parse("2026-11-29T09:00:00Z")));
        after.continueAfter(last);
        assertThat(after.next()).isGreaterThan(last);
    }
}
