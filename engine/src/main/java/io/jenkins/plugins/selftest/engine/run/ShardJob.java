package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.container.ContainerSpec;
import io.jenkins.plugins.selftest.engine.container.RunOwner;
import io.jenkins.plugins.selftest.engine.coverage.PythonSources;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import io.jenkins.plugins.selftest.engine.process.ShellWords;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One shard to run: which run and plan it belongs to, its tests and workers, and its directory (prepared: the tests
 * file written, the reports directory empty). What every {@link ShardRunner} starts from.
 */
record ShardJob(String runId, ShardPlan plan, ShardPlan.Shard shard, ShardDirectory dir) {

    int index() {
        return shard.index();
    }

    /**
     * The shard's environment: the options' variables and the shard's own ({@link SelfTestRun#SHARD_INDEX} ...), with
     * the tests file and reports directory as the shard's process sees them.
     */
    Map<String, String> environment(SelfTestOptions options, String testsFile, String reports) {
        Map<String, String> env = new LinkedHashMap<>(options.environment());
        env.put(SelfTestRun.SHARD_INDEX, Integer.toString(shard.index()));
        env.put(SelfTestRun.SHARD_COUNT, Integer.toString(plan.shardCount()));
        env.put(SelfTestRun.WORKERS, Integer.toString(shard.workers()));
        env.put(SelfTestRun.TESTS_FILE, testsFile);
        env.put(SelfTestRun.REPORTS_DIR, reports);
        env.put(SelfTestRun.ARGS, ShellWords.join(options.args()));
        if (options.framework() == Framework.PYTEST && options.coverage()) {
            // what the pytest shard measures; a bad sourceDirs is reported by the gathering, the shard measures nothing
            try {
                env.put(PythonSources.ENV, PythonSources.detect(options.workspace(), options.sourceDirs()).joined());
            } catch (IllegalArgumentException e) {
                env.put(PythonSources.ENV, "");
            }
        }
        return env;
    }

    /**
     * The shard's {@code /bin/sh} script ({@link Framework#script}) under {@code options}.
     *
     * @param offlineRepo for maven: the local repository to run offline against, or null
     */
    String script(SelfTestOptions options, String offlineRepo) {
        return options.framework().script(options.workspace(), shard.tests(), offlineRepo,
                options.command().orElse(null), options.coverage(), options.mainClassDirs(), options.args());
    }

    /** The shard's container: named after run and shard, labelled so that a reaper finds it, the setup's mounts. */
    ContainerSpec.Builder container(SelfTestOptions options, List<ContainerSpec.Mount> mounts) {
        return container(options, runId, Integer.toString(shard.index()), mounts)
                .label(ContainerRuntime.SHARD_LABEL, Integer.toString(shard.index()));
    }

    /**
     * A container of run {@code runId} (a shard's, or the warm-up's in {@link Preparation}): of the options' image,
     * named {@code selftest-<run id>-<part>}, labelled with the run and its owner so that an abort, the reaper and
     * {@code selftest cleanup} find it, with the setup's mounts.
     */
    static ContainerSpec.Builder container(SelfTestOptions options, String runId, String part,
                                           List<ContainerSpec.Mount> mounts) {
        ContainerSpec.Builder b = ContainerSpec.builder(options.image(), "selftest-" + runId + "-" + part)
                .label(ContainerRuntime.LABEL, "true")
                .label(ContainerRuntime.RUN_LABEL, runId);
        // the run is alive while this process runs: selftest cleanup leaves its containers alone until then
        RunOwner.current().ifPresent(owner -> b.labels(owner.labels()));
        mounts.forEach(b::mount);
        return b;
    }
}
