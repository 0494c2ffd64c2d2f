package io.jenkins.plugins.selftest.agent;

import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Computer;
import hudson.model.Node;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.slaves.WorkspaceList;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorSpec;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import jenkins.util.BuildListenerAdapter;

/**
 * What a {@code supervisedService} execution does with its supervisor's control directory on the agent. The one
 * implementation Jenkins uses is {@link #nextTo}: {@link SupervisorCalls} over an {@link AgentLink}, so every call
 * has a timeout and an agent that is not connected is "empty" rather than an error; tests give the execution a fake.
 *
 * <p>Serializable: part of the execution's persisted state, so that it is found again after a controller restart.
 */
public interface ServiceAgent extends Serializable {

    /** A new control directory {@code <workspace>@tmp/supervised-<id>} for services that run in {@code workspace}. */
    static ServiceAgent nextTo(FilePath workspace) {
        return new Linked(workspace, "supervised-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** The machine and the control directory, for messages: {@code agent 'x' (/ws@tmp/supervised-1a2b3c4d)}. */
    String describe();

    /** The workspace path on the agent; the services run in it (or in a {@code dir} inside it). */
    String workspace();

    /**
     * Records the control directory in {@link SupervisorRegistry} for {@code run}, so that
     * {@link StaleSupervisorReaper} stops its services if the build is lost; done before the launch.
     */
    void register(Run<?, ?> run) throws IOException;

    /** Drops the record of {@link #register} once the services were stopped. */
    void unregister() throws IOException;

    /**
     * Copies the engine to the agent if needed and starts the daemon on {@code spec}, with {@code inherited} (the
     * build's environment, secrets included) as the daemon's own environment: the services inherit it, and it is
     * passed in memory only, never written.
     */
    void launch(SupervisorSpec spec, Map<String, String> inherited) throws Exception;

    /** One poll of the logs of {@code services} from {@code offsets}; empty when the agent is not connected now. */
    Optional<PollResult> poll(List<String> services, long[] offsets) throws Exception;

    /**
     * Starts a replacement daemon with {@code --resume}, unless a daemon runs or a replacement is already starting
     * (the engine's respawn claim); true when this call started one. {@code inherited} as in {@link #launch}.
     */
    boolean resume(Map<String, String> inherited) throws Exception;

    /**
     * Stops every service, waits up to {@code wait}, and polls one last time (final state and last lines); empty
     * when the agent is not connected. {@code inherited} as in {@link #launch}, for a replacement daemon that a stop
     * may have to start.
     */
    Optional<PollResult> stop(List<String> services, long[] offsets, Duration wait, Map<String, String> inherited)
            throws Exception;

    /** Archives the service logs as artifacts of {@code run} under {@code artifactDir}; false when there are none. */
    boolean archiveLogs(List<String> services, String artifactDir, Run<?, ?> run, Launcher launcher,
                        TaskListener listener) throws Exception;

    /**
     * Deletes the control directory once its services stopped and its logs were archived; false when it is kept
     * (a daemon still holds it) or the agent is not connected.
     */
    boolean remove() throws Exception;

    /** {@link ServiceAgent} through Jenkins: the node's name and paths on it, each call through {@link AgentLink}. */
    final class Linked implements ServiceAgent {

        private static final long serialVersionUID = 1L;
        /** The most of one service log a poll reads. */
        static final int MAX_CHUNK_BYTES = 256 * 1024;

        private final AgentLink controlDir;
        /** A directory of the agent that outlives builds, for the engine jar. */
        private final AgentLink agentRoot;
        private final String workspace;
        /** The engine jar on the agent, from the launch on. */
        private String engineJar;

        Linked(FilePath workspace, String dirName) {
            FilePath tmp = WorkspaceList.tempDir(workspace);
            this.workspace = workspace.getRemote();
            this.controlDir = AgentLink.of(tmp.child(dirName));
            Computer computer = workspace.toComputer();
            Node node = computer == null ? null : computer.getNode();
            FilePath root = node == null ? null : node.getRootPath();
            this.agentRoot = controlDir.child((root != null ? root : tmp).getRemote());
        }

        @Override
        public String describe() {
            return controlDir.describe();
        }

        @Override
        public String workspace() {
            return workspace;
        }

        @Override
        public void register(Run<?, ?> run) throws IOException {
            SupervisorRegistry.get().add(new SupervisorRegistry.Entry(controlDir.node(), controlDir.path(),
                    run.getExternalizableId(), Instant.now()));
        }

        @Override
        public void unregister() throws IOException {
            SupervisorRegistry.get().remove(controlDir.node(), controlDir.path());
        }

        @Override
        public void launch(SupervisorSpec spec, Map<String, String> inherited) throws Exception {
            engineJar = EngineJar.install(agentRoot.require());
            controlDir.act(new SupervisorCalls.Launch(spec, engineJar, workspace, inherited), AgentLink.SHORT_CALL);
        }

        @Override
        public Optional<PollResult> poll(List<String> services, long[] offsets) throws Exception {
            return controlDir.actIfConnected(new SupervisorCalls.Poll(services, offsets, MAX_CHUNK_BYTES),
                    AgentLink.SHORT_CALL);
        }

        @Override
        public boolean resume(Map<String, String> inherited) throws Exception {
            return controlDir.act(new SupervisorCalls.Resume(engineJar, inherited), AgentLink.SHORT_CALL);
        }

        @Override
        public Optional<PollResult> stop(List<String> services, long[] offsets, Duration wait,
                                         Map<String, String> inherited) throws Exception {
            SupervisorCalls.Poll last = new SupervisorCalls.Poll(services, offsets, MAX_CHUNK_BYTES);
            return controlDir.actIfConnected(new SupervisorCalls.Stop(wait, engineJar, last, inherited),
                    wait.plus(AgentLink.SHORT_CALL));
        }

        @Override
        public boolean remove() throws Exception {
            return controlDir.actIfConnected(new SupervisorCalls.Remove(), AgentLink.SHORT_CALL).orElse(false);
        }

        @Override
        public boolean archiveLogs(List<String> services, String artifactDir, Run<?, ?> run, Launcher launcher,
                                   TaskListener listener) throws Exception {
            Optional<FilePath> dir = controlDir.find();
            if (dir.isEmpty() || launcher == null) {
                return false;
            }
            Map<String, String> files = new LinkedHashMap<>();
            for (String s : services) {
                if (dir.get().child("logs").child(s + ".log").exists()) {
                    files.put(artifactDir + "/" + s + ".log", "logs/" + s + ".log");
                }
            }
            if (files.isEmpty()) {
                return false;
            }
            run.pickArtifactManager().archive(dir.get(), launcher, new BuildListenerAdapter(listener), files);
            return true;
        }
    }
}
