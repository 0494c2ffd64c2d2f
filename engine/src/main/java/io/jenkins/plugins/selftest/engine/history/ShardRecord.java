package io.jenkins.plugins.selftest.engine.history;

import java.util.Objects;
import java.util.Optional;

/**
 * One shard's figures in a {@link RunRecord}. Persisted inside it (history files, {@code build.xml}); the outcome
 * keeps its lower-case spelling there.
 *
 * @param tests  how many tests ran
 * @param failed       failed and errored tests
 * @param fixedSeconds for a whole local shard, what its start and end cost besides its tests (absent in records of
 *                     container shards and of earlier versions)
 * @param workers      the test processes it ran its tests in (Surefire's forks, pytest's workers); 0 in records of
 *                     earlier versions, which ran one per shard where they recorded a fixed cost
 */
public record ShardRecord(int index, int tests, int passed, int failed, int skipped, double runtimeSeconds,
                          ShardOutcome outcome, Optional<Double> fixedSeconds, int workers) {

    public ShardRecord {
        Objects.requireNonNull(outcome, "outcome");
        fixedSeconds = fixedSeconds == null ? Optional.empty() : fixedSeconds;
    }

    public ShardRecord(int index, int tests, int passed, int failed, int skipped, double runtimeSeconds,
                       ShardOutcome outcome) {
        this(index, tests, passed, failed, skipped, runtimeSeconds, outcome, Optional.empty(), 0);
    }

    /** A record with the outcome by its persisted spelling ({@link ShardOutcome#parse}). */
    public ShardRecord(int index, int tests, int passed, int failed, int skipped, double runtimeSeconds, String outcome) {
        this(index, tests, passed, failed, skipped, runtimeSeconds, ShardOutcome.parse(outcome));
    }
}
