package io.jenkins.plugins.selftest.engine.shard;

import io.jenkins.plugins.selftest.engine.history.RunRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Per-test duration estimates from earlier runs, for {@link ShardPlanner}. Immutable.
 *
 * <p>The estimate of a test is the mean of its durations in the last {@link #DEFAULT_WINDOW} <em>complete</em> runs
 * that ran it, so one slow or fast run does not decide the plan. Partial runs (aborted, a shard timed out or
 * crashed) are not trusted for averages: a test killed half-way shows a duration that is too short, and tests that
 * never ran show none. A partial run only counts for a test that no complete run has seen, and then as the longest
 * duration seen (a lower bound of its real duration). Zero or negative durations are ignored.
 */
public final class TimingHistory {

    /** How many recent complete runs the average spans. */
    public static final int DEFAULT_WINDOW = 5;

    /** No history at all: every test is unseen. */
    public static final TimingHistory EMPTY = new TimingHistory(Map.of());

    private final Map<String, Double> estimates;

    private TimingHistory(Map<String, Double> estimates) {
        this.estimates = Map.copyOf(estimates);
    }

    /**
     * One earlier run as far as timings go.
     *
     * @param classDurations seconds per test id (summed over its test cases)
     * @param complete       false when the run was aborted or partial
     */
    public record PastRun(Map<String, Double> classDurations, boolean complete) {
        public PastRun {
            classDurations = Map.copyOf(classDurations);
        }
    }

    /** Estimates from a run history (records oldest first, as {@code RunHistory.records()} gives them). */
    public static TimingHistory fromHistory(List<RunRecord> records) {
        return of(records.stream().map(r -> new PastRun(r.classDurations(), r.complete())).toList());
    }

    /** Estimates from runs in chronological order (oldest first), over the last {@link #DEFAULT_WINDOW}. */
    public static TimingHistory of(List<PastRun> runsOldestFirst) {
        return of(runsOldestFirst, DEFAULT_WINDOW);
    }

    public static TimingHistory of(List<PastRun> runsOldestFirst, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, was " + window);
        }
        Map<String, List<Double>> complete = new HashMap<>();
        Map<String, Double> partialMax = new HashMap<>();
        for (int i = runsOldestFirst.size() - 1; i >= 0; i--) {
            PastRun run = runsOldestFirst.get(i);
            for (Map.Entry<String, Double> e : run.classDurations().entrySet()) {
                double seconds = e.getValue() == null ? 0 : e.getValue();
                if (!(seconds > 0) || Double.isInfinite(seconds)) {
                    continue;
                }
                if (run.complete()) {
                    List<Double> seen = complete.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
                    if (seen.size() < window) {
                        seen.add(seconds);
                    }
                } else {
                    partialMax.merge(e.getKey(), seconds, Math::max);
                }
            }
        }
        Map<String, Double> estimates = new HashMap<>(partialMax);
        complete.forEach((test, seen) -> estimates.put(test, seen.stream().mapToDouble(Double::doubleValue).average().orElseThrow()));
        return new TimingHistory(estimates);
    }

    /** The estimated seconds of a test, empty when no earlier run timed it. */
    public OptionalDouble estimate(String testId) {
        Double d = estimates.get(testId);
        return d == null ? OptionalDouble.empty() : OptionalDouble.of(d);
    }

    public Optional<Double> estimateSeconds(String testId) {
        return Optional.ofNullable(estimates.get(testId));
    }

    /** How many tests have an estimate. */
    public int size() {
        return estimates.size();
    }
}
