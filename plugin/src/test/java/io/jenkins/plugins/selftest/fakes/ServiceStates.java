package io.jenkins.plugins.selftest.fakes;

import io.jenkins.plugins.selftest.engine.supervisor.ExitInfo;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceState;
import io.jenkins.plugins.selftest.engine.supervisor.ServiceStatus;
import io.jenkins.plugins.selftest.engine.supervisor.SupervisorState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Supervisor states as a daemon writes them, for supervisedService tests. */
public final class ServiceStates {

    /** When every service here started. */
    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private ServiceStates() {
    }

    /** A running supervisor with {@code services}. */
    public static SupervisorState state(ServiceStatus... services) {
        return new SupervisorState("sup", SupervisorState.Phase.RUNNING, 42, T0, T0, List.of(services), 0, List.of());
    }

    /** A supervisor that stopped every one of {@code services} and exited, as after a stop request. */
    public static SupervisorState stopped(ServiceStatus... services) {
        return new SupervisorState("sup", SupervisorState.Phase.STOPPED, 42, T0, T0, List.of(services), 0, List.of());
    }

    /** A service in its first run, without restarts; ready a second after its start when {@code state} is READY. */
    public static ServiceStatus status(String name, ServiceState state) {
        return new ServiceStatus(name, state, 1, Optional.of(100L), Optional.empty(), Optional.empty(), 0, List.of(), 0,
                Optional.of(T0), state == ServiceState.READY ? Optional.of(T0.plusSeconds(1)) : Optional.empty(),
                Optional.empty(), Optional.empty(), 0, null, null, null);
    }

    /** A service that failed with {@code message} after 5 restarts, its last run ended with {@code exitCode}. */
    public static ServiceStatus failed(String name, String message, int exitCode) {
        return new ServiceStatus(name, ServiceState.FAILED, 6, Optional.empty(), Optional.empty(), Optional.empty(), 5,
                List.of(), 6, Optional.of(T0), Optional.empty(),
                Optional.of(new ExitInfo(6, exitCode, Optional.empty(), T0, "process")), Optional.of(message), 0, null, null, null);
    }
}
