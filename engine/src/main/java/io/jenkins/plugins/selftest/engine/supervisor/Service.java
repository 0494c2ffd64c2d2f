package io.jenkins.plugins.selftest.engine.supervisor;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Future;

/**
 * One supervised service as it is now: its current run, its restart budget and its pending timers. The mutable
 * counterpart of {@link ServiceStatus}, which {@link #status()} snapshots.
 *
 * <p>Not thread-safe: touched only on the supervisor's scheduler thread, except {@link #stopping}, which the spawner
 * threads read.
 */
final class Service {

    final ServiceSpec spec;
    ServiceState state = ServiceState.WAITING;
    int run;
    String cookie;
    /** The current run's wrapper, while it may be alive. */
    Optional<Long> pid = Optional.empty();
    Optional<Long> startTicks = Optional.empty();
    /** Whether the current run's end will be reported: it is our child, or an adopted process being watched. */
    boolean watched;
    /** The current run's process when it is our child (to reap it after a stop). */
    Optional<Process> child = Optional.empty();
    RestartBudget budget = RestartBudget.FRESH;
    Optional<Instant> startedAt = Optional.empty();
    Optional<Instant> readyAt = Optional.empty();
    Optional<ExitInfo> lastExit = Optional.empty();
    Optional<String> message = Optional.empty();
    boolean everReady;
    volatile boolean stopping;
    boolean announcedWaiting;
    long logOffsetAtStart;
    long logDropped;
    Future<?> startTimer;
    Future<?> backoffTimer;
    Future<?> probe;
    /** Where it is reached and on which host ports, its container's name: fixed for the supervisor's life. */
    Optional<String> host = Optional.empty();
    java.util.Map<String, Integer> ports = java.util.Map.of();
    Optional<String> container = Optional.empty();

    Service(ServiceSpec spec) {
        this.spec = spec;
    }

    String name() {
        return spec.name();
    }

    /** Whether its dependents may start: it was ready once, or it ended successfully. */
    boolean satisfiesDependents() {
        return everReady || state == ServiceState.EXITED;
    }

    /** Whether its dependents can never start: it failed or was stopped without ever being ready. */
    boolean failedForDependents() {
        return !everReady && (state == ServiceState.FAILED || state == ServiceState.STOPPED);
    }

    /** Takes over what a predecessor recorded (for a resume); the state is set by the resume step. */
    void restore(ServiceStatus old) {
        run = old.run();
        budget = RestartBudget.of(old);
        lastExit = old.lastExit();
        message = old.message();
        startedAt = old.startedAt();
        readyAt = old.readyAt();
        everReady = old.readyAt().isPresent() || old.state() == ServiceState.READY;
        cookie = old.cookie().orElse(null);
        logDropped = old.logBytesDropped();
        logOffsetAtStart = 0;
    }

    /** Begins the next run, whose cookie is {@code cookie}: it is STARTING until its process is known. */
    void beginRun(String cookie) {
        run++;
        this.cookie = cookie;
        state = ServiceState.STARTING;
        processGone();
        startTicks = Optional.empty();
        startedAt = Optional.empty();
        readyAt = Optional.empty();
    }

    /** The current run's process started, as our child. */
    void spawned(long pid, Optional<Process> child, Optional<Long> startTicks, Instant at, long logOffset) {
        this.watched = true;
        this.child = child;
        this.pid = Optional.of(pid);
        this.startTicks = startTicks;
        this.startedAt = Optional.of(at);
        this.logOffsetAtStart = logOffset;
    }

    /** Run {@code run} lives as {@code process} (a predecessor's child): it becomes the current run, watched. */
    void adopt(ResumePlan.LiveProcess process, int run, String cookie) {
        if (run != this.run) {
            // spawned by the predecessor after its last state write: what was recorded is of an older run
            startedAt = process.startedAt();
            readyAt = Optional.empty();
        }
        this.run = run;
        this.cookie = cookie;
        watched = true;
        child = Optional.empty();
        pid = Optional.of(process.pid());
        startTicks = process.startTicks();
    }

    /** Forgets the current run's process: it ended, or it is not known. */
    void processGone() {
        pid = Optional.empty();
        watched = false;
        child = Optional.empty();
    }

    /** Cancels the pending start, backoff and probe timers of the current run. */
    void cancelTimers() {
        for (Future<?> f : new Future<?>[] {startTimer, backoffTimer, probe}) {
            if (f != null) {
                f.cancel(false);
            }
        }
        startTimer = null;
        backoffTimer = null;
        probe = null;
    }

    ServiceStatus status() {
        return new ServiceStatus(spec.name(), state, run, pid, startTicks, Optional.ofNullable(cookie), budget.restarts(),
                budget.recentRestarts(), budget.consecutiveFailures(), startedAt, readyAt, lastExit, message, logDropped,
                host, ports, container);
    }
}
