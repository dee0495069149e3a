package tern.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import tern.cluster.LeaseBook.Ask;
import tern.cluster.LeaseBook.Grant;
import tern.cluster.LeaseBook.Lease;
import tern.cluster.LeaseBook.NotBefore;
import tern.cluster.LeaseBook.Wait;

/** The local bookkeeping of shared slots and tokens, with the time given by the test. */
class LeaseBookTest {

    static final String PARTNER = "route partner.test";

    long now = 1_000_000;
    final LeaseBook book = new LeaseBook(new LeaseBook.Settings(Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(1)));

    @Test
    void theFirstDeliveryAsksForASlotAndStartsOnceItIsLeased() {
        assertThat(book.take(PARTNER, false, 1, now)).isEqualTo(new Ask(true, 0));
        book.asked(PARTNER);
        assertThat(book.take(PARTNER, false, 1, now)).isInstanceOf(Wait.class);

        book.answered(PARTNER, "n1:1", 0, 0, now);
        assertThat(book.take(PARTNER, false, 1, now)).isInstanceOf(Grant.class);
        assertThat(book.inUse(PARTNER)).isEqualTo(1);
    }

    @Test
    void aFinishedDeliverysSlotIsReusedWithoutAskingWhileItLingers() {
        lease("n1:1");
        book.take(PARTNER, false, 1, now);
        book.released(PARTNER, now);

        now += 999;
        assertThat(book.expired(now)).isEmpty();
        assertThat(book.take(PARTNER, false, 1, now)).isInstanceOf(Grant.class);
    }

    @Test
    void anIdleSlotIsGivenBackAfterTheLinger() {
        lease("n1:1");
        book.take(PARTNER, false, 1, now);
        book.released(PARTNER, now);

        now += 1000;
        assertThat(book.expired(now)).containsExactly(new Lease(PARTNER, "n1:1"));
        assertThat(book.leases(PARTNER)).isZero();
        assertThat(book.take(PARTNER, false, 1, now)).isEqualTo(new Ask(true, 0));
    }

    @Test
    void aSlotHeldLongerThanMaxHoldIsNotReusedButGivenBackSoOtherNodesGetTurns() {
        lease("n1:1");
        for (int i = 0; i < 4; i++) { // busy: each delivery takes the slot the last one left
            assertThat(book.take(PARTNER, false, 1, now)).isInstanceOf(Grant.class);
            now += 500;
            book.released(PARTNER, now);
        }
        assertThat(book.take(PARTNER, false, 1, now)).isEqualTo(new Ask(true, 0));
        assertThat(book.expired(now)).containsExactly(new Lease(PARTNER, "n1:1"));
    }

    @Test
    void aSlotInUseIsNeverGivenBackButIsRenewed() {
        lease("n1:1");
        book.take(PARTNER, false, 1, now);
        now += 60_000;
        assertThat(book.expired(now)).isEmpty();
        assertThat(book.held()).containsExactly(new Lease(PARTNER, "n1:1"));
    }

    @Test
    void tokensComeInABatchAndAreSpentOneADeliveryWithoutAsking() {
        book.asked(PARTNER);
        book.answered(PARTNER, "n1:1", 3, 0, now);
        assertThat(book.take(PARTNER, true, 3, now)).isInstanceOf(Grant.class);
        book.released(PARTNER, now);
        assertThat(book.take(PARTNER, true, 3, now)).isInstanceOf(Grant.class);
        book.released(PARTNER, now);
        assertThat(book.take(PARTNER, true, 3, now)).isInstanceOf(Grant.class);
        book.released(PARTNER, now);
        assertThat(book.take(PARTNER, true, 3, now)).isEqualTo(new Ask(false, 3)); // the slot is still there
    }

    @Test
    void tokensNotSpentWithinTheirLifeAreDropped() {
        book.asked(PARTNER);
        book.answered(PARTNER, "n1:1", 3, 0, now);
        now += 1000;
        assertThat(book.take(PARTNER, true, 3, now)).isEqualTo(new Ask(false, 3));
    }

    @Test
    void nothingGrantedMeansWaitUntilTheStoreSaid() {
        book.asked(PARTNER);
        book.answered(PARTNER, null, 0, now + 300, now);
        assertThat(book.take(PARTNER, false, 1, now + 299)).isEqualTo(new NotBefore(now + 300));
        assertThat(book.take(PARTNER, false, 1, now + 300)).isEqualTo(new Ask(true, 0));
    }

    @Test
    void aLocalGrantIsGivenBackFirstAndHoldsNoLease() {
        lease("n1:1");
        book.take(PARTNER, false, 1, now);
        book.grantedLocally(PARTNER);
        book.released(PARTNER, now);
        assertThat(book.inUse(PARTNER)).isEqualTo(1);
        book.released(PARTNER, now);
        assertThat(book.inUse(PARTNER)).isZero();
    }

    @Test
    void aLostLeaseInUseIsForgottenWhenItsDeliveryEnds() {
        lease("n1:1");
        book.take(PARTNER, false, 1, now);
        book.lost(new Lease(PARTNER, "n1:1"));
        assertThat(book.held()).isEmpty();
        book.released(PARTNER, now);
        assertThat(book.leases(PARTNER)).isZero();
        assertThat(book.expired(now + 5000)).isEmpty();
    }

    @Test
    void aFailedRequestLetsTheDestinationAskAgainAfterAWhile() {
        book.asked(PARTNER);
        book.failed(PARTNER, now + 1000);
        assertThat(book.take(PARTNER, false, 1, now)).isEqualTo(new NotBefore(now + 1000));
        assertThat(book.take(PARTNER, false, 1, now + 1000)).isEqualTo(new Ask(true, 0));
    }

    @Test
    void batchesAreATenthOfASecondsWorthBetweenOneAndThirtyTwo() {
        assertThat(LeaseBook.batch(Duration.ofMillis(500))).isEqualTo(1);
        assertThat(LeaseBook.batch(Duration.ofMillis(10))).isEqualTo(10);
        assertThat(LeaseBook.batch(Duration.ofMillis(1))).isEqualTo(32);
    }

    private void lease(String id) {
        book.asked(PARTNER);
        book.answered(PARTNER, id, 0, 0, now);
    }
}
