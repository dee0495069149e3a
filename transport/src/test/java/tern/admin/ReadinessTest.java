package tern.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tern.admin.ReadinessCheck.Verdict;

class ReadinessTest {

    @Test
    void readyWhenEveryCheckIsReadyWithTheFactsAfterTheChecks() {
        Health h = new Readiness()
                .add(ReadinessCheck.of("listeners", Verdict::ready))
                .add(ReadinessCheck.of("journal", Verdict::ready))
                .evaluate(Map.of("queueMessages", 2));

        assertThat(h.up()).isTrue();
        assertThat(h.facts()).containsExactly(
                Map.entry("checks", Map.of("listeners", "ok", "journal", "ok")),
                Map.entry("queueMessages", 2));
    }

    @Test
    void aWarningIsShownButStaysReady() {
        Health h = new Readiness()
                .add(ReadinessCheck.of("fqdn", () -> Verdict.warning("'vm' has no dot; set server.fqdn")))
                .evaluate(Map.of());

        assertThat(h.up()).isTrue();
        assertThat(h.facts().get("warnings")).isEqualTo(List.of("fqdn: 'vm' has no dot; set server.fqdn"));
        assertThat(h.facts()).doesNotContainKey("reasons");
    }

    @Test
    void oneNotReadyCheckMakesItDownWithItsReasonAndAThrowingCheckIsNotReady() {
        Health h = new Readiness()
                .add(ReadinessCheck.of("listeners", Verdict::ready))
                .add(ReadinessCheck.of("journal", () -> Verdict.notReady("No space left on device")))
                .add(ReadinessCheck.of("broken", () -> {
                    throw new IllegalStateException("closed");
                }))
                .evaluate(Map.of());

        assertThat(h.up()).isFalse();
        assertThat(h.facts().get("reasons")).isEqualTo(List.of(
                "journal: No space left on device", "broken: the check failed: closed"));
        assertThat(h.facts().get("checks")).isEqualTo(Map.of(
                "listeners", "ok", "journal", "not ready", "broken", "not ready"));
    }
}
