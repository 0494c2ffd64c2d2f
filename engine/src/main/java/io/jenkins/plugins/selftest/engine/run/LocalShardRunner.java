package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.container.RunOwner;
import io.jenkins.plugins.selftest.engine.process.LaunchSpec;
import io.jenkins.plugins.selftest.engine.process.ProcessLauncher;
import java.io.IOException;
import java.util.List;

/**
 * A shard as a local process tree, in the workspace itself. What its command leaves running when it ends (a build
 * tool's daemon, a server a test did not stop) is stopped then, as Jenkins stops what a build step leaves, and named
 * in a problem line. Its cookie names the run
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
        RunControl.Ended ended = control.awaitWhole(control.start(() -> ProcessLauncher.start(spec.build())), options.timeout());
        List<String> left = ended.leftovers();
        return new ShardExecution(ended.exit(), ended.exit().isEmpty(), 0,
                left.isEmpty() ? List.of() : List.of(leftovers(job.index(), left)));
    }

    /** The problem line that names what a shard's command left running. */
    static String leftovers(int index, List<String> left) {
        return "shard " + index + " left " + left.size() + " process(es) running: " + OutcomeClassifier.named(left)
                + "; stopped them when its command ended (a build tool's daemon: turn it off for the shard, a test's"
                + " server: stop it in the test)";
    }
}
