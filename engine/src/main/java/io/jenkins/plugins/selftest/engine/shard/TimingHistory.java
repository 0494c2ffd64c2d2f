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
 *
 * <p>It also keeps what runs of each parallelism measured on one machine ({@link #measured()}): side by side, local
 * test processes start slower and their tests run slower than alone (their build tools, test JVMs and JIT compilers
 * share the cores), which only runs with that many test processes show.
 */
public final class TimingHistory {

    /** How many recent complete runs the average spans. */
    public static final int DEFAULT_WINDOW = 5;
    /**
     * How many recent complete runs {@link #measured()} looks at: more than {@link #DEFAULT_WINDOW}, so that a shard
     * count that was measured not to pay is remembered for a while after the runs that use fewer shards instead.
     */
    public static final int MEASURED_WINDOW = 20;

    /** No history at all: every test is unseen. */
    public static final TimingHistory EMPTY = new TimingHistory(Map.of(), Optional.empty(), Map.of());

    private final Map<String, Double> estimates;
    /** Sums over every dotted prefix of the timed names: a pytest file's cases are named after its module. */
    private final Map<String, Double> modules;
    private final Optional<Double> fixedSeconds;
    private final Map<Integer, Measured> measured;

    /**
     * What earlier runs with a number of test processes (their shards' workers), all of them in whole local shards,
     * measured.
     *
     * @param fixedSeconds the median fixed cost of their shards (a start beside the other test processes' starts)
     * @param testFactor   their tests' time over the estimates of the same tests ({@link #estimate}): above 1 when
     *                     tests beside other shards ran slower than the average run
     */
    public record Measured(double fixedSeconds, double testFactor) {
    }

    private TimingHistory(Map<String, Double> estimates, Optional<Double> fixedSeconds, Map<Integer, Measured> measured) {
        this.estimates = Map.copyOf(estimates);
        this.fixedSeconds = fixedSeconds;
        this.measured = Map.copyOf(measured);
        Map<String, Double> sums = new HashMap<>();
        estimates.forEach((name, seconds) -> {
            for (int dot = name.indexOf('.'); dot > 0; dot = name.indexOf('.', dot + 1)) {
                sums.merge(name.substring(0, dot), seconds, Double::sum);
            }
            sums.merge(name, seconds, Double::sum);
        });
        this.modules = Map.copyOf(sums);
    }

    /**
     * One earlier run as far as timings go.
     *
     * @param classDurations seconds per test id (summed over its test cases)
     * @param complete       false when the run was aborted or partial
     * @param fixedSeconds   the fixed costs of its whole local shards ({@code ShardRecord.fixedSeconds})
     * @param shards         how many shards it had: when each of them has a fixed cost, the run tells what its
     *                       parallelism costs on one machine ({@link #measured()})
     * @param workers        its test processes, over all its shards
     */
    public record PastRun(Map<String, Double> classDurations, boolean complete, List<Double> fixedSeconds, int shards,
                          int workers) {
        public PastRun {
            classDurations = Map.copyOf(classDurations);
            fixedSeconds = fixedSeconds == null ? List.of() : List.copyOf(fixedSeconds);
        }

        /** A run of {@code shards} shards with one worker each. */
        public PastRun(Map<String, Double> classDurations, boolean complete, List<Double> fixedSeconds, int shards) {
            this(classDurations, complete, fixedSeconds, shards, shards);
        }

        /** A run whose shards were all whole local shards, one fixed cost and one worker each. */
        public PastRun(Map<String, Double> classDurations, boolean complete, List<Double> fixedSeconds) {
            this(classDurations, complete, fixedSeconds, fixedSeconds == null ? 0 : fixedSeconds.size());
        }

        public PastRun(Map<String, Double> classDurations, boolean complete) {
            this(classDurations, complete, List.of());
        }

        private boolean allLocal() {
            return shards > 0 && fixedSeconds.size() == shards;
        }
    }

    /** Estimates from a run history (records oldest first, as {@code RunHistory.records()} gives them). */
    public static TimingHistory fromHistory(List<RunRecord> records) {
        // a shard recorded by an earlier version, without its workers, had one where it recorded a fixed cost
        return of(records.stream().map(r -> new PastRun(r.classDurations(), r.complete(),
                r.shards().stream().flatMap(s -> s.fixedSeconds().stream()).toList(), r.shards().size(),
                r.shards().stream().mapToInt(s -> Math.max(1, s.workers())).sum())).toList());
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
        List<Double> fixed = new ArrayList<>();
        int completeRuns = 0;
        for (int i = runsOldestFirst.size() - 1; i >= 0; i--) {
            PastRun run = runsOldestFirst.get(i);
            if (run.complete() && completeRuns++ < window) {
                run.fixedSeconds().stream().filter(TimingHistory::isCost).forEach(fixed::add);
            }
            for (Map.Entry<String, Double> e : run.classDurations().entrySet()) {
                if (!isDuration(e.getValue())) {
                    continue;
                }
                double seconds = e.getValue();
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
        complete.forEach((test, seen) -> estimates.put(test, mean(seen)));
        return new TimingHistory(estimates, median(fixed), measured(runsOldestFirst, estimates));
    }

    /** Per number of test processes, over the last {@link #MEASURED_WINDOW} complete runs whose shards were all local. */
    private static Map<Integer, Measured> measured(List<PastRun> runsOldestFirst, Map<String, Double> estimates) {
        Map<Integer, List<Double>> fixed = new HashMap<>();
        Map<Integer, Map<String, List<Double>>> durations = new HashMap<>();
        int completeRuns = 0;
        for (int i = runsOldestFirst.size() - 1; i >= 0 && completeRuns < MEASURED_WINDOW; i--) {
            PastRun run = runsOldestFirst.get(i);
            if (!run.complete()) {
                continue;
            }
            completeRuns++;
            if (!run.allLocal()) {
                continue;
            }
            run.fixedSeconds().stream().filter(TimingHistory::isCost)
                    .forEach(fixed.computeIfAbsent(run.workers(), k -> new ArrayList<>())::add);
            Map<String, List<Double>> seen = durations.computeIfAbsent(run.workers(), k -> new HashMap<>());
            run.classDurations().forEach((test, seconds) -> {
                if (isDuration(seconds)) {
                    seen.computeIfAbsent(test, k -> new ArrayList<>()).add(seconds);
                }
            });
        }
        Map<Integer, Measured> out = new HashMap<>();
        fixed.forEach((workers, costs) -> {
            double measuredTime = 0;
            double estimatedTime = 0;
            for (Map.Entry<String, List<Double>> e : durations.getOrDefault(workers, Map.of()).entrySet()) {
                Double estimate = estimates.get(e.getKey());
                if (estimate != null) {
                    measuredTime += mean(e.getValue());
                    estimatedTime += estimate;
                }
            }
            Optional<Double> cost = median(costs);
            if (cost.isPresent() && estimatedTime > 0) {
                out.put(workers, new Measured(cost.get(), measuredTime / estimatedTime));
            }
        });
        return out;
    }

    /** A test's duration that counts: positive and finite (zero, negative, NaN and infinite ones are ignored). */
    private static boolean isDuration(Double seconds) {
        return seconds != null && seconds > 0 && Double.isFinite(seconds);
    }

    /** A shard's fixed cost that counts: zero or more, and finite. */
    private static boolean isCost(double seconds) {
        return seconds >= 0 && Double.isFinite(seconds);
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    private static Optional<Double> median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? Optional.empty() : Optional.of(sorted.get(sorted.size() / 2));
    }

    /**
     * What runs with each number of test processes, in shards that were all local, measured over the last
     * {@link #MEASURED_WINDOW} complete runs; a number no such run had is absent.
     */
    public Map<Integer, Measured> measured() {
        return measured;
    }

    /**
     * A local shard's fixed cost: the median over the whole local shards of the last {@link #DEFAULT_WINDOW} complete
     * runs; empty when none measured it.
     */
    public Optional<Double> fixedSeconds() {
        return fixedSeconds;
    }

    /** The estimated test time of these tests, or empty when some of them were never timed. */
    public OptionalDouble totalSeconds(List<String> testIds) {
        double sum = 0;
        for (String t : testIds) {
            OptionalDouble d = estimate(t);
            if (d.isEmpty()) {
                return OptionalDouble.empty();
            }
            sum += d.getAsDouble();
        }
        return OptionalDouble.of(sum);
    }

    /**
     * The estimated seconds of a test, empty when no earlier run timed it. A test class is found by its name; a
     * test file ({@code tests/test_calc.py}) by its module ({@code tests.test_calc}), which pytest's JUnit report
     * names its cases after ({@code tests.test_calc} and {@code tests.test_calc.TestAdd}), summed.
     */
    public OptionalDouble estimate(String testId) {
        Double d = testId.endsWith(".py")
                ? modules.get(testId.substring(0, testId.length() - 3).replace('\\', '/').replace('/', '.'))
                : estimates.get(testId);
        return d == null ? OptionalDouble.empty() : OptionalDouble.of(d);
    }

    /** How many tests have an estimate. */
    public int size() {
        return estimates.size();
    }
}
