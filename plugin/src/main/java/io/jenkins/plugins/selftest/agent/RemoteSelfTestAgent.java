package io.jenkins.plugins.selftest.agent;

import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.slaves.WorkspaceList;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.run.RunSummary;
import io.jenkins.plugins.selftest.engine.run.ShardResult;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import jenkins.util.BuildListenerAdapter;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * {@link SelfTestAgent} through Jenkins: the one place where the {@code selfTest} steps meet {@link SelfTestCalls}.
 * The calls run on the workspace's node, found through its {@link AgentLink}; values cross the channel as the calls
 * take and give them (JSON today). An interrupted call cancels the remote one, which interrupts the engine on the
 * agent and so stops the shards. Reports go to {@code <ws>@tmp/selftest-<runId>} beside the workspace.
 *
 * <p>Persisted with the step's execution: only the link (node name and workspace path). The build, launcher and
 * listener are the live ones of the step's start and are not persisted; after a controller restart only
 * {@link #reap} and {@link #describe} are called, which need neither.
 */
public final class RemoteSelfTestAgent implements SelfTestAgent {

    private static final long serialVersionUID = 1L;
    private static final Logger LOGGER = Logger.getLogger(RemoteSelfTestAgent.class.getName());

    /** How long a reap may take: it may stop a run's shards and remove its containers one by one. */
    static final Duration REAP_TIMEOUT = Duration.ofMinutes(5);

    private final AgentLink workspace;
    private transient Run<?, ?> run;
    private transient Launcher launcher;
    private transient TaskListener listener;

    private RemoteSelfTestAgent(AgentLink workspace, Run<?, ?> run, Launcher launcher, TaskListener listener) {
        this.workspace = workspace;
        this.run = run;
        this.launcher = launcher;
        this.listener = listener;
    }

    /** The machine of the step's workspace, with the build, launcher and listener of the step. */
    public static RemoteSelfTestAgent of(StepContext context) throws IOException, InterruptedException {
        return new RemoteSelfTestAgent(AgentLink.of(context.get(FilePath.class)), context.get(Run.class),
                context.get(Launcher.class), context.get(TaskListener.class));
    }

    /** The report directory of a run: {@code <ws>@tmp/selftest-<runId>}. */
    private FilePath reportDir(String runId) throws IOException {
        return WorkspaceList.tempDir(workspace.require()).child(SelfTestCalls.reportDirName(runId));
    }

    @Override
    public RunSummary run(SelfTestSettings settings, List<RunRecord> history, String runId,
                            Map<String, String> environment) throws Exception {
        return workspace.act(new SelfTestCalls.Run(Json.write(settings), jsonLines(history), runId,
                environment, listener, reportDir(runId).getRemote()), null);
    }

    @Override
    public ShardPlan plan(SelfTestSettings settings, List<RunRecord> history, String runId,
                          Map<String, String> environment) throws Exception {
        FilePath report = reportDir(runId);
        try {
            return workspace.act(new SelfTestCalls.Plan(Json.write(settings), jsonLines(history),
                    runId, environment, listener, report.getRemote()), null);
        } finally {
            discard(report.getRemote());
        }
    }

    @Override
    public ShardResult runShard(SelfTestSettings settings, ShardPlan plan, int index, String runId,
                                 Map<String, String> environment, Path keepIn) throws Exception {
        FilePath report = reportDir(runId);
        ShardResult outcome = workspace.act(new SelfTestCalls.Shard(Json.write(settings), plan.toJson(), index, runId,
                environment, listener, report.getRemote()), null);
        FilePath kept = new FilePath(keepIn.toFile());
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
    public RunSummary publish(SelfTestSettings settings, ShardPlan plan, long startedAtMillis, String runId,
                                Map<String, String> environment, Path keptShards) throws Exception {
        FilePath report = reportDir(runId);
        FilePath shards = report.child("shards");
        shards.deleteRecursive();
        shards.mkdirs();
        FilePath kept = new FilePath(keptShards.toFile());
        if (kept.exists()) {
            kept.copyRecursiveTo(shards);
        }
        return workspace.act(new SelfTestCalls.Publish(Json.write(settings), plan.toJson(), startedAtMillis,
                runId, environment, listener, report.getRemote()), null);
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
        run.pickArtifactManager().archive(workspace.child(reportDir).require(), launcher,
                new BuildListenerAdapter(listener), artifacts);
    }

    @Override
    public void discard(String reportDir) {
        try {
            Optional<FilePath> dir = workspace.child(reportDir).find();
            if (dir.isPresent()) {
                dir.get().deleteRecursive();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            LOGGER.log(Level.FINE, "cannot delete " + reportDir, e);
        }
    }

    @Override
    public String reap(String runId, String runtime, String dockerHost, Map<String, String> cliEnvironment)
            throws Exception {
        return workspace.callIfConnected(new SelfTestCalls.Reap(runId, runtime, dockerHost, cliEnvironment), REAP_TIMEOUT)
                .orElseGet(() -> "the agent of " + workspace.path() + " is not connected; its containers of run "
                        + runId + " are removed by the periodic clean-up");
    }

    @Override
    public String describe() {
        return workspace.describe();
    }

    /** Records as the engine's history file has them: one JSON object a line. */
    private static String jsonLines(List<RunRecord> records) {
        return records.stream().map(r -> Json.write(r) + "\n").collect(Collectors.joining());
    }
}
