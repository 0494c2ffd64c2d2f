package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.container.RunOwner;
import io.jenkins.plugins.selftest.engine.process.LaunchSpec;
import io.jenkins.plugins.selftest.engine.process.ProcessLauncher;
import java.io.IOException;
import java.util.Optional;

/**
 * A shard as a local process tree, in the workspace itself. Its cookie names the run
 * ({@link RunControl#shardCookie}), so that whoever owns the run can find its shards' processes again, from any JVM;
 * its environment names the run's owner ({@link RunOwner#ENVIRONMENT_VARIABLE}), so that {@code selftest cleanup}
 * can stop the trees of a run whose owner was killed ({@link RunControl#stopOrphanedLocalShards}).
 */
record LocalShardRunner(SelfTestOptions options, RunControl control) implements ShardRunner {

    @Override
    public ShardExecution run(ShardJob job) throws IOException {
        String script = job.script(options, null);
        LaunchSpec.Builder spec = LaunchSpec.shell(script).workingDir(options.workspace())
                .env(job.environment(options, job.dir().testsFile().toString(), job.dir().reports().toString()))
                .cookie(RunControl.shardCookie(job.runId(), job.index()))
                .ownCgroup(true)
                .output(LaunchSpec.Output.toFile(job.dir().log()));
        RunOwner.current().ifPresent(owner -> spec.env(RunOwner.ENVIRONMENT_VARIABLE, owner.environmentValue()));
        Optional<Integer> exit = control.await(control.start(() -> ProcessLauncher.start(spec.build())), options.timeout());
        return ShardExecution.of(exit);
    }
}
