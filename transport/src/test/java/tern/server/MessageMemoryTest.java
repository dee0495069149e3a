package tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class MessageMemoryTest {

    @Test
    void reservationsBeyondTheBudgetWaitInLineAndAreGrantedAsBytesComeBack() {
        MessageMemory memory = new MessageMemory(100);
        assertThat(memory.tryReserve(60)).isTrue();
        CompletableFuture<Long> first = memory.reserve(50);
        CompletableFuture<Long> second = memory.reserve(10);
        assertThat(first).isNotDone();
        assertThat(second).as("first come, first served").isNotDone();
        assertThat(memory.tryReserve(1)).as("no jumping the line").isFalse();
        memory.release(60);
        assertThat(first).isCompletedWithValue(50L);
        assertThat(second).isCompletedWithValue(10L);
        assertThat(memory.used()).isEqualTo(60);
    }

    @Test
    void aRequestLargerThanTheBudgetIsTrimmedToItAndWaitsForAnIdleMoment() {
        MessageMemory memory = new MessageMemory(100);
        assertThat(memory.tryReserve(1)).isTrue();
        CompletableFuture<Long> huge = memory.reserve(1_000);
        assertThat(huge).isNotDone();
        memory.release(1);
        assertThat(huge).isCompletedWithValue(100L);
    }

    @Test
    void aSessionThatGivesUpLeavesTheLineAndThoseBehindItMoveUp() {
        MessageMemory memory = new MessageMemory(100);
        assertThat(memory.tryReserve(90)).isTrue();
        CompletableFuture<Long> gone = memory.reserve(50);
        CompletableFuture<Long> next = memory.reserve(10);
        memory.giveUp(gone);
        assertThat(next).isCompletedWithValue(10L);
        assertThat(memory.used()).isEqualTo(100);

        CompletableFuture<Long> granted = memory.reserve(0);
        memory.release(100);
        memory.giveUp(memory.reserve(40)); // granted at once, then given up: the bytes come back
        assertThat(granted).isDone();
        assertThat(memory.used()).isZero();
    }
}
