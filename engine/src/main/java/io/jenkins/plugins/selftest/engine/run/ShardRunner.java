package io.jenkins.plugins.selftest.engine.run;

import java.io.IOException;

/**
 * How a shard's command runs: as a local process, in a container with the workspace mounted, or in a container with
 * the workspace copied in and the reports copied out. Each waits for the shard up to the options' timeout and stops
 * it there; none decides the outcome ({@link OutcomeClassifier} does, from what it returns and the reports).
 */
sealed interface ShardRunner permits LocalShardRunner, MountedContainerShardRunner, CopiedContainerShardRunner {

    /**
     * Runs the shard and waits for it.
     *
     * @throws IOException when it could not run at all (a container that cannot be created, a copy that fails)
     */
    ShardExecution run(ShardJob job) throws IOException;

    /**
     * The runner for a run set up as {@code setup}: local processes without a runtime, copies when the engine is
     * remote or copies are asked for, mounts otherwise.
     */
    static ShardRunner choose(SelfTestOptions options, Setup setup, RunControl control) {
        if (setup.runtime().isEmpty()) {
            return new LocalShardRunner(options, control);
        }
        if (setup.copiesWorkspace(options)) {
            return new CopiedContainerShardRunner(options, setup.runtime().get(), setup.mounts(), control);
        }
        return new MountedContainerShardRunner(options, setup.runtime().get(), setup.mounts(), setup.mavenRepository(),
                control);
    }
}
