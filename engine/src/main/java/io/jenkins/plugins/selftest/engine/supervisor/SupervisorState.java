package io.jenkins.plugins.selftest.engine.supervisor;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Snapshot of a supervisor: the control directory's {@code state.json}, replaced atomically at most every 100 ms
 * while something changes. Immutable.
 *
 * @param supervisorId  stable across resumes: the prefix of every service cookie
 * @param phase         the supervisor's own phase
 * @param pid           pid of the supervisor process that wrote this
 * @param startedAt     when that process started
 * @param updatedAt     when this snapshot was taken
 * @param services      one entry per service, in spec order
 * @param droppedEvents event lines dropped because the disk was slow or full
 * @param problems      non-fatal problems (cannot write a file, resume found an unrecorded exit, ...)
 */
public record SupervisorState(String supervisorId, Phase phase, long pid, Instant startedAt, Instant updatedAt,
                              List<ServiceStatus> services, long droppedEvents, List<String> problems) {

    /** The supervisor's own life. */
    public enum Phase {
        RUNNING, STOPPING, STOPPED, FAILED
    }

    public SupervisorState {
        services = List.copyOf(services);
        problems = problems == null ? List.of() : List.copyOf(problems);
    }

    public Optional<ServiceStatus> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
