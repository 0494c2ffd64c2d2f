package io.jenkins.plugins.selftest.engine.supervisor;

import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import io.jenkins.plugins.selftest.engine.process.Keeper;
import io.jenkins.plugins.selftest.engine.process.LaunchedProcess;
import io.jenkins.plugins.selftest.engine.process.ProcessLauncher;
import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import io.jenkins.plugins.selftest.engine.process.Signal;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs the services of a {@link SupervisorSpec} in this JVM and keeps them alive: restart policies with limits and
 * backoff, readiness probes, dependency order, log rotation, and a stop that leaves no process of any tree behind.
 * Its state lives in a {@link ControlDirectory}, so another process can watch it and a later supervisor can
 * {@linkplain Options#resumeFrom() resume} it. {@link SupervisorDaemon} runs one detached; the CLI runs one in the
 * foreground.
 *
 * <p>This class is the threading around pieces that each do one job: the {@link Lifecycle} decides every transition
 * (with the {@link RestartBudget}, the {@link ResumePlan} and the {@link StopPlan}), the {@link Spawner} starts runs,
 * the {@link Housekeeper} does the periodic file and process chores, and the {@link Journal} records.
 *
 * <p>Threading ({@link SupervisorThreads}): one scheduler thread owns all service state (every transition and timer
 * runs on it, so there is no lock); exits arrive event-driven from {@link Process#onExit()} (reported for all runs by
 * the {@link Keeper}'s one reader thread) and are handed to it.
 * Spawns go through the spawner's bounded queue and threads, readiness probes run on their own small pool, the
 * chores on a housekeeping thread, event lines on a non-blocking writer. Public methods are thread-safe.
 *
 * <p>Persisted: {@code state.json} (at most every 100 ms while something changes, and at the end), {@code
 * events.jsonl}, the heartbeat; the services' own output goes straight from the process to {@code logs/NAME.log}
 * (so it is kept while no supervisor runs); each run has a spawn record {@code runs/NAME.N.spawn} (written before
 * it starts, given the run's pid by the keeper or the wrapper) and the keeper (or the wrapper shell where there is no
 * keeper) writes {@code runs/NAME.N.exit}, also after this supervisor has died. A fresh start
 * stops what an earlier supervisor left running on the directory; a resume adopts only runs' own wrappers.
 */
public final class Supervisor {

    /**
     * How to run.
     *
     * @param supervisorId prefix of every cookie; keep it across resumes
     * @param resumeFrom   state of an earlier supervisor on the same directory: live services are adopted, exits
     *                     that happened meanwhile are taken from the exit files, restart counts are kept
     * @param listener     called on the scheduler thread for every event; must not block
     * @param onFatal      called (on any thread) when the supervisor hits an internal error it cannot recover from;
     *                     the daemon starts its replacement there
     * @param onStopRequest called once when the control directory asks for a stop or disappears (from the
     *                     housekeeping thread); empty means "stop this supervisor"
     * @param problems     problems found before it started (how the state it resumes from was found), recorded first
     */
    public record Options(String supervisorId, Optional<SupervisorState> resumeFrom,
                          Optional<Consumer<SupervisorEvent>> listener, Optional<Consumer<Throwable>> onFatal,
                          Optional<Consumer<String>> onStopRequest, List<String> problems) {

        public Options {
            problems = List.copyOf(problems);
        }

        public static Options fresh(String supervisorId) {
            return new Options(supervisorId, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
        }

        public Options withListener(Consumer<SupervisorEvent> value) {
            return new Options(supervisorId, resumeFrom, Optional.of(value), onFatal, onStopRequest, problems);
        }

        public Options withResume(SupervisorState previous) {
            return new Options(supervisorId, Optional.of(previous), listener, onFatal, onStopRequest, problems);
        }

        public Options withOnFatal(Consumer<Throwable> value) {
            return new Options(supervisorId, resumeFrom, listener, Optional.of(value), onStopRequest, problems);
        }

        public Options withOnStopRequest(Consumer<String> value) {
            return new Options(supervisorId, resumeFrom, listener, onFatal, Optional.of(value), problems);
        }

        public Options withProblem(String value) {
            List<String> all = new java.util.ArrayList<>(problems);
            all.add(value);
            return new Options(supervisorId, resumeFrom, listener, onFatal, onStopRequest, all);
        }
    }

    private final ControlDirectory dir;
    private final SupervisorSpec spec;
    private final Options options;
    private final Cookies cookies;
    private final SupervisorThreads threads;
    private final Journal journal;
    private final Lifecycle lifecycle;
    private final Spawner spawner;
    private final Optional<Keeper> keeper;
    private final Housekeeper housekeeper;
    private final ServicePorts ports;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final AtomicBoolean stopOnce = new AtomicBoolean();
    private final CompletableFuture<SupervisorState> stopped = new CompletableFuture<>();
    private volatile boolean closing;

    private Supervisor(ControlDirectory dir, SupervisorSpec spec, Options options) throws IOException {
        this.dir = dir.create();
        this.spec = spec.validate();
        this.options = options;
        this.cookies = new Cookies(options.supervisorId());
        this.ports = ServicePorts.prepare(this.spec, this.dir.path(), options.resumeFrom(),
                PortAllocator.forBlock(this.dir.path()), System.getenv(), workspace());
        SupervisorSpec spawned = ports.spawned(this.spec);
        this.threads = new SupervisorThreads(this::fatal);
        this.journal = new Journal(this.dir, options.supervisorId(), this.spec.services().stream().map(ServiceSpec::name).toList(),
                options.listener());
        this.lifecycle = new Lifecycle(this.dir, spawned, cookies, journal, new Effects(), Clock.systemUTC(), ports);
        // the keeper is every run's parent: no exec besides the command's own per spawn, one thread for all exits
        this.keeper = Keeper.of(options.supervisorId(), threads.named("supervisor-keeper"));
        this.spawner = new Spawner(this.dir, this.spec.services().size(),
                keeper.<Spawner.Launcher>map(k -> k::startAsync).orElse(Spawner.Launcher.blocking(ProcessLauncher::start)),
                keeper.<Spawner.Armer>map(k -> k::arm), threads::onScheduler, new SpawnOutcomes());
        this.housekeeper = new Housekeeper(this.dir, spawned, cookies, journal, () -> closing, this::requestStopOnce,
                (service, dropped) -> threads.onScheduler(() -> lifecycle.logRotated(service, dropped)));
    }

    /**
     * Starts supervising: services without dependencies are spawned at once (in parallel), the others when their
     * dependencies are ready. With {@link Options#resumeFrom()} live services are adopted instead.
     *
     * @throws SpecException when the spec has problems
     * @throws IOException   when the control directory cannot be written
     */
    public static Supervisor start(ControlDirectory dir, SupervisorSpec spec, Options options) throws IOException {
        Supervisor s = new Supervisor(dir, spec, options);
        s.begin();
        return s;
    }

    /**
     * Where a container service's relative volume sources are: {@code $WORKSPACE} (a Jenkins build's, which the
     * daemon inherits), else the working directory.
     */
    private static Path workspace() {
        String ws = System.getenv("WORKSPACE");
        return ws != null && !ws.isBlank() ? Path.of(ws) : Path.of("").toAbsolutePath();
    }

    private void begin() throws IOException {
        // the keeper starts on the other core while this one writes the journal and looks for leftovers
        keeper.ifPresent(Keeper::prestart);
        options.problems().forEach(journal::problem);
        ports.problems().forEach(journal::problem);
        journal.begin(options.resumeFrom().isEmpty());
        spawner.start(threads.named("supervisor-spawn"));
        if (options.resumeFrom().isPresent()) {
            SupervisorState previous = options.resumeFrom().get();
            ResumePlan plan = ResumePlan.of(spec.topologicalOrder(), previous, cookies, liveProcesses(),
                    ResumePlan.Runs.of(dir));
            threads.onScheduler(() -> lifecycle.resume(previous, plan));
        } else {
            stopLeftovers();
            threads.onScheduler(lifecycle::startAll);
        }
        housekeeper.start(threads.named("supervisor-housekeeping"), threads::guard);
    }

    /**
     * A fresh start stops what an earlier supervisor on the directory left running (its state was replaced or lost),
     * so that nothing runs unsupervised next to the new services.
     */
    private void stopLeftovers() {
        Map<Long, String> left = liveRuns(dir);
        if (!left.isEmpty()) {
            ProcessTree.stopAll(left.entrySet().stream()
                    .map(h -> new ProcessTree.Tree(h.getKey(), h.getValue(), Signal.TERM, Duration.ofSeconds(5))).toList());
            Set<String> runs = new TreeSet<>(left.values());
            journal.problem("stopped " + runs.size() + " run(s) of an earlier supervisor on this directory that still"
                    + " ran without one (" + left.size() + " process(es), cookies " + String.join(", ", runs) + ")");
        }
    }

    /** Live processes started for runs on {@code dir} ({@code SELFTEST_CONTROL_DIR}), with their cookies. */
    static Map<Long, String> liveRuns(ControlDirectory dir) {
        String path = dir.path().toString();
        Map<Long, String> runs = new LinkedHashMap<>();
        ProcessTree.cookieHolders(c -> c.indexOf('.') > 0).forEach((pid, cookie) -> {
            if (ProcessTree.environmentValue(pid, Spawner.CONTROL_DIR_VARIABLE).map(path::equals).orElse(false)) {
                runs.put(pid, cookie);
            }
        });
        return runs;
    }

    /** Every live process of every service, from one {@code /proc} pass, whatever run wrote or did not write state. */
    private List<ResumePlan.LiveProcess> liveProcesses() {
        return ProcessTree.cookieHolders(cookies::ours).entrySet().stream().map(h -> {
            long pid = h.getKey();
            return new ResumePlan.LiveProcess(pid, h.getValue(), ProcessTree.processGroup(pid).map(g -> g == pid).orElse(false),
                    ProcessTree.startTicks(pid), ProcessHandle.of(pid).flatMap(p -> p.info().startInstant()));
        }).toList();
    }

    // ---- public API ------------------------------------------------------------------------------------------------

    public ControlDirectory controlDirectory() {
        return dir;
    }

    public SupervisorSpec spec() {
        return spec;
    }

    /** A snapshot of the current state (what {@code state.json} will hold next). */
    public SupervisorState state() {
        return journal.state();
    }

    /** Completes with the final state once {@link #stop} has finished. */
    public CompletableFuture<SupervisorState> stopped() {
        return stopped;
    }

    /**
     * Stops every service (dependents before their dependencies, independent ones in parallel): the stop signal to
     * the whole tree, the grace period, then KILL; finally kills any process that still carries a cookie of this
     * supervisor. Blocks until done; idempotent (a second call waits for the first).
     */
    public SupervisorState stop(String reason) {
        if (!stopRequested.compareAndSet(false, true)) {
            return stopped.join();
        }
        try {
            SupervisorState result = doStop(reason);
            stopped.complete(result);
            return result;
        } catch (RuntimeException | Error e) {
            stopped.completeExceptionally(e);
            throw e;
        }
    }

    /** Stops without waiting; see {@link #stop}. */
    public CompletableFuture<SupervisorState> stopAsync(String reason) {
        Thread t = new Thread(() -> stop(reason), "supervisor-stop");
        t.setDaemon(false);
        t.start();
        return stopped;
    }

    /** Waits until the events so far are in {@code events.jsonl} (tests and tools that read the file). */
    void flushEvents() {
        journal.flushEvents(Duration.ofSeconds(5));
    }

    /** Leaves every service running and ends this supervisor's threads (for a handover to a resumed supervisor). */
    public void abandon() {
        closing = true;
        stopRequested.set(true);
        journal.writeState();
        journal.close();
        shutdownThreads();
    }

    // ---- stopping ----------------------------------------------------------------------------------------------------

    private SupervisorState doStop(String reason) {
        journal.phase(SupervisorState.Phase.STOPPING);
        closing = true;
        journal.event(SupervisorEvent.Type.SUPERVISOR_STOPPING, reason);
        // no new spawns: wait for a spawn in progress, whose result is then queued on the scheduler before us
        spawner.close(Duration.ofSeconds(10));
        threads.stopProbes();
        for (List<StopPlan.Target> level : threads.onSchedulerAndWait(lifecycle::beginStop)) {
            // one level at a time (dependents before their dependencies), all trees of a level together
            stopContainers(level.stream().map(t -> t.spec().name()).toList());
            List<ProcessTree.StopResult> results = ProcessTree.stopAll(level.stream().map(StopPlan.Target::tree).toList());
            for (int i = 0; i < level.size(); i++) {
                StopPlan.Target target = level.get(i);
                ProcessTree.StopResult result = results.get(i);
                target.child().ifPresent(c -> c.onExit().join()); // reap our child
                threads.onScheduler(() -> lifecycle.stopped(target, result));
            }
        }
        // anything that still carries one of our cookies (double-forked leftovers of earlier runs) dies now
        housekeeper.sweepAll();
        // containers of services that were not running (failed, in backoff) may still be there
        stopContainers(spec.services().stream().map(ServiceSpec::name).toList());
        threads.onSchedulerAndWait(() -> {
            lifecycle.endStop();
            return null;
        });
        ports.release().forEach(journal::problem);
        journal.phase(SupervisorState.Phase.STOPPED);
        journal.event(SupervisorEvent.Type.SUPERVISOR_STOPPED, reason);
        shutdownThreads();
        journal.flushEvents(Duration.ofSeconds(5));
        journal.close();
        journal.writeState();
        return journal.state();
    }

    /** Stops and removes the containers of these services, all at once; a failure is a problem line. */
    private void stopContainers(List<String> services) {
        List<CompletableFuture<Void>> stops = services.stream().map(ports::container).flatMap(Optional::stream)
                .map(c -> CompletableFuture.runAsync(() -> c.stop().ifPresent(journal::problem))).toList();
        stops.forEach(CompletableFuture::join);
    }

    private void requestStopOnce(String reason) {
        if (stopOnce.compareAndSet(false, true)) {
            if (options.onStopRequest().isPresent()) {
                options.onStopRequest().get().accept(reason);
            } else {
                stopAsync(reason);
            }
        }
    }

    private void shutdownThreads() {
        closing = true;
        spawner.close(Duration.ZERO);
        // it exits once the runs still alive (none after a stop; all of them on a handover) have ended
        keeper.ifPresent(Keeper::close);
        housekeeper.stop();
        threads.shutdown();
    }

    // ---- what the pieces ask of the threads --------------------------------------------------------------------------

    /** The lifecycle's effects: timers on the scheduler thread, probes on their pool, trees stopped in the background. */
    private final class Effects implements Lifecycle.Effects {
        @Override
        public boolean closing() {
            return closing;
        }

        @Override
        public boolean spawn(Spawner.Request request) {
            return spawner.submit(request);
        }

        @Override
        public Future<?> after(Duration delay, Runnable task) {
            return threads.onScheduler(delay, task);
        }

        @Override
        public Future<?> probe(String service, int run, ReadinessCheck check, Duration delay) {
            return threads.onProbePool(delay, () -> {
                if (!closing) {
                    ReadinessCheck.Outcome outcome = check.attempt();
                    threads.onScheduler(() -> lifecycle.probed(service, run, check, outcome));
                }
            });
        }

        @Override
        public void stopTree(ServiceSpec service, long pid, String cookie, Optional<Process> child) {
            CompletableFuture.runAsync(() -> {
                ports.container(service.name()).flatMap(ContainerLaunch::stop).ifPresent(journal::problem);
                ProcessTree.stop(pid, cookie, service.stopSignal(), service.stopTimeout());
                child.ifPresent(c -> c.onExit().join());
            });
        }

        @Override
        public void watch(String service, int run, long pid) {
            // not our child: the JDK watches it by polling, and the wrapper's exit file gives the code. A process
            // that is already gone ends at once.
            CompletableFuture<ProcessHandle> exit = ProcessHandle.of(pid).map(ProcessHandle::onExit)
                    .orElseGet(() -> CompletableFuture.completedFuture(null));
            exit.whenComplete((p, e) -> threads.onScheduler(() -> {
                lifecycle.exitedUnwatched(service, run, Spawner.awaitExitCode(dir, service, run));
            }));
        }

        @Override
        public void runEnded(String cookie) {
            housekeeper.runEnded(cookie);
        }

        @Override
        public void arm(Spawner.Request next, long afterPid, Set<Integer> skip) {
            spawner.arm(next, afterPid, skip);
        }

        @Override
        public void disarm(String service) {
            spawner.disarm(service);
        }
    }

    /** The spawner's outcomes, handed to the scheduler thread. */
    private final class SpawnOutcomes implements Spawner.Listener {
        @Override
        public boolean wanted(Spawner.Request request) {
            return lifecycle.wanted(request.spec().name());
        }

        @Override
        public void spawned(Spawner.Request r, LaunchedProcess p, Optional<Long> startTicks, Instant at, long logOffset) {
            threads.onScheduler(() -> lifecycle.spawned(r.spec().name(), r.run(), p.pid(), Optional.of(p.process()), startTicks,
                    at, logOffset));
        }

        @Override
        public void failed(Spawner.Request r, String why) {
            threads.onScheduler(() -> lifecycle.spawnFailed(r.spec().name(), r.run(), why));
        }

        @Override
        public void exited(Spawner.Request r, int code) {
            threads.onScheduler(() -> lifecycle.exited(r.spec().name(), r.run(), code, ExitInfo.Recorded.PROCESS));
        }
    }

    // ---- plumbing ----------------------------------------------------------------------------------------------------

    private void fatal(Throwable t) {
        journal.problem("internal error: " + t);
        if (options.onFatal().isPresent()) {
            options.onFatal().get().accept(t);
        } else {
            journal.phase(SupervisorState.Phase.FAILED);
            journal.event(SupervisorEvent.Type.SUPERVISOR_FAILED, String.valueOf(t));
        }
    }
}
