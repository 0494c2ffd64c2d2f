package io.jenkins.plugins.selftest.agent;

import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import hudson.slaves.WorkspaceList;
import io.jenkins.plugins.selftest.engine.json.Json;
import java.io.File;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import jenkins.util.BuildListenerAdapter;

/**
 * {@link SelfTestAccess} through Jenkins: the calls run on the workspace's channel; shard results are kept in the
 * build directory ({@value #SHARDS_DIR}) on the controller, so a shard run on one agent can be published from another.
 * An interrupted call cancels the remote one, which interrupts the engine on the agent and so stops the shards.
 *
 * <p>Not serializable: an execution builds it again from its context.
 */
public final class RemoteSelfTestAccess implements SelfTestAccess {

    /** Where shards run with {@code selfTest(shard: n)} are kept, relative to the build directory. */
    public static final String SHARDS_DIR = "selftest/shards";

    private final FilePath workspace;
    private final Run<?, ?> run;
    private final Launcher launcher;
    private final TaskListener listener;
    private final String node;

    public RemoteSelfTestAccess(FilePath workspace, Run<?, ?> run, Launcher launcher, TaskListener listener) {
        this.node = org.jenkinsci.plugins.workflow.FilePathUtils.getNodeName(workspace);
        this.workspace = workspace;
        this.run = run;
        this.launcher = launcher;
        this.listener = listener;
    }

    /** The report directory of a run: {@code <ws>@tmp/selftest-<runId>}. */
    FilePath reportDir(String runId) {
        return WorkspaceList.tempDir(workspace).child(SelfTestCalls.reportDirName(runId));
    }

    @Override
    public String run(String settingsJson, String historyJsonl, String runId, Map<String, String> environment)
            throws Exception {
        return Json.write(await(workspace.actAsync(new SelfTestCalls.Run(settingsJson, historyJsonl, runId, environment,
                listener, reportDir(runId).getRemote()))));
    }

    @Override
    public String plan(String settingsJson, String historyJsonl, String runId, Map<String, String> environment)
            throws Exception {
        FilePath report = reportDir(runId);
        try {
            return await(workspace.actAsync(new SelfTestCalls.Plan(settingsJson, historyJsonl, runId, environment,
                    listener, report.getRemote()))).toJson();
        } finally {
            discard(report.getRemote());
        }
    }

    @Override
    public String runShard(String settingsJson, String planJson, int index, String runId, Map<String, String> environment)
            throws Exception {
        FilePath report = reportDir(runId);
        String outcome = Json.write(await(workspace.actAsync(new SelfTestCalls.Shard(settingsJson, planJson, index, runId,
                environment, listener, report.getRemote()))));
        FilePath kept = new FilePath(new File(run.getRootDir(), SHARDS_DIR + "/shard-" + index));
        kept.deleteRecursive();
        kept.mkdirs();
        FilePath dir = report.child("shards").child("shard-" + index);
        try {
            if (dir.exists()) {
                dir.copyRecursiveTo(kept);
            }
        } finally {
            discard(report.getRemote());
        }
        return outcome;
    }

    @Override
    public String publish(String settingsJson, String planJson, long startedAtMillis, String runId,
                          Map<String, String> environment) throws Exception {
        FilePath report = reportDir(runId);
        FilePath shards = report.child("shards");
        shards.deleteRecursive();
        shards.mkdirs();
        FilePath kept = new FilePath(new File(run.getRootDir(), SHARDS_DIR));
        if (kept.exists()) {
            kept.copyRecursiveTo(shards);
        }
        return Json.write(await(workspace.actAsync(new SelfTestCalls.Publish(settingsJson, planJson, startedAtMillis,
                runId, environment, listener, report.getRemote()))));
    }

    @Override
    public void archive(String reportDir, List<String> files, String artifactDir) throws Exception {
        if (files.isEmpty()) {
            return;
        }
        Map<String, String> artifacts = new LinkedHashMap<>();
        for (String f : files) {
            artifacts.put(artifactDir + "/" + f, f);
        }
        FilePath base = new FilePath(workspace.getChannel(), reportDir);
        run.pickArtifactManager().archive(base, launcher, new BuildListenerAdapter(listener), artifacts);
    }

    @Override
    public void discard(String reportDir) {
        try {
            new FilePath(workspace.getChannel(), reportDir).deleteRecursive();
        } catch (IOException | InterruptedException | RuntimeException e) {
            java.util.logging.Logger.getLogger(RemoteSelfTestAccess.class.getName())
                    .log(java.util.logging.Level.FINE, "cannot delete " + reportDir, e);
        }
    }

    @Override
    public String reap(String runId, String runtime, String dockerHost, Map<String, String> cliEnvironment)
            throws Exception {
        VirtualChannel channel = workspace.getChannel();
        if (channel == null) {
            return describe() + " is not connected: nothing reaped";
        }
        return channel.call(new SelfTestCalls.Reap(runId, runtime, dockerHost, cliEnvironment));
    }

    @Override
    public String describe() {
        return (node == null || node.isEmpty() ? "the built-in node" : "agent '" + node + "'") + " (" + workspace.getRemote() + ")";
    }

    /** Waits for a remote call; when this thread is interrupted (the step stopped), cancels it, stopping the shards. */
    static <T> T await(Future<T> f) throws Exception {
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception ex ? ex : e;
        }
    }
}
