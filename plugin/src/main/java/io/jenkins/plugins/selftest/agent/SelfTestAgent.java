package io.jenkins.plugins.selftest.agent;

import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.run.RunSummary;
import io.jenkins.plugins.selftest.engine.run.ShardResult;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The machine that holds a {@code selfTest} step's workspace, as the step's execution on the controller sees it:
 * typed calls that return the engine's and this package's records. {@link RemoteSelfTestAgent} makes them calls of
 * {@link SelfTestCalls} over the agent's channel; unit tests script the answers.
 *
 * <p>The long calls ({@link #run}, {@link #plan}, {@link #runShard}, {@link #publish}) block and can be interrupted:
 * the remote call is then cancelled, which stops the shards on the agent. A setup problem arrives as the engine's
 * {@code SetupException}.
 *
 * <p>Serializable: it is part of an execution's persisted state, so that a restarted controller can still
 * {@link #reap} what a run left on the agent. After a restart only {@link #reap} and {@link #describe} are called.
 */
public interface SelfTestAgent extends Serializable {

    /**
     * A whole run in the workspace.
     *
     * @param history earlier builds' records, oldest first, for the shards' timings
     */
    RunSummary run(SelfTestSettings settings, List<RunRecord> history, String runId, Map<String, String> environment)
            throws Exception;

    /** Prepares the workspace and plans the shards with the timings of {@code history} (oldest first). */
    ShardPlan plan(SelfTestSettings settings, List<RunRecord> history, String runId, Map<String, String> environment)
            throws Exception;

    /**
     * Runs shard {@code index} of {@code plan} and keeps its directory (outcome, reports, log) in {@code keepIn} on the
     * controller, replacing what was there, so that {@link #publish} can merge it from any agent.
     */
    ShardResult runShard(SelfTestSettings settings, ShardPlan plan, int index, String runId,
                          Map<String, String> environment, Path keepIn) throws Exception;

    /**
     * Copies the shard directories kept in {@code keptShards} on the controller into the run's report directory and
     * merges them into one result.
     */
    RunSummary publish(SelfTestSettings settings, ShardPlan plan, long startedAtMillis, String runId,
                         Map<String, String> environment, Path keptShards) throws Exception;

    /** Archives {@code files} (relative to the agent's {@code reportDir}) as build artifacts under {@code artifactDir}. */
    void archive(String reportDir, List<String> files, String artifactDir) throws Exception;

    /** Deletes a report directory on the agent once its reports are archived; never throws. */
    void discard(String reportDir);

    /**
     * Stops what is left of run {@code runId} on the agent (the run itself when it is still going there, else its shard
     * processes by cookie and its containers by label); returns a line for the log.
     *
     * @param runtime        the run's container runtime, {@code none} for local processes only
     * @param dockerHost     the run's engine address, or null for the build environment's
     * @param cliEnvironment the container CLI's variables of the build's environment ({@code DOCKER_HOST}, ...)
     */
    String reap(String runId, String runtime, String dockerHost, Map<String, String> cliEnvironment) throws Exception;

    /** What to call the machine in messages: {@code agent 'x' (/ws)} or {@code the built-in node (/ws)}. */
    String describe();
}
