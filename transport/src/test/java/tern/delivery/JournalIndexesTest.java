package tern.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tern.queue.QueueId;

class JournalIndexesTest {

    @Test
    void everyMessageKeepsItsJournalIndexThroughPutsRemovesAndARetain() {
        var indexes = new JournalIndexes();
        var model = new HashMap<QueueId, Long>();
        var random = new Random(3);
        for (int step = 0; step < 40_000; step++) {
            var id = new QueueId("J" + random.nextInt(3_000));
            if (random.nextInt(3) == 0) {
                indexes.remove(id);
                model.remove(id);
            } else {
                long index = random.nextLong(1L << 40);
                indexes.put(id, index);
                model.put(id, index);
            }
        }
        indexes.retain(id -> id.value().hashCode() % 2 == 0);
        model.keySet().removeIf(id -> id.value().hashCode() % 2 != 0);

        assertThat(indexes.size()).isEqualTo(model.size());
        for (int i = 0; i < 3_000; i++) {
            var id = new QueueId("J" + i);
            assertThat(indexes.get(id)).isEqualTo(model.getOrDefault(id, JournalIndexes.NONE));
            assertThat(indexes.contains(id)).isEqualTo(model.containsKey(id));
        }
    }
}
