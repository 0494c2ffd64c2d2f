package io.jenkins.plugins.selftest.fakes;

import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.selftest.agent.PollResult;
import io.jenkins.plugins.selftest.agent.ServiceAgent;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceState;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceStatus;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorSpec;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorState;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent side of {@code supervisedService}, scripted, for a workspace {@code /ws}: each poll returns the next queued
 * result (the last one repeats); a stop answers with what the next poll would and every service stopped.
 */
public class FakeServiceAgent implements ServiceAgent {
    private static final long serialVersionUID = 1L;

    public final transient Deque<PollResult> polls = new ArrayDeque<>();
    /** The spec the launch got, as the agent reads it. */
    public volatile String launchedSpec;
    /** The environment the launch gave the daemon. */
    public volatile Map<String, String> launchedEnvironment;
    /** The offsets of the last poll. */
    public volatile long[] polledOffsets;
    public volatile Exception launchFailure;
    public volatile boolean connected = true;
    public volatile boolean stopped;
    public volatile int resumed;
    /** The environment the last resume gave the replacement daemon. */
    public volatile Map<String, String> resumedEnvironment;
    public volatile boolean removed;
    /** Whether the daemon has stopped when a stop returns (else it still runs, its services stopped). */
    public volatile boolean daemonStops = true;
    public final List<String> archived = new ArrayList<>();
    private transient PollResult last;

    @Override
    public String describe() {
        return "the test agent";
    }

    @Override
    public String workspace() {
        return "/ws";
    }

    @Override
    public void register(Run<?, ?> run) {
    }

    @Override
    public void unregister() {
    }

    @Override
    public void launch(SupervisorSpec spec, Map<String, String> inherited) throws Exception {
        if (launchFailure != null) {
            throw launchFailure;
        }
        String json = Json.write(spec);
        Json.read(json, SupervisorSpec.class); // what the agent would read
        launchedSpec = json;
        launchedEnvironment = Map.copyOf(inherited);
    }

    @Override
    public Optional<PollResult> poll(List<String> services, long[] offsets) {
        if (!connected) {
            return Optional.empty();
        }
        polledOffsets = offsets.clone();
        if (!polls.isEmpty()) {
            last = polls.poll();
        }
        return Optional.ofNullable(last);
    }

    @Override
    public boolean resume(Map<String, String> inherited) {
        resumed++;
        resumedEnvironment = Map.copyOf(inherited);
        return true;
    }

    @Override
    public Optional<PollResult> stop(List<String> services, long[] offsets, Duration wait,
                                     Map<String, String> inherited) {
        if (!connected) {
            return Optional.empty();
        }
        stopped = true;
        Optional<PollResult> lastPoll = poll(services, offsets);
        ServiceStatus[] stoppedServices = services.stream()
                .map(name -> ServiceStates.status(name, ServiceState.STOPPED)).toArray(ServiceStatus[]::new);
        SupervisorState state = daemonStops ? ServiceStates.stopped(stoppedServices) : ServiceStates.state(stoppedServices);
        return Optional.of(new PollResult(Optional.of(state), lastPoll.map(PollResult::logs).orElse(List.of()), false, 0));
    }

    @Override
    public boolean archiveLogs(List<String> services, String artifactDir, Run<?, ?> run, Launcher launcher,
                               TaskListener listener) {
        archived.addAll(services);
        return true;
    }

    @Override
    public boolean remove() {
        removed = true;
        return true;
    }
}
