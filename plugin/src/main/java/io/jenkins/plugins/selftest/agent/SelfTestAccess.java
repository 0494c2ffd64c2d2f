package io.jenkins.plugins.selftest.agent;

import java.util.List;
import java.util.Map;

/**
 * How the {@code selfTest} steps reach the agent that holds the workspace, and the build's storage on the controller.
 * The Jenkins implementation ({@link RemoteSelfTestAccess}) runs {@link SelfTestCalls} through the workspace's
 * channel; unit tests script the answers. Values are JSON strings of the engine's records.
 *
 * <p>The blocking calls can be interrupted: the remote call is cancelled, which stops the shards on the agent.
 */
public interface SelfTestAccess {

    /** A whole run in the workspace; returns a {@code RunSummary} as JSON. */
    String run(String settingsJson, String historyJsonl, String runId, Map<String, String> environment) throws Exception;

    /** Prepares the workspace and plans; returns a {@code ShardPlan} as JSON. */
    String plan(String settingsJson, String historyJsonl, String runId, Map<String, String> environment) throws Exception;

    /**
     * Runs one shard of the plan and keeps its directory (outcome, reports, log) with the build on the controller;
     * returns a {@code ShardResult} as JSON.
     */
    String runShard(String settingsJson, String planJson, int index, String runId, Map<String, String> environment)
            throws Exception;

    /** Copies the shards kept with the build into the workspace's report directory and merges them; RunSummary JSON. */
    String publish(String settingsJson, String planJson, long startedAtMillis, String runId,
                   Map<String, String> environment) throws Exception;

    /** Archives {@code files} (relative to the agent's {@code reportDir}) as build artifacts under {@code artifactDir}. */
    void archive(String reportDir, List<String> files, String artifactDir) throws Exception;

    /** Deletes a report directory on the agent once its reports are archived; never throws. */
    void discard(String reportDir);

    /** Stops what is left of the run on the agent (processes by cookie, containers by label); a line for the log. */
    String reap(String runId, String runtime, String dockerHost, Map<String, String> cliEnvironment) throws Exception;

    /** What to call the machine in messages. */
    String describe();
}
