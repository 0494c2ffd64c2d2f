package io.jenkins.plugins.selftest.engine.supervisor;

import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import io.jenkins.plugins.selftest.engine.process.Cgroups;
import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import io.jenkins.plugins.selftest.engine.process.Signal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Future;

/**
 * The services' state machine (see {@link ServiceState}): every transition of every service, from dependency order
 * through spawn, startSeconds, readiness, exits and restarts to the stop. It decides; what takes time or touches a
 * process (spawning, timers, probes, stopping a tree, watching an adopted process) it asks of its {@link Effects},
 * and what it records goes to the {@link Journal}.
 *
 * <p>Not thread-safe: every method runs on the supervisor's scheduler thread, which is what makes the transitions
 * free of locks; {@link #wanted} alone is called from spawner threads.
 */
final class Lifecycle {

    /** What the state machine asks of the threads and processes around it. */
    interface Effects {
        /** Whether the supervisor is stopping or handing over: nothing new starts. */
        boolean closing();

        /** Queues the spawn of that run; false when a spawn of the service is queued already. */
        boolean spawn(Spawner.Request request);

        /** Runs {@code task} on the scheduler thread after {@code delay}. */
        Future<?> after(Duration delay, Runnable task);

        /** Tries {@code check} once after {@code delay}; the outcome comes back through {@link #probed}. */
        Future<?> probe(String service, int run, ReadinessCheck check, Duration delay);

        /** Stops a run's process tree in the background (the run failed its readiness). */
        void stopTree(ServiceSpec spec, long pid, String cookie, Optional<Process> child);

        /** Watches an adopted run's process; its end comes back through {@link #exited}. */
        void watch(String service, int run, long pid);

        /** The run with {@code cookie} ended: whatever still carries the cookie is to be swept. */
        void runEnded(String cookie);

        /**
         * Arms {@code next} to start as soon as the process {@code afterPid} ends with a code not in {@code skip}
         * ({@link Spawner#arm}): the restart the policy decided already. It starts only when then {@link #spawn
         * requested}; a service's armed run is withdrawn by {@link #disarm}.
         */
        default void arm(Spawner.Request next, long afterPid, Set<Integer> skip) {
        }

        /** Withdraws the service's armed run, stopping it if it was started already. */
        default void disarm(String service) {
        }
    }

    private static final int KILLED = 128 + Signal.KILL.number();

    private final ControlDirectory dir;
    private final Cookies cookies;
    private final Journal journal;
    private final Effects effects;
    private final Clock clock;
    private final StopPlan stopPlan;
    private final Map<String, Service> services = new LinkedHashMap<>();
    private final ServicePorts ports;

    Lifecycle(ControlDirectory dir, SupervisorSpec spec, Cookies cookies, Journal journal, Effects effects, Clock clock) {
        this(dir, spec, cookies, journal, effects, clock, ServicePorts.NONE);
    }

    /** With {@code ports}: the services' hosts, ports and containers, shown in their status and used by probes. */
    Lifecycle(ControlDirectory dir, SupervisorSpec spec, Cookies cookies, Journal journal, Effects effects, Clock clock,
              ServicePorts ports) {
        this.ports = ports;
        this.dir = dir;
        this.cookies = cookies;
        this.journal = journal;
        this.effects = effects;
        this.clock = clock;
        List<ServiceSpec> order = spec.topologicalOrder();
        this.stopPlan = StopPlan.of(order);
        for (ServiceSpec s : order) {
            Service svc = new Service(s);
            ports.of(s.name()).ifPresent(w -> {
                svc.host = w.host();
                svc.ports = w.ports();
                svc.container = w.container().map(ContainerLaunch::name);
            });
            services.put(s.name(), svc);
            journal.publish(svc.status());
        }
    }

    // ---- starting ----------------------------------------------------------------------------------------------------

    /** A fresh start: services without dependencies are spawned at once, the others when theirs are ready. */
    void startAll() {
        journal.event(SupervisorEvent.Type.SUPERVISOR_STARTED, "pid " + ProcessHandle.current().pid() + ", "
                + services.size() + " services; " + Cgroups.mode().describe());
        services.values().forEach(this::publish);
        services.values().forEach(this::considerStart);
    }

    /** Whether a queued spawn of that run is still wanted (called from a spawner thread). */
    boolean wanted(String service) {
        return !effects.closing() && !services.get(service).stopping;
    }

    /** Spawns {@code s} if it has not run yet and its dependencies are satisfied, fails it if one failed. */
    private void considerStart(Service s) {
        if (s.state != ServiceState.WAITING || effects.closing()) {
            return;
        }
        for (String dep : s.spec.dependsOn()) {
            Service d = services.get(dep);
            if (d.failedForDependents()) {
                fail(s, "dependency '" + dep + "' failed" + d.message.map(m -> ": " + m).orElse(""));
                return;
            }
            if (!d.satisfiesDependents()) {
                if (!s.announcedWaiting) {
                    s.announcedWaiting = true;
                    event(s, SupervisorEvent.Type.WAITING, null, null, null, "for " + String.join(", ", s.spec.dependsOn()));
                }
                return;
            }
        }
        requestSpawn(s);
    }

    /** Begins the next run of {@code s} and queues its spawn. */
    private void requestSpawn(Service s) {
        if (effects.closing() || s.stopping) {
            return;
        }
        s.beginRun(cookies.of(s.name(), s.run + 1));
        publish(s);
        if (!effects.spawn(new Spawner.Request(s.spec, s.run, s.cookie))) {
            journal.problem(s.name() + ": spawn requested while one is queued; ignored");
        }
    }

    /** Run {@code run} of {@code service} started as {@code pid} at {@code at}; its log had {@code logOffset} bytes. */
    void spawned(String service, int run, long pid, Optional<Process> child, Optional<Long> startTicks, Instant at,
                 long logOffset) {
        Service s = services.get(service);
        if (run != s.run) {
            return;
        }
        s.spawned(pid, child, startTicks, at, logOffset);
        if (s.stopping || effects.closing()) {
            return; // the stop collects it
        }
        event(s, SupervisorEvent.Type.SPAWNED, pid, null, null, "pid " + pid);
        armRestart(s, pid);
        if (s.spec.startSeconds().isZero()) {
            started(s, run);
        } else {
            s.state = ServiceState.STARTING;
            publish(s);
            s.startTimer = effects.after(s.spec.startSeconds(), () -> started(s, run));
        }
    }

    /**
     * When the restart after run {@code s.run} is decided whatever the run's exit (but for codes the keeper is told):
     * the policy restarts, without delay, and the budget has room for one more restart however the window moves. Then
     * the next run is armed, so that it starts the moment this one ends, and {@link #exited} only adopts it. Not for
     * containers (a container's name is free only once the old one is removed) nor for a service whose readiness reads
     * its log (the new run's log offset is known only once it started).
     */
    private void armRestart(Service s, long pid) {
        ServiceSpec spec = s.spec;
        boolean immediate = spec.restart() != RestartPolicy.NEVER && spec.backoff().delay(1).isZero()
                && spec.backoff().delay(s.budget.consecutiveFailures() + 1).isZero();
        boolean budget = spec.maxRestarts() < 0 || s.budget.recentRestarts().size() < spec.maxRestarts();
        boolean logReadiness = spec.ready().flatMap(Readiness::log).isPresent();
        if (!immediate || !budget || logReadiness || spec.containerized()) {
            return;
        }
        // what afterExit gives up on (the shell found no command), and what on-failure does not restart
        Set<Integer> skip = new TreeSet<>(List.of(126, 127));
        if (spec.restart() == RestartPolicy.ON_FAILURE) {
            skip.addAll(spec.successExitCodes());
        }
        effects.arm(new Spawner.Request(spec, s.run + 1, cookies.of(s.name(), s.run + 1)), pid, skip);
    }

    private void started(Service s, int run) {
        if (run != s.run || s.state != ServiceState.STARTING || s.stopping) {
            return;
        }
        s.state = ServiceState.RUNNING;
        event(s, SupervisorEvent.Type.STARTED, s.pid.orElse(null), null, null, "");
        if (s.spec.ready().isEmpty()) {
            ready(s, run, "");
        } else {
            probe(s, run, s.startedAt.orElse(clock.instant()), Duration.ZERO);
        }
    }

    private void probe(Service s, int run, Instant runStart, Duration delay) {
        ReadinessCheck check = new ReadinessCheck(s.spec.ready().orElseThrow(), s.spec, dir.logFile(s.name()),
                s.logOffsetAtStart, dir.path(), runStart, ports.container(s.name()));
        s.probe = effects.probe(s.name(), run, check, delay);
    }

    /** One attempt of a readiness check of that run had {@code outcome}. */
    void probed(String service, int run, ReadinessCheck check, ReadinessCheck.Outcome outcome) {
        Service s = services.get(service);
        switch (outcome.result()) {
            case PASSED -> ready(s, run, outcome.detail());
            case TIMED_OUT -> notReady(s, run, outcome.detail());
            case PENDING -> {
                if (run == s.run && s.state == ServiceState.RUNNING && !s.stopping) {
                    s.probe = effects.probe(service, run, check, check.interval());
                }
            }
        }
    }

    private void ready(Service s, int run, String detail) {
        if (run != s.run || s.state != ServiceState.RUNNING || s.stopping) {
            return;
        }
        s.state = ServiceState.READY;
        s.readyAt = Optional.of(clock.instant());
        s.everReady = true;
        event(s, SupervisorEvent.Type.READY, s.pid.orElse(null), null, null, detail);
        releaseDependents();
    }

    private void releaseDependents() {
        for (Service other : services.values()) {
            if (other.state == ServiceState.WAITING) {
                considerStart(other);
            }
        }
    }

    private void notReady(Service s, int run, String why) {
        if (run != s.run || s.state != ServiceState.RUNNING || s.stopping) {
            return;
        }
        event(s, SupervisorEvent.Type.NOT_READY, s.pid.orElse(null), null, null, why);
        fail(s, "not ready: " + why);
        if (s.pid.isPresent()) {
            effects.stopTree(s.spec, s.pid.get(), s.cookie, s.child);
        }
    }

    /** Run {@code run} of {@code service} could not start, because of {@code why}. */
    void spawnFailed(String service, int run, String why) {
        Service s = services.get(service);
        if (run != s.run || s.stopping) {
            return;
        }
        fail(s, "cannot start: " + why);
    }

    private void fail(Service s, String why) {
        effects.disarm(s.name());
        s.state = ServiceState.FAILED;
        s.message = Optional.of(why);
        s.cancelTimers();
        event(s, SupervisorEvent.Type.GAVE_UP, s.pid.orElse(null), null, null, why);
        // dependents that wait for it cannot start any more
        for (Service other : services.values()) {
            if (other.state == ServiceState.WAITING && other.spec.dependsOn().contains(s.name())) {
                considerStart(other);
            }
        }
    }

    // ---- exits and restarts ------------------------------------------------------------------------------------------

    /** Run {@code run} of {@code service} ended with {@code code}, learned as {@code recorded}. */
    void exited(String service, int run, int code, ExitInfo.Recorded recorded) {
        Service s = services.get(service);
        if (run != s.run || s.pid.isEmpty() && !s.watched && recorded == ExitInfo.Recorded.PROCESS) {
            return;
        }
        Instant now = clock.instant();
        ExitInfo exit = ExitInfo.of(run, code, now, recorded);
        ServiceState before = s.state;
        Duration uptime = s.startedAt.map(t -> Duration.between(t, now)).orElse(Duration.ZERO);
        s.lastExit = Optional.of(exit);
        s.processGone();
        s.cancelTimers();
        if (s.cookie != null) {
            effects.runEnded(s.cookie);
        }
        journal.exitRecorded(s.name(), run);
        event(s, SupervisorEvent.Type.EXITED, null, code, null, exit.describe() + recorded.note());
        if (s.stopping || effects.closing() || before == ServiceState.FAILED) {
            effects.disarm(s.name());
            return; // stopped on purpose, or the end of a run that was failed (readiness) and is being stopped
        }
        RestartBudget.Decision decision = s.budget.afterExit(s.spec, exit, before == ServiceState.STARTING, uptime);
        s.budget = decision.budget();
        if (!(decision instanceof RestartBudget.Restart r && r.delay().isZero())) {
            effects.disarm(s.name()); // only an immediate restart takes the armed run
        }
        if (decision instanceof RestartBudget.GiveUp g) {
            fail(s, g.reason());
        } else if (decision instanceof RestartBudget.Finish f) {
            s.state = f.success() ? ServiceState.EXITED : ServiceState.FAILED;
            s.message = Optional.of(f.message());
            publish(s);
            if (!f.success()) {
                event(s, SupervisorEvent.Type.GAVE_UP, null, code, null, f.reason());
            }
            releaseDependents();
        } else if (decision instanceof RestartBudget.Restart r) {
            restartAfter(s, r.delay());
        }
    }

    /**
     * Run {@code run} of {@code service} ended while nobody watched it as a child: {@code code} is what its wrapper
     * recorded, empty when it vanished without a record (counted as killed).
     */
    void exitedUnwatched(String service, int run, Optional<Integer> code) {
        exited(service, run, code.orElse(KILLED), code.isPresent() ? ExitInfo.Recorded.EXIT_FILE : ExitInfo.Recorded.UNKNOWN);
    }

    private void restartAfter(Service s, Duration delay) {
        s.state = ServiceState.BACKOFF;
        event(s, SupervisorEvent.Type.RESTARTING, null, null, delay.toMillis(),
                "in " + delay.toMillis() + " ms (restart " + s.budget.restarts() + ")");
        if (delay.isZero()) {
            requestSpawn(s);
        } else {
            s.backoffTimer = effects.after(delay, () -> {
                if (s.state == ServiceState.BACKOFF) {
                    requestSpawn(s);
                }
            });
        }
    }

    // ---- resume ------------------------------------------------------------------------------------------------------

    /** Takes over from the predecessor that wrote {@code previous}, as {@code plan} says. */
    void resume(SupervisorState previous, ResumePlan plan) {
        journal.event(SupervisorEvent.Type.SUPERVISOR_RESUMED, "pid " + ProcessHandle.current().pid()
                + " takes over from pid " + previous.pid() + "; " + Cgroups.mode().describe());
        // first every service's state, then what may start others: a dependency's state is known when it is asked
        List<Runnable> after = new ArrayList<>();
        for (ResumePlan.Step step : plan.steps()) {
            Service s = services.get(step.service());
            step.previous().ifPresent(s::restore);
            if (step instanceof ResumePlan.Adopt adopt) {
                adopt.unrecorded().ifPresent(u -> unrecordedExit(s, u));
                adopt(s, adopt);
                continue;
            }
            if (step instanceof ResumePlan.Keep keep) {
                s.state = keep.recorded().state();
            } else if (step instanceof ResumePlan.RecordExit exit) {
                // a run recorded as STARTING may have passed startSeconds unwatched: its end is not a failed start
                ServiceState was = exit.recorded().state();
                s.state = was == ServiceState.STARTING ? ServiceState.RUNNING : was;
                s.pid = exit.recorded().pid();
                if (exit.run() != s.run) {
                    // a run spawned after the predecessor's last state write: it is the one that ended
                    exit.unrecorded().ifPresent(u -> unrecordedExit(s, u));
                    s.run = exit.run();
                    s.cookie = cookies.of(s.name(), exit.run());
                    s.state = ServiceState.RUNNING;
                    s.startedAt = Optional.empty();
                    s.readyAt = Optional.empty();
                }
                after.add(() -> exitedUnwatched(s.name(), exit.run(), exit.code()));
            } else if (step instanceof ResumePlan.Respawn) {
                s.state = ServiceState.BACKOFF;
                after.add(() -> requestSpawn(s));
            } else {
                // Start (a service new to the spec) or Wait: it starts once its dependencies are ready
                s.state = ServiceState.WAITING;
                after.add(() -> considerStart(s));
            }
            publish(s);
        }
        plan.strays().forEach(effects::runEnded);
        after.forEach(Runnable::run);
    }

    /**
     * The exit of the recorded run, which the predecessor followed with a restart before it could record either:
     * both are counted now, as they would have been.
     */
    private void unrecordedExit(Service s, ResumePlan.Unrecorded u) {
        Instant now = clock.instant();
        ExitInfo.Recorded how = u.code().isPresent() ? ExitInfo.Recorded.EXIT_FILE : ExitInfo.Recorded.UNKNOWN;
        ExitInfo exit = ExitInfo.of(u.run(), u.code().orElse(KILLED), now, how);
        Duration uptime = s.startedAt.map(t -> Duration.between(t, now)).orElse(Duration.ZERO);
        s.budget = s.budget.afterExit(s.spec, exit, false, uptime).budget();
        s.lastExit = Optional.of(exit);
        journal.exitRecorded(s.name(), u.run());
        event(s, SupervisorEvent.Type.EXITED, null, exit.code(), null, exit.describe() + how.note()
                + "; run " + (u.run() + 1) + " was started before this was recorded");
    }

    private void adopt(Service s, ResumePlan.Adopt adopt) {
        ResumePlan.LiveProcess p = adopt.process();
        int run = adopt.run();
        s.adopt(p, run, cookies.of(s.name(), run));
        s.state = adopt.recorded().state() == ServiceState.READY && run == adopt.recorded().run()
                ? ServiceState.READY : ServiceState.RUNNING;
        event(s, SupervisorEvent.Type.ADOPTED, p.pid(), null, null, "pid " + p.pid() + " run " + run);
        if (s.state == ServiceState.RUNNING) {
            if (s.spec.ready().isPresent()) {
                probe(s, run, clock.instant(), Duration.ZERO);
            } else {
                ready(s, run, "");
            }
        }
        effects.watch(s.name(), run, p.pid());
    }

    // ---- logs and stop -----------------------------------------------------------------------------------------------

    /** A rotation of the service's log dropped {@code dropped} bytes; its log starts over at offset 0. */
    void logRotated(String service, long dropped) {
        Service s = services.get(service);
        s.logDropped += dropped;
        s.logOffsetAtStart = 0;
        publish(s);
    }

    /**
     * Begins the stop: no service starts or restarts from now on; the live runs are returned, by level of the
     * {@link StopPlan} (dependents first), and every other service that has not ended is STOPPED.
     */
    List<List<StopPlan.Target>> beginStop() {
        Map<String, StopPlan.Target> targets = new LinkedHashMap<>();
        for (Service s : services.values()) {
            s.stopping = true;
            effects.disarm(s.name());
            s.cancelTimers();
            if (s.pid.isPresent() && s.watched) {
                s.state = ServiceState.STOPPING;
                event(s, SupervisorEvent.Type.STOPPING, s.pid.get(), null, null,
                        s.spec.stopSignal() + ", KILL after " + Durations.format(s.spec.stopTimeout()));
                targets.put(s.name(), new StopPlan.Target(s.spec, s.pid.get(), s.cookie, s.child));
            } else if (!s.state.terminal()) {
                s.state = ServiceState.STOPPED;
                publish(s);
            }
        }
        return stopPlan.order(targets);
    }

    /** The tree of {@code target} is gone. */
    void stopped(StopPlan.Target target, ProcessTree.StopResult result) {
        Service s = services.get(target.spec().name());
        s.state = ServiceState.STOPPED;
        s.processGone();
        event(s, SupervisorEvent.Type.STOPPED, target.pid(), null, null,
                result.graceful() ? "stopped by " + s.spec.stopSignal() : result.killed() + " process(es) needed KILL");
    }

    /** Ends the stop: whatever is not STOPPED or ended for good now is. */
    void endStop() {
        for (Service s : services.values()) {
            if (!s.state.terminal() || s.state == ServiceState.EXITED && s.pid.isPresent()) {
                s.state = ServiceState.STOPPED;
                publish(s);
            }
        }
    }

    // ---- recording ---------------------------------------------------------------------------------------------------

    private void event(Service s, SupervisorEvent.Type type, Long pid, Integer code, Long delayMs, String message) {
        journal.event(s.status(), type, pid, code, delayMs, message);
    }

    private void publish(Service s) {
        journal.publish(s.status());
    }
}
