package io.jenkins.plugins.selftest.engine.run;

/**
 * A shard's result with the reports it left, as a merge needs them: the figures and outcome from the result, the
 * test cases and exec files from the reports read on the merging machine.
 */
public record FinishedShard(ShardResult result, ShardReports reports) {
}
