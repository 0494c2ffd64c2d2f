package io.jenkins.plugins.selftest.engine.shard;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Whether more local shards and workers pay for themselves. On one machine every shard is one more build tool start
 * (Maven, Gradle, pytest) and every worker one more test process, each with a fixed cost before its first test; a
 * unit of parallelism pays only when the test time it takes off the run is at least what it adds.
 *
 * <p>The run's expected wall time with {@code p} parallel units, for a suite of {@code T} seconds of tests:
 * <ul>
 *   <li>where earlier runs had {@code p} local test processes ({@link TimingHistory#measured()}: shards, or the
 *       workers of shards), what they measured: their shards' fixed cost {@code F_p} (a start beside the others) plus
 *       the tests' time as they ran there,
 *       {@code T * k_p / p}, where {@code k_p} is how much slower than their estimates those runs' tests were (test
 *       JVMs beside each other share the cores with each other's JIT compilers and collectors: on a suite whose
 *       JVMs do not warm up for long this takes more than a second unit gives);</li>
 *   <li>otherwise {@code p F + T k / p}: each unit adds one start {@code F}, as the starts compete for the same
 *       cores, and the tests run as slowly as at the nearest measured count below {@code p} ({@code k = 1} without
 *       one). {@code F} is the least start per shard that a measured count shows ({@code F_q / q}), or without any
 *       the fixed cost of earlier runs; so without measurements, going from {@code p} to {@code p + 1} units pays
 *       while {@code T / (p (p+1)) >= F}.</li>
 * </ul>
 * The units with the least expected time are planned (a tie goes to more units, as asked), so a run never plans more
 * local parallelism than pays by what earlier runs measured, and never more than was asked for. Pure and stateless.
 */
public final class ShardPayoff {

    private ShardPayoff() {
    }

    /**
     * What to run.
     *
     * @param note empty when the request stands; else one line saying what was planned instead and why
     */
    public record Decision(int shards, int workers, Optional<String> note) {
    }

    /** {@link #decide(double, Optional, Map, int, int)} without measurements of any shard count. */
    public static Decision decide(double testSeconds, Optional<Double> fixedSeconds, int shards, int workers) {
        return decide(testSeconds, fixedSeconds, Map.of(), shards, workers);
    }

    /**
     * @param testSeconds  the suite's estimated test time (the sum over its test classes, from earlier runs)
     * @param fixedSeconds a local shard's fixed cost (its wall time less its tests' time, from earlier runs), or
     *                     empty when no earlier run measured one: then the request stands
     * @param measured     what earlier runs with each number of local test processes measured
     * @param shards       shards asked for
     * @param workers      workers asked for (at least {@code shards})
     */
    public static Decision decide(double testSeconds, Optional<Double> fixedSeconds,
                                  Map<Integer, TimingHistory.Measured> measured, int shards, int workers) {
        if (fixedSeconds.isEmpty() || !(fixedSeconds.get() > 0) || !(testSeconds > 0)) {
            return new Decision(shards, workers, Optional.empty());
        }
        int asked = Math.max(shards, workers);
        double start = measured.entrySet().stream().mapToDouble(e -> e.getValue().fixedSeconds() / e.getKey())
                .min().orElse(fixedSeconds.get());
        double[] wall = new double[asked + 1];
        for (int p = 1; p <= asked; p++) {
            wall[p] = expected(p, testSeconds, start, measured);
        }
        int units = asked;
        for (int p = asked - 1; p >= 1; p--) {
            if (wall[p] < wall[units]) {
                units = p;
            }
        }
        int newShards = Math.min(shards, units);
        int newWorkers = Math.max(newShards, Math.min(workers, units));
        if (newShards == shards && newWorkers == workers) {
            return new Decision(shards, workers, Optional.empty());
        }
        TimingHistory.Measured there = measured.get(asked);
        String why = there == null
                ? String.format(Locale.ROOT, "a start costs %.1f s", start)
                : String.format(Locale.ROOT, "earlier runs with %d workers: a start beside the others took %.1f s, "
                + "their tests %.2fx their usual time", asked, there.fixedSeconds(), there.testFactor());
        String note = String.format(Locale.ROOT, "planned %d local shard(s) with %d worker(s) instead of %d with %d: "
                        + "%.1f s of tests (from earlier runs) are expected to take %.1f s that way, %.1f s as asked "
                        + "(%s; set SELFTEST_KEEP_SHARDS=1 to run as asked)",
                newShards, newWorkers, shards, workers, testSeconds, wall[units], wall[asked], why);
        return new Decision(newShards, newWorkers, Optional.of(note));
    }

    /** The expected wall time of the tests and their starts with {@code units} parallel units. */
    private static double expected(int units, double testSeconds, double start,
                                   Map<Integer, TimingHistory.Measured> measured) {
        TimingHistory.Measured m = measured.get(units);
        if (m != null) {
            return m.fixedSeconds() + testSeconds * m.testFactor() / units;
        }
        double slower = measured.entrySet().stream().filter(e -> e.getKey() < units)
                .max(Map.Entry.comparingByKey()).map(e -> e.getValue().testFactor()).orElse(1.0);
        return units * start + testSeconds * slower / units;
    }
}
