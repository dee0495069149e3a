package tern.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tern.sts.StsPolicyCache.Step;
import tern.sts.StsPolicyCache.Txt;

class StsPolicyCacheTest {

    private Instant now = Instant.parse("2026-11-29T10:00:00Z");
    private final InstantSource clock = () -> now;
    private final StsPolicyCache cache = new StsPolicyCache(clock, Duration.ofMinutes(5), 100);

    private static final StsPolicy DAY = new StsPolicy(StsPolicy.Mode.ENFORCE, List.of("mx.a.test"), Duration.ofDays(1));
    private static final StsPolicy WEEK = new StsPolicy(StsPolicy.Mode.TESTING, List.of("*.a.test"), Duration.ofDays(7));

    private static Txt txt(String id) {
        return new Txt.Found(new StsRecord(id));
    }

    private void advance(Duration d) {
        now = now.plus(d);
    }

    @Test
    void aDomainWithoutTxtRecordHasNoPolicyAndNothingIsFetched() {
        assertThat(cache.next("a.test", new Txt.Absent())).isEqualTo(new Step.Apply(Optional.empty()));
        assertThat(cache.next("a.test", new Txt.Failed())).isEqualTo(new Step.Apply(Optional.empty()));
    }

    @Test
    void aFetchedPolicyIsKeptForItsMaxAgeWhileTheIdStaysTheSame() {
        assertThat(cache.next("a.test", txt("1"))).isEqualTo(new Step.Fetch("1"));
        assertThat(cache.fetched("a.test", "1", DAY)).contains(DAY);
        advance(Duration.ofHours(23));
        assertThat(cache.next("A.Test.", txt("1"))).isEqualTo(new Step.Apply(Optional.of(DAY)));
        advance(Duration.ofHours(1));
        assertThat(cache.next("a.test", txt("1"))).isEqualTo(new Step.Fetch("1"));
    }

    @Test
    void aNewTxtIdMakesTheKeptPolicyStale() {
        cache.next("a.test", txt("1"));
        cache.fetched("a.test", "1", DAY);
        assertThat(cache.next("a.test", txt("2"))).isEqualTo(new Step.Fetch("2"));
        assertThat(cache.fetched("a.test", "2", WEEK)).contains(WEEK);
        assertThat(cache.next("a.test", txt("2"))).isEqualTo(new Step.Apply(Optional.of(WEEK)));
    }

    @Test
    void aKeptPolicyOutlivesAVanishedTxtRecordUntilItExpires() {
        cache.fetched("a.test", "1", DAY);
        assertThat(cache.next("a.test", new Txt.Absent())).isEqualTo(new Step.Apply(Optional.of(DAY)));
        assertThat(cache.next("a.test", new Txt.Failed())).isEqualTo(new Step.Apply(Optional.of(DAY)));
        advance(Duration.ofDays(1));
        assertThat(cache.next("a.test", new Txt.Absent())).isEqualTo(new Step.Apply(Optional.empty()));
    }

    @Test
    void aFailedFetchKeepsTheOldPolicyOrNoneAndIsNotRepeatedAtOnce() {
        assertThat(cache.next("b.test", txt("1"))).isEqualTo(new Step.Fetch("1"));
        assertThat(cache.fetchFailed("b.test", "1")).isEmpty();
        assertThat(cache.next("b.test", txt("1"))).isEqualTo(new Step.Apply(Optional.empty()));
        advance(Duration.ofMinutes(5));
        assertThat(cache.next("b.test", txt("1"))).isEqualTo(new Step.Fetch("1"));

        cache.fetched("a.test", "1", DAY);
        assertThat(cache.next("a.test", txt("2"))).isEqualTo(new Step.Fetch("2"));
        assertThat(cache.fetchFailed("a.test", "2")).contains(DAY);
        assertThat(cache.next("a.test", txt("2"))).isEqualTo(new Step.Apply(Optional.of(DAY)));
        assertThat(cache.next("a.test", txt("3"))).isEqualTo(new Step.Fetch("3")); // another id: try it
    }

    @Test
    void aPolicyWithMaxAgeZeroAppliesOnceAndIsNotKept() {
        StsPolicy once = new StsPolicy(StsPolicy.Mode.ENFORCE, List.of("mx.a.test"), Duration.ZERO);
        assertThat(cache.fetched("a.test", "1", once)).contains(once);
        assertThat(cache.next("a.test", txt("1"))).isEqualTo(new Step.Fetch("1"));
    }

    @Test
    void theLeastRecentlyUsedDomainIsForgottenBeyondTheLimit() {
        StsPolicyCache small = new StsPolicyCache(clock, Duration.ofMinutes(5), 2);
        small.fetched("a.test", "1", DAY);
        small.fetched("b.test", "1", DAY);
        small.next("a.test", txt("1"));
        small.fetched("c.test", "1", DAY);
        assertThat(small.next("a.test", txt("1"))).isEqualTo(new Step.Apply(Optional.of(DAY)));
        assertThat(small.next("b.test", txt("1"))).isEqualTo(new Step.Fetch("1"));
    }
}
