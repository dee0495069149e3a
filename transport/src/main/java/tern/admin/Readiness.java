package tern.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The checks behind {@code /health/ready}, asked in the order they were added. The server
 * adds its own (listeners, journal, draining) at start; anything else that has something to
 * say about readiness or a start-up warning adds a {@link ReadinessCheck} here.
 */
public final class Readiness {

    private final List<ReadinessCheck> checks = new CopyOnWriteArrayList<>();

    public Readiness add(ReadinessCheck check) {
        checks.add(Objects.requireNonNull(check, "check"));
        return this;
    }

    /**
     * Asks every check and answers UP when none is {@link ReadinessCheck.NotReady}. The facts:
     * {@code reasons} (why not ready, each "name: reason"), {@code warnings} (the same for
     * warnings), {@code checks} (each check's name and {@code ok}, {@code warning} or
     * {@code not ready}), then {@code facts} as given. A check that throws is not ready.
     */
    public Health evaluate(Map<String, Object> facts) {
        List<String> reasons = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, Object> byName = new LinkedHashMap<>();
        for (ReadinessCheck check : checks) {
            ReadinessCheck.Verdict verdict;
            try {
                verdict = Objects.requireNonNull(check.check(), "no verdict");
            } catch (RuntimeException e) {
                verdict = ReadinessCheck.Verdict.notReady("the check failed: " + e.getMessage());
            }
            switch (verdict) {
                case ReadinessCheck.Ready r -> byName.put(check.name(), "ok");
                case ReadinessCheck.Warning w -> {
                    byName.put(check.name(), "warning");
                    warnings.add(check.name() + ": " + w.detail());
                }
                case ReadinessCheck.NotReady n -> {
                    byName.put(check.name(), "not ready");
                    reasons.add(check.name() + ": " + n.reason());
                }
            }
        }
        Map<String, Object> all = new LinkedHashMap<>();
        if (!reasons.isEmpty()) {
            all.put("reasons", reasons);
        }
        if (!warnings.isEmpty()) {
            all.put("warnings", warnings);
        }
        all.put("checks", byName);
        all.putAll(facts);
        return reasons.isEmpty() ? Health.up(all) : Health.down(all);
    }
}
