package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.shard.ShardPlan;

/**
 * Hears about a run as it goes. Called from the shards' threads, possibly at the same time: implementations must be
 * thread-safe and quick (the CLI prints, the Jenkins step writes to the build log).
 */
public interface RunListener {

    /** A listener that ignores everything. */
    RunListener NONE = new RunListener() {
    };

    /** The plan is made; shards are about to start. */
    default void planned(ShardPlan plan, String mode) {
    }

    default void shardStarted(ShardPlan.Shard shard) {
    }

    /** A shard ended (passed, failed, timed out or errored); the others go on. */
    default void shardFinished(ShardResult result) {
    }

    /** A note worth showing (a fallback taken, a problem in the results). */
    default void note(String message) {
    }
}
