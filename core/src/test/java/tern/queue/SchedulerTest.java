package tern.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tern.queue.Scheduler.DueWork;

class SchedulerTest {

    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    private static final QueueId A = new QueueId("A");
    private static final QueueId B = new QueueId("B");
    private static final QueueId C = new QueueId("C");

    private final Scheduler scheduler = new Scheduler();

    @Test
    void dueWorkComesOutEarliestFirstAndNothingBeforeItIsDue() {
        scheduler.schedule(C, "c@x", T0.plusSeconds(30));
        scheduler.schedule(A, "a@x", T0.plusSeconds(10));
        scheduler.schedule(B, "b@x", T0.plusSeconds(20));

        assertThat(scheduler.nextDue()).contains(T0.plusSeconds(10));
        assertThat(scheduler.pollDue(T0.plusSeconds(9), 10)).isEmpty();
        assertThat(scheduler.pollDue(T0.plusSeconds(25), 10))
                .containsExactly(new DueWork(A, List.of("a@x")), new DueWork(B, List.of("b@x")));
        assertThat(scheduler.nextDue()).contains(T0.plusSeconds(30));
        assertThat(scheduler.pollDue(T0.plusSeconds(30), 10)).containsExactly(new DueWork(C, List.of("c@x")));
        assertThat(scheduler.nextDue()).isEmpty();
    }

    @Test
    void aMessagesDueRecipientsComeGroupedForOneTransaction() {
        scheduler.schedule(A, "1@x", T0);
        scheduler.schedule(B, "1@y", T0.plusMillis(1));
        scheduler.schedule(A, "2@x", T0.plusMillis(2));
        scheduler.schedule(A, "3@x", T0.plusMillis(3));

        assertThat(scheduler.pollDue(T0.plusSeconds(1), 10))
                .containsExactly(new DueWork(A, List.of("1@x", "2@x", "3@x")), new DueWork(B, List.of("1@y")));
    }

    @Test
    void pollDueTakesAtMostMaxRecipientsAndLeavesTheRestForTheNextPoll() {
        for (int i = 0; i < 10; i++) {
            scheduler.schedule(new QueueId("M" + i), "r@x", T0.plusMillis(i));
        }
        var first = scheduler.pollDue(T0.plusSeconds(1), 4);
        assertThat(first).extracting(w -> w.id().value()).containsExactly("M0", "M1", "M2", "M3");
        assertThat(scheduler.size()).isEqualTo(6);
        assertThat(scheduler.pollDue(T0.plusSeconds(1), 100)).hasSize(6);
        assertThat(scheduler.isEmpty()).isTrue();
    }

    @Test
    void groupingHoldsForPollsOfManyMessages() {
        for (int i = 0; i < 100; i++) {
            scheduler.schedule(new QueueId("M" + (i % 40)), "r" + i + "@x", T0.plusMillis(i));
        }
        var work = scheduler.pollDue(T0.plusSeconds(1), 1000);
        assertThat(work).hasSize(40);
        assertThat(work).extracting(w -> w.id().value()).doesNotHaveDuplicates().startsWith("M0", "M1", "M2");
        assertThat(work.getFirst().recipients()).containsExactly("r0@x", "r40@x", "r80@x");
    }

    @Test
    void cancelForgetsARecipientAndRescheduleMovesOnlyScheduledOnes() {
        scheduler.schedule(A, "a@x", T0);
        scheduler.schedule(B, "b@x", T0.plusSeconds(1));
        assertThat(scheduler.cancel(A, "a@x")).isTrue();
        assertThat(scheduler.cancel(A, "a@x")).isFalse();
        assertThat(scheduler.reschedule(A, "a@x", T0)).isFalse();
        assertThat(scheduler.isScheduled(A, "a@x")).isFalse();

        assertThat(scheduler.reschedule(B, "b@x", T0.plusSeconds(60))).isTrue();
        assertThat(scheduler.dueTime(B, "b@x")).contains(T0.plusSeconds(60));
        scheduler.schedule(B, "b@x", T0.plusSeconds(5)); // scheduling again moves, never duplicates
        assertThat(scheduler.size()).isEqualTo(1);
        assertThat(scheduler.nextDue()).contains(T0.plusSeconds(5));
    }

    @Test
    void recipientsAreKnownByValueNotByIdentity() {
        scheduler.schedule(new QueueId("A"), new String("a@x"), T0);
        assertThat(scheduler.isScheduled(new QueueId("A"), "a@x")).isTrue();
        assertThat(scheduler.cancel(A, "a@x")).isTrue();
    }

    @Test
    void aHundredThousandRandomOperationsAgreeWithATreeMap() {
        var random = new Random(42);
        // Reference: distinct due times so that the order is fully defined.
        TreeMap<Long, String> byDue = new TreeMap<>();
        Map<String, Long> dueOf = new HashMap<>();
        Set<Long> usedDues = new HashSet<>();
        long now = T0.toEpochMilli();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            keys.add("M" + (i / 3) + "|r" + (i % 3) + "@x");
        }
        for (int op = 0; op < 100_000; op++) {
            String key = keys.get(random.nextInt(keys.size()));
            QueueId id = new QueueId(key.substring(0, key.indexOf('|')));
            String rcpt = key.substring(key.indexOf('|') + 1);
            int choice = random.nextInt(10);
            if (choice < 5) {
                long due;
                do {
                    due = now + random.nextInt(3_600_000);
                } while (!usedDues.add(due));
                Long old = dueOf.put(key, due);
                if (old != null) {
                    byDue.remove(old);
                }
                byDue.put(due, key);
                scheduler.schedule(id, rcpt, Instant.ofEpochMilli(due));
            } else if (choice < 7) {
                Long old = dueOf.remove(key);
                if (old != null) {
                    byDue.remove(old);
                }
                assertThat(scheduler.cancel(id, rcpt)).isEqualTo(old != null);
            } else if (choice < 8) {
                long due;
                do {
                    due = now + random.nextInt(3_600_000);
                } while (!usedDues.add(due));
                Long old = dueOf.get(key);
                if (old != null) {
                    byDue.remove(old);
                    byDue.put(due, key);
                    dueOf.put(key, due);
                }
                assertThat(scheduler.reschedule(id, rcpt, Instant.ofEpochMilli(due))).isEqualTo(old != null);
            } else {
                now += random.nextInt(60_000);
                int max = 1 + random.nextInt(20);
                List<String> expected = new ArrayList<>();
                while (expected.size() < max && !byDue.isEmpty() && byDue.firstKey() <= now) {
                    var first = byDue.pollFirstEntry();
                    dueOf.remove(first.getValue());
                    expected.add(first.getValue());
                }
                List<String> polled = new ArrayList<>();
                for (DueWork w : scheduler.pollDue(Instant.ofEpochMilli(now), max)) {
                    for (String r : w.recipients()) {
                        polled.add(w.id().value() + "|" + r);
                    }
                }
                // Grouping by message may reorder across messages, never which ones are taken.
                assertThat(polled).containsExactlyInAnyOrderElementsOf(expected);
            }
            assertThat(scheduler.size()).isEqualTo(byDue.size());
            assertThat(scheduler.nextDue().map(Instant::toEpochMilli).orElse(null))
                    .isEqualTo(byDue.isEmpty() ? null : byDue.firstKey());
        }
    }

    @Test
    void dueTimesDaysApartAndInThePastAgreeWithATreeMapToTheMillisecond() {
        // Due times from an hour ago to three days ahead (past the wheel's 37.3 hours) and a
        // clock that sometimes leaps hours: entries move between the near heap, the wheel and the
        // far heap, the wheel wraps around, and still nothing comes out early, late or twice.
        var random = new Random(7);
        TreeMap<Long, String> byDue = new TreeMap<>();
        Map<String, Long> dueOf = new HashMap<>();
        Set<Long> usedDues = new HashSet<>();
        long now = T0.toEpochMilli();
        for (int op = 0; op < 100_000; op++) {
            int k = random.nextInt(5_000);
            QueueId id = new QueueId("M" + (k / 2));
            String rcpt = "r" + (k % 2) + "@x";
            String key = id.value() + "|" + rcpt;
            int choice = random.nextInt(20);
            if (choice < 10) {
                long due;
                do {
                    due = now - 3_600_000L + (long) (random.nextDouble() * 76 * 3_600_000L);
                } while (!usedDues.add(due));
                Long old = dueOf.put(key, due);
                if (old != null) {
                    byDue.remove(old);
                }
                byDue.put(due, key);
                if (random.nextBoolean() || old == null) {
                    scheduler.schedule(id, rcpt, Instant.ofEpochMilli(due));
                } else {
                    assertThat(scheduler.reschedule(id, rcpt, Instant.ofEpochMilli(due))).isTrue();
                }
            } else if (choice < 13) {
                Long old = dueOf.remove(key);
                if (old != null) {
                    byDue.remove(old);
                }
                assertThat(scheduler.cancel(id, rcpt)).isEqualTo(old != null);
            } else if (choice < 14) {
                assertThat(scheduler.dueTime(id, rcpt).map(Instant::toEpochMilli)).isEqualTo(Optional.ofNullable(dueOf.get(key)));
            } else {
                now += choice == 19 ? random.nextInt(6 * 3_600_000) : random.nextInt(120_000);
                int max = 1 + random.nextInt(choice == 19 ? 5_000 : 20);
                List<String> expected = new ArrayList<>();
                while (expected.size() < max && !byDue.isEmpty() && byDue.firstKey() <= now) {
                    var first = byDue.pollFirstEntry();
                    dueOf.remove(first.getValue());
                    expected.add(first.getValue());
                }
                List<String> polled = new ArrayList<>();
                for (DueWork w : scheduler.pollDue(Instant.ofEpochMilli(now), max)) {
                    for (String r : w.recipients()) {
                        polled.add(w.id().value() + "|" + r);
                    }
                }
                assertThat(polled).containsExactlyInAnyOrderElementsOf(expected);
            }
            assertThat(scheduler.size()).isEqualTo(byDue.size());
            assertThat(scheduler.nextDue().map(Instant::toEpochMilli).orElse(null))
                    .isEqualTo(byDue.isEmpty() ? null : byDue.firstKey());
        }
    }

    @Test
    void aRecipientDueDaysAheadIsNeitherLostNorReturnedEarly() {
        Instant inFiveDays = T0.plus(Duration.ofDays(5));
        scheduler.schedule(A, "a@x", inFiveDays);
        scheduler.schedule(B, "b@x", T0.plusSeconds(1));
        scheduler.schedule(C, "c@x", T0.plus(Duration.ofDays(2)));

        assertThat(scheduler.pollDue(T0.plusSeconds(1), 10)).containsExactly(new DueWork(B, List.of("b@x")));
        assertThat(scheduler.nextDue()).contains(T0.plus(Duration.ofDays(2)));
        assertThat(scheduler.reschedule(C, "c@x", T0.plus(Duration.ofDays(6)))).isTrue();
        assertThat(scheduler.nextDue()).contains(inFiveDays);
        assertThat(scheduler.pollDue(inFiveDays.minusMillis(1), 10)).isEmpty();
        assertThat(scheduler.pollDue(inFiveDays, 10)).containsExactly(new DueWork(A, List.of("a@x")));
        // Scheduling into the past of a wheel that has moved on: due at once, not lost.
        scheduler.schedule(B, "b@x", T0);
        assertThat(scheduler.nextDue()).contains(T0);
        assertThat(scheduler.pollDue(inFiveDays, 10)).containsExactly(new DueWork(B, List.of("b@x")));
        assertThat(scheduler.cancel(C, "c@x")).isTrue();
        assertThat(scheduler.isEmpty()).isTrue();
        assertThat(scheduler.nextDue()).isEmpty();
    }

    @Test
    void workScheduledHoursBeforeTheRestStillComesOutInDueOrder() {
        // A journal replay schedules in no order: more than a day ahead, now, and hours ago. The
        // earlier work must not jump the later or be jumped by it.
        scheduler.schedule(A, "a@x", T0.plus(Duration.ofHours(30)));
        scheduler.schedule(B, "b@x", T0);
        scheduler.schedule(C, "c@x", T0.minus(Duration.ofHours(10)));

        assertThat(scheduler.nextDue()).contains(T0.minus(Duration.ofHours(10)));
        assertThat(scheduler.pollDue(T0.plus(Duration.ofHours(2)), 10))
                .containsExactly(new DueWork(C, List.of("c@x")), new DueWork(B, List.of("b@x")));
        assertThat(scheduler.reschedule(A, "a@x", T0.plus(Duration.ofHours(17)))).isTrue();
        assertThat(scheduler.pollDue(T0.plus(Duration.ofHours(17)).minusMillis(1), 10)).isEmpty();
        assertThat(scheduler.pollDue(T0.plus(Duration.ofHours(17)), 10)).containsExactly(new DueWork(A, List.of("a@x")));
        assertThat(scheduler.isEmpty()).isTrue();
    }

    @Test
    void growsPastItsInitialCapacityAndReusesFreedSlots() {
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 5_000; i++) {
                scheduler.schedule(new QueueId("M" + i), "r@x", T0.plusMillis(5_000 - i));
            }
            assertThat(scheduler.size()).isEqualTo(5_000);
            var all = scheduler.pollDue(T0.plusSeconds(10), 10_000);
            assertThat(all).hasSize(5_000);
            assertThat(all.getFirst().id().value()).isEqualTo("M4999");
            assertThat(scheduler.isEmpty()).isTrue();
        }
    }

    private static int countPolled(List<DueWork> work) {
        return work.stream().mapToInt(w -> w.recipients().size()).sum();
    }
}
