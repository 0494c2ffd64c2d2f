package io.jenkins.plugins.selftest.engine.history;

import java.util.Objects;

/**
 * One shard's figures in a {@link RunRecord}. Persisted inside it (history files, {@code build.xml}); the outcome
 * keeps its lower-case spelling there.
 *
 * @param tests  how many tests ran
 * @param failed failed and errored tests
 */
public record ShardRecord(int index, int tests, int passed, int failed, int skipped, double runtimeSeconds,
                          ShardOutcome outcome) {

    public ShardRecord {
        Objects.requireNonNull(outcome, "outcome");
    }

    /** A record with the outcome by its persisted spelling ({@link ShardOutcome#parse}). */
    public ShardRecord(int index, int tests, int passed, int failed, int skipped, double runtimeSeconds, String outcome) {
        this(index, tests, passed, failed, skipped, runtimeSeconds, ShardOutcome.parse(outcome));
    }
}
