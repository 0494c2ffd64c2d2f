package io.jenkins.plugins.selftest.agent;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How a {@code supervisedService} execution reaches its supervisor's control directory. The Jenkins implementation
 * ({@link RemoteSupervisorAccess}) goes through the node's channel with timeouts; tests use the same callables on a
 * local directory.
 */
public interface SupervisorAccess {

    /** Copies the engine to the agent if needed and starts the daemon on the spec (JSON of a SupervisorSpec). */
    void launch(String specJson) throws Exception;

    /** One poll; empty when the agent is not connected right now. */
    Optional<PollResult> poll(List<String> services, long[] offsets) throws Exception;

    /**
     * Starts a replacement daemon with {@code --resume}, unless a daemon runs or a replacement is already starting
     * (the engine's respawn claim); true when this call started one.
     */
    boolean resume() throws Exception;

    /**
     * Stops every service and waits up to {@code wait}; returns the final state as JSON ("" when none), or empty
     * when the agent is not connected.
     */
    Optional<String> stop(Duration wait) throws Exception;

    /** Archives the service logs as build artifacts under {@code artifactDir}; false when the agent is gone. */
    boolean archiveLogs(List<String> services, String artifactDir) throws Exception;

    /** What to call the machine in messages. */
    String describe();
}
