package io.jenkins.plugins.selftest.engine.shard;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether more local shards and workers pay for themselves. On one machine every shard is one more build tool start
 * (Maven, Gradle, pytest) and every worker one more test process, each with a fixed cost before its first test; a
 * unit of parallelism pays only when the test time it takes off the run is at least that cost. Going from {@code p}
 * to {@code p + 1} parallel units takes {@code T/p - T/(p+1)} off a suite of {@code T} seconds and adds one fixed
 * cost {@code F} (the starts compete for the same cores), so units are added while {@code T / (p (p+1)) >= F}. With
 * the figures of earlier runs, a run therefore never plans more local parallelism than pays, and never more than
 * was asked for. Pure and stateless.
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

    /**
     * @param testSeconds  the suite's estimated test time (the sum over its test classes, from earlier runs)
     * @param fixedSeconds a local shard's fixed cost (its wall time less its tests' time, from earlier runs), or
     *                     empty when no earlier run measured one: then the request stands
     * @param shards       shards asked for
     * @param workers      workers asked for (at least {@code shards})
     */
    public static Decision decide(double testSeconds, Optional<Double> fixedSeconds, int shards, int workers) {
        if (fixedSeconds.isEmpty() || !(fixedSeconds.get() > 0) || !(testSeconds > 0)) {
            return new Decision(shards, workers, Optional.empty());
        }
        double fixed = fixedSeconds.get();
        int asked = Math.max(shards, workers);
        int units = 1;
        while (units < asked && testSeconds / ((double) units * (units + 1)) >= fixed) {
            units++;
        }
        int newShards = Math.min(shards, units);
        int newWorkers = Math.max(newShards, Math.min(workers, units));
        if (newShards == shards && newWorkers == workers) {
            return new Decision(shards, workers, Optional.empty());
        }
        String note = String.format(Locale.ROOT, "planned %d local shard(s) with %d worker(s) instead of %d with %d: "
                        + "%.1f s of tests (from earlier runs) do not pay for more starts of %.1f s each "
                        + "(set SELFTEST_KEEP_SHARDS=1 to run as asked)",
                newShards, newWorkers, shards, workers, testSeconds, fixed);
        return new Decision(newShards, newWorkers, Optional.of(note));
    }
}
