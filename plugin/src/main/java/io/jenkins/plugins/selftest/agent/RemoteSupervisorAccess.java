package io.jenkins.plugins.selftest.agent;

import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Computer;
import hudson.model.Node;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.slaves.WorkspaceList;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.jenkins.plugins.selftest.engine.json.Json;
import jenkins.util.BuildListenerAdapter;
import org.jenkinsci.plugins.workflow.FilePathUtils;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * {@link SupervisorAccess} through Jenkins: the control directory is found again from the node's name and its path
 * (so it survives a controller restart), every remote call has a timeout, and an offline agent is "not connected"
 * rather than an error. Serializable: it is part of the execution's persisted state.
 */
public final class RemoteSupervisorAccess implements SupervisorAccess, Serializable {

    private static final long serialVersionUID = 1L;
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String node;
    private final String controlDir;
    private final String agentRoot;
    private String engineJar;
    /** The workspace the services run in, created at launch when missing; null when saved before this field. */
    private final String workspace; // since 0.1.0
    private transient StepContext context;

    /** For a new supervisor next to the workspace {@code ws}. */
    public RemoteSupervisorAccess(FilePath ws, String dirName) {
        this.node = FilePathUtils.getNodeName(ws);
        this.workspace = ws.getRemote();
        this.controlDir = WorkspaceList.tempDir(ws).child(dirName).getRemote();
        Computer computer = ws.toComputer();
        Node n = computer == null ? null : computer.getNode();
        FilePath root = n == null ? null : n.getRootPath();
        this.agentRoot = (root != null ? root : WorkspaceList.tempDir(ws)).getRemote();
    }

    /** The step context gives the launcher and listener for archiving; set after construction and on resume. */
    public RemoteSupervisorAccess withContext(StepContext c) {
        this.context = c;
        return this;
    }

    public String controlDir() {
        return controlDir;
    }

    /** The node's name, "" for the built-in node. */
    public String node() {
        return node == null ? "" : node;
    }

    private Optional<FilePath> dir() {
        return Optional.ofNullable(FilePathUtils.find(node, controlDir));
    }

    @Override
    public void launch(String specJson) throws Exception {
        FilePath dir = dir().orElseThrow(() -> new IOException(describe() + " is not connected"));
        FilePath root = new FilePath(dir.getChannel(), agentRoot);
        engineJar = EngineJar.install(root);
        call(dir.actAsync(new SupervisorCalls.Launch(specJson, engineJar, workspace)), TIMEOUT);
    }

    @Override
    public Optional<PollResult> poll(List<String> services, long[] offsets) throws Exception {
        Optional<FilePath> dir = dir();
        if (dir.isEmpty()) {
            return Optional.empty();
        }
        String json = call(dir.get().actAsync(new SupervisorCalls.Poll(services, offsets, 256 * 1024)), TIMEOUT);
        return Optional.of(Json.read(json, PollResult.class));
    }

    @Override
    public boolean resume() throws Exception {
        FilePath dir = dir().orElseThrow(() -> new IOException(describe() + " is not connected"));
        return call(dir.actAsync(new SupervisorCalls.Resume(engineJar)), TIMEOUT);
    }

    @Override
    public Optional<String> stop(Duration wait) throws Exception {
        Optional<FilePath> dir = dir();
        if (dir.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(call(dir.get().actAsync(new SupervisorCalls.Stop(wait, engineJar)), wait.plus(TIMEOUT)));
    }

    @Override
    public boolean archiveLogs(List<String> services, String artifactDir) throws Exception {
        Optional<FilePath> dir = dir();
        if (dir.isEmpty() || context == null) {
            return false;
        }
        Map<String, String> files = new LinkedHashMap<>();
        for (String s : services) {
            if (dir.get().child("logs").child(s + ".log").exists()) {
                files.put(artifactDir + "/" + s + ".log", "logs/" + s + ".log");
            }
        }
        Launcher launcher = context.get(Launcher.class);
        if (files.isEmpty() || launcher == null) {
            return false;
        }
        Run<?, ?> run = context.get(Run.class);
        run.pickArtifactManager().archive(dir.get(), launcher, new BuildListenerAdapter(context.get(TaskListener.class)), files);
        return true;
    }

    @Override
    public String describe() {
        return (node == null || node.isEmpty() ? "the built-in node" : "agent '" + node + "'") + " (" + controlDir + ")";
    }

    static <T> T call(Future<T> f, Duration timeout) throws Exception {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new IOException("the agent did not answer within " + timeout.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception ex ? ex : e;
        }
    }
}
