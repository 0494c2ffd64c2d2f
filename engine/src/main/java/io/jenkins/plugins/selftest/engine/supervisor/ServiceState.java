package io.jenkins.plugins.selftest.engine.supervisor;

/**
 * The life of a service:
 * <pre>
 * WAITING --deps ready--> STARTING --startSeconds--> RUNNING --probes pass--> READY
 *    STARTING/RUNNING/READY --exit--> BACKOFF --delay--> STARTING      (restart policy says restart, limit not hit)
 *                                 --> EXITED                        (policy says no restart: success or never)
 *                                 --> FAILED                        (limit hit, command not found, readiness timed
 *                                                                    out, a dependency failed)
 * any --stop--> STOPPING --tree gone--> STOPPED
 * </pre>
 */
public enum ServiceState {
    /** Waiting for its dependencies to be ready. */
    WAITING,
    /** Spawned, not yet up for {@code startSeconds}. */
    STARTING,
    /** Started; readiness probes not passed yet. */
    RUNNING,
    /** Started and every readiness probe passed (or there are none). */
    READY,
    /** Exited; a restart is scheduled. */
    BACKOFF,
    /** Exited and not restarted by policy (success, or {@code restart: never}). */
    EXITED,
    /** Gave up: restart limit, command not found, readiness timeout, failed dependency. */
    FAILED,
    /** Being stopped. */
    STOPPING,
    /** Stopped on request; nothing of its process tree remains. */
    STOPPED;

    /** Whether the service will not run again without a new supervisor. */
    public boolean terminal() {
        return this == EXITED || this == FAILED || this == STOPPED;
    }

    /** Whether a process of the service may be alive. */
    public boolean live() {
        return this == STARTING || this == RUNNING || this == READY || this == STOPPING;
    }
}
