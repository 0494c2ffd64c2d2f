package io.jenkins.plugins.selftest.engine.supervisor;

import io.jenkins.plugins.selftest.engine.control.AsyncLineWriter;
import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.process.LaunchSpec;
import io.jenkins.plugins.selftest.engine.process.LaunchedProcess;
import io.jenkins.plugins.selftest.engine.process.ProcessLauncher;
import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import io.jenkins.plugins.selftest.engine.process.Signal;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs the services of a {@link SupervisorSpec} in this JVM and keeps them alive: restart policies with limits and
 * backoff, readiness probes, dependency order, log rotation, and a stop that leaves no process of any tree behind.
 * Its state lives in a {@link ControlDirectory}, so another process can watch it and a later supervisor can
 * {@linkplain Options#resumeFrom() resume} it. {@link SupervisorDaemon} runs one detached; the CLI runs one in the
 * foreground.
 *
 * <p>Threading: one scheduler thread owns all service state (every transition runs on it, so there is no lock);
 * exits arrive event-driven from {@link Process#onExit()} and are handed to it. Spawns go through a bounded FIFO
 * queue (at most one entry per service, so a burst of crashes is restarted in order without extra threads) served by
 * {@value #SPAWN_THREADS} spawner threads. Readiness probes run on their own small pool, file work (heartbeat, state
 * snapshots, log rotation, stray sweeps) on a housekeeping thread, event lines on a non-blocking writer that drops
 * and counts instead of stalling. Public methods are thread-safe.
 *
 * <p>Persisted: {@code state.json} (at most every 100 ms while something changes, and at the end), {@code
 * events.jsonl}, the heartbeat; the services' own output goes straight from the process to {@code logs/NAME.log}
 * (so it is kept while no supervisor runs), and each run's wrapper writes {@code runs/NAME.N.exit}.
 */
public final class Supervisor {

    /**
     * Spawner threads. A spawn is mostly kernel work, and with vfork the calling thread waits until the child has
     * exec'd; four threads overlap those waits (measured: 100 services started in 0.9 s instead of 1.2 s with two,
     * on 2 loaded cores).
     */
    static final int SPAWN_THREADS = 4;

    /**
     * The wrapper around every service command: runs it, then records its exit code in the file given as first
     * argument before exiting with the same code, so that an exit is known even when no supervisor is alive to see it.
     */
    static final String WRAPPER = "f=$1; shift; \"$@\"; c=$?; echo $c > \"$f\"; exit $c";

    private static final Duration STATE_WRITE_PERIOD = Duration.ofMillis(100);
    private static final Duration STOP_POLL = Duration.ofMillis(200);
    private static final Duration SWEEP_PERIOD = Duration.ofSeconds(1);

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
     */
    public record Options(String supervisorId, Optional<SupervisorState> resumeFrom,
                          Optional<Consumer<SupervisorEvent>> listener, Optional<Consumer<Throwable>> onFatal,
                          Optional<Consumer<String>> onStopRequest) {

        public static Options fresh(String supervisorId) {
            return new Options(supervisorId, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }

        public Options withListener(Consumer<SupervisorEvent> value) {
            return new Options(supervisorId, resumeFrom, Optional.of(value), onFatal, onStopRequest);
        }

        public Options withResume(SupervisorState previous) {
            return new Options(supervisorId, Optional.of(previous), listener, onFatal, onStopRequest);
        }

        public Options withOnFatal(Consumer<Throwable> value) {
            return new Options(supervisorId, resumeFrom, listener, Optional.of(value), onStopRequest);
        }

        public Options withOnStopRequest(Consumer<String> value) {
            return new Options(supervisorId, resumeFrom, listener, onFatal, Optional.of(value));
        }
    }

    private final ControlDirectory dir;
    private final SupervisorSpec spec;
    private final Options options;
    private final Instant startedAt = Instant.now();
    private final Map<String, Svc> services = new LinkedHashMap<>();
    private final ScheduledThreadPoolExecutor scheduler;
    private final ScheduledThreadPoolExecutor probes;
    private final ScheduledExecutorService housekeeping;
    private final List<Thread> spawners = new ArrayList<>();
    private final BlockingQueue<SpawnRequest> spawnQueue;
    private final AsyncLineWriter events;
    private final AtomicLong seq = new AtomicLong();
    private final Map<String, ServiceStatus> published = new ConcurrentHashMap<>();
    private final Set<String> endedCookies = ConcurrentHashMap.newKeySet();
    private final java.util.Queue<Path> recordedExitFiles = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final Set<Thread> ownThreads = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean dirty = new AtomicBoolean(true);
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final CompletableFuture<SupervisorState> stopped = new CompletableFuture<>();
    private volatile SupervisorState.Phase phase = SupervisorState.Phase.RUNNING;
    private volatile boolean closing;
    private long lastHeartbeat;

    private Supervisor(ControlDirectory dir, SupervisorSpec spec, Options options) throws IOException {
        this.dir = dir.create();
        this.spec = spec.validate();
        this.options = options;
        for (ServiceSpec s : spec.topologicalOrder()) {
            Svc svc = new Svc(s);
            services.put(s.name(), svc);
            published.put(s.name(), svc.status());
        }
        this.spawnQueue = new ArrayBlockingQueue<>(Math.max(1, services.size()));
        this.scheduler = new ScheduledThreadPoolExecutor(1, named("supervisor"));
        scheduler.setRemoveOnCancelPolicy(true);
        this.probes = new ScheduledThreadPoolExecutor(2, named("supervisor-probe"));
        probes.setRemoveOnCancelPolicy(true);
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(named("supervisor-housekeeping"));
        this.events = new AsyncLineWriter(dir.file(ControlDirectory.EVENTS), 10_000, "supervisor-events");
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

    private void begin() throws IOException {
        dir.touchHeartbeat();
        if (options.resumeFrom().isEmpty()) {
            // state.json exists from the start: a --status right after the first event finds a supervisor, not nothing
            writeState();
        }
        for (int i = 0; i < SPAWN_THREADS; i++) {
            Thread t = named("supervisor-spawn").newThread(this::spawnLoop);
            spawners.add(t);
            t.start();
        }
        if (options.resumeFrom().isPresent()) {
            SupervisorState previous = options.resumeFrom().get();
            // one /proc pass finds every live process of every service, whatever run wrote or did not write state
            Map<Long, String> holders = ProcessTree.cookieHolders(c -> c.startsWith(options.supervisorId() + "."));
            onScheduler(() -> resume(previous, holders));
        } else {
            onScheduler(this::startAll);
        }
        housekeeping.scheduleWithFixedDelay(guard(this::housekeep), STATE_WRITE_PERIOD.toMillis(),
                STATE_WRITE_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
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
        List<ServiceStatus> list = new ArrayList<>();
        for (String name : spec.services().stream().map(ServiceSpec::name).toList()) {
            ServiceStatus st = published.get(name);
            if (st != null) {
                list.add(st);
            }
        }
        return new SupervisorState(options.supervisorId(), phase, ProcessHandle.current().pid(), startedAt,
                Instant.now(), list, events.dropped(), List.copyOf(problems));
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
        events.flush(Duration.ofSeconds(5));
    }

    /** Leaves every service running and ends this supervisor's threads (for a handover to a resumed supervisor). */
    public void abandon() {
        closing = true;
        stopRequested.set(true);
        writeState();
        events.close();
        shutdownThreads();
    }

    // ---- starting --------------------------------------------------------------------------------------------------

    private void startAll() {
        event(null, SupervisorEvent.Type.SUPERVISOR_STARTED, null, null, null,
                "pid " + ProcessHandle.current().pid() + ", " + services.size() + " services");
        for (Svc s : services.values()) {
            publish(s);
        }
        for (Svc s : services.values()) {
            considerStart(s);
        }
    }

    /** Spawns {@code s} if it has not run yet and its dependencies are satisfied, fails it if one failed. */
    private void considerStart(Svc s) {
        if (s.state != ServiceState.WAITING || closing) {
            return;
        }
        for (String dep : s.spec.dependsOn()) {
            Svc d = services.get(dep);
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

    /** Puts {@code s} in the spawn queue unless it is already there. Scheduler thread. */
    private void requestSpawn(Svc s) {
        if (closing || s.stopping) {
            return;
        }
        s.run++;
        s.cookie = options.supervisorId() + "." + s.spec.name() + "." + s.run;
        s.state = ServiceState.STARTING;
        s.pid = Optional.empty();
        s.startTicks = Optional.empty();
        s.handle = null;
        s.child = null;
        s.startedAt = Optional.empty();
        s.readyAt = Optional.empty();
        publish(s);
        if (!s.queued.compareAndSet(false, true)) {
            problem(s.spec.name() + ": spawn requested while one is queued; ignored");
            return;
        }
        if (!spawnQueue.offer(new SpawnRequest(s, s.run, s.cookie))) {
            // cannot happen: the queue holds one entry per service at most
            s.queued.set(false);
            throw new IllegalStateException("spawn queue full with " + spawnQueue.size() + " entries");
        }
    }

    private void spawnLoop() {
        while (!closing) {
            SpawnRequest req;
            try {
                req = spawnQueue.take();
            } catch (InterruptedException e) {
                return;
            }
            req.svc.queued.set(false);
            if (closing || req.svc.stopping) {
                continue;
            }
            try {
                spawn(req.svc, req);
            } catch (RuntimeException e) {
                onScheduler(() -> spawnFailed(req.svc, req.run, e.toString()));
            }
        }
    }

    /** An entry of the spawn queue: the service and the run number and cookie the scheduler gave the new run. */
    private record SpawnRequest(Svc svc, int run, String cookie) {
    }

    private void spawn(Svc s, SpawnRequest req) {
        ServiceSpec sp = s.spec;
        Optional<String> missing = missingProgram(sp);
        if (missing.isPresent()) {
            onScheduler(() -> spawnFailed(s, req.run, missing.get()));
            return;
        }
        Path exitFile = dir.exitFile(sp.name(), req.run);
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", WRAPPER, "selftest-wrapper", exitFile.toString()));
        argv.addAll(sp.command());
        LaunchSpec.Builder b = LaunchSpec.argv(argv)
                .env(sp.env())
                .env("SELFTEST_SERVICE", sp.name())
                .env("SELFTEST_RUN", Integer.toString(req.run))
                .env("SELFTEST_CONTROL_DIR", dir.path().toString())
                .cookie(req.cookie)
                .output(new LaunchSpec.Output.ToFile(dir.logFile(sp.name()), true));
        sp.workingDir().ifPresent(w -> b.workingDir(Path.of(w)));
        long logOffset = size(dir.logFile(sp.name()));
        LaunchedProcess p;
        try {
            p = ProcessLauncher.start(b.build());
        } catch (IOException e) {
            onScheduler(() -> spawnFailed(s, req.run, e.getMessage()));
            return;
        }
        Instant at = Instant.now();
        Optional<Long> ticks = ProcessTree.startTicks(p.pid());
        onScheduler(() -> spawned(s, req.run, p, ticks, at, logOffset));
        p.onExit().whenComplete((proc, err) -> onScheduler(() -> exited(s, req.run, proc.exitValue(), "process")));
    }

    private void spawned(Svc s, int run, LaunchedProcess p, Optional<Long> ticks, Instant at, long logOffset) {
        if (run != s.run) {
            return;
        }
        s.handle = p.process().toHandle();
        s.child = p.process();
        s.pid = Optional.of(p.pid());
        s.startTicks = ticks;
        s.startedAt = Optional.of(at);
        s.logOffsetAtStart = logOffset;
        if (s.stopping || closing) {
            return; // stop() collects it
        }
        event(s, SupervisorEvent.Type.SPAWNED, p.pid(), null, null, "pid " + p.pid());
        if (s.spec.startSeconds().isZero()) {
            started(s, run);
        } else {
            s.state = ServiceState.STARTING;
            publish(s);
            s.startTimer = scheduler.schedule(guard(() -> started(s, run)), s.spec.startSeconds().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void started(Svc s, int run) {
        if (run != s.run || s.state != ServiceState.STARTING || s.stopping) {
            return;
        }
        s.state = ServiceState.RUNNING;
        event(s, SupervisorEvent.Type.STARTED, s.pid.orElse(null), null, null, "");
        if (s.spec.ready().isEmpty()) {
            ready(s, run, "");
        } else {
            Readiness r = s.spec.ready().get();
            ReadinessCheck check = new ReadinessCheck(r, s.spec, dir.logFile(s.spec.name()), s.logOffsetAtStart,
                    dir.path(), s.startedAt.orElse(Instant.now()));
            scheduleProbe(s, run, check, Duration.ZERO);
        }
    }

    private void scheduleProbe(Svc s, int run, ReadinessCheck check, Duration delay) {
        s.probe = probes.schedule(guard(() -> {
            if (closing) {
                return;
            }
            ReadinessCheck.Outcome outcome = check.attempt();
            switch (outcome.result()) {
                case PASSED -> onScheduler(() -> ready(s, run, outcome.detail()));
                case TIMED_OUT -> onScheduler(() -> notReady(s, run, outcome.detail()));
                case PENDING -> onScheduler(() -> {
                    if (run == s.run && s.state == ServiceState.RUNNING && !s.stopping) {
                        scheduleProbe(s, run, check, check.interval());
                    }
                });
            }
        }), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void ready(Svc s, int run, String detail) {
        if (run != s.run || s.state != ServiceState.RUNNING || s.stopping) {
            return;
        }
        s.state = ServiceState.READY;
        s.readyAt = Optional.of(Instant.now());
        s.everReady = true;
        event(s, SupervisorEvent.Type.READY, s.pid.orElse(null), null, null, detail);
        releaseDependents();
    }

    private void releaseDependents() {
        for (Svc other : services.values()) {
            if (other.state == ServiceState.WAITING) {
                considerStart(other);
            }
        }
    }

    private void notReady(Svc s, int run, String why) {
        if (run != s.run || s.state != ServiceState.RUNNING || s.stopping) {
            return;
        }
        event(s, SupervisorEvent.Type.NOT_READY, s.pid.orElse(null), null, null, why);
        fail(s, "not ready: " + why);
        stopTreeAsync(s);
    }

    private void spawnFailed(Svc s, int run, String why) {
        if (run != s.run || s.stopping) {
            return;
        }
        fail(s, "cannot start: " + why);
    }

    private void fail(Svc s, String why) {
        s.state = ServiceState.FAILED;
        s.message = Optional.of(why);
        cancelTimers(s);
        event(s, SupervisorEvent.Type.GAVE_UP, s.pid.orElse(null), null, null, why);
        // dependents that wait for it cannot start any more
        for (Svc other : services.values()) {
            if (other.state == ServiceState.WAITING && other.spec.dependsOn().contains(s.spec.name())) {
                considerStart(other);
            }
        }
    }

    // ---- exits and restarts ------------------------------------------------------------------------------------------

    /** A run ended (seen by the JVM, or learned from the exit file). Scheduler thread. */
    private void exited(Svc s, int run, int code, String recorded) {
        if (run != s.run || s.pid.isEmpty() && s.handle == null && !"exit-file".equals(recorded)
                && !"unknown".equals(recorded)) {
            return;
        }
        Instant now = Instant.now();
        ExitInfo exit = ExitInfo.of(run, code, now, recorded);
        ServiceState before = s.state;
        Duration uptime = s.startedAt.map(t -> Duration.between(t, now)).orElse(Duration.ZERO);
        s.lastExit = Optional.of(exit);
        s.pid = Optional.empty();
        s.handle = null;
        s.child = null;
        cancelTimers(s);
        if (s.cookie != null) {
            endedCookies.add(s.cookie);
        }
        recordedExitFiles.add(dir.exitFile(s.spec.name(), run));
        event(s, SupervisorEvent.Type.EXITED, null, code, null, exit.describe()
                + ("exit-file".equals(recorded) ? " (while no supervisor watched)" : "")
                + ("unknown".equals(recorded) ? " (no exit recorded: the run vanished)" : ""));
        if (s.stopping || closing || before == ServiceState.FAILED) {
            return; // stopped on purpose, or the end of a run that was failed (readiness) and is being stopped
        }
        if (code == 126 || code == 127) {
            fail(s, exit.describe() + ": the command was not found or is not executable (see logs/"
                    + s.spec.name() + ".log): fix the command or its PATH");
            return;
        }
        boolean failedStart = before == ServiceState.STARTING;
        boolean restart = s.spec.restart() != RestartPolicy.NEVER
                && (failedStart || s.spec.restart().restartsAfter(code, s.spec.successExitCodes()));
        if (!restart) {
            boolean success = s.spec.successExitCodes().contains(code) && !failedStart;
            s.state = success ? ServiceState.EXITED : ServiceState.FAILED;
            s.message = Optional.of(exit.describe() + (success ? "" : ", restart policy " + s.spec.restart().label()));
            publish(s);
            if (!success) {
                event(s, SupervisorEvent.Type.GAVE_UP, null, code, null, "restart policy " + s.spec.restart().label());
            }
            releaseDependents();
            return;
        }
        if (uptime.compareTo(s.spec.backoff().resetAfter()) >= 0) {
            s.consecutiveFailures = 0;
        }
        if (s.spec.maxRestarts() >= 0) {
            Duration window = s.spec.restartWindow();
            if (!window.isZero()) {
                Instant from = now.minus(window);
                while (!s.recentRestarts.isEmpty() && s.recentRestarts.peekFirst().isBefore(from)) {
                    s.recentRestarts.pollFirst();
                }
            }
            if (s.recentRestarts.size() >= s.spec.maxRestarts()) {
                fail(s, "gave up after " + s.recentRestarts.size() + " restarts"
                        + (window.isZero() ? "" : " within " + Durations.format(window)) + ", last " + exit.describe());
                return;
            }
            s.recentRestarts.addLast(now);
        }
        s.consecutiveFailures++;
        s.restarts++;
        Duration delay = s.spec.backoff().delay(s.consecutiveFailures);
        s.state = ServiceState.BACKOFF;
        event(s, SupervisorEvent.Type.RESTARTING, null, null, delay.toMillis(),
                "in " + delay.toMillis() + " ms (restart " + s.restarts + ")");
        if (delay.isZero()) {
            requestSpawn(s);
        } else {
            s.backoffTimer = scheduler.schedule(guard(() -> {
                if (s.state == ServiceState.BACKOFF) {
                    requestSpawn(s);
                }
            }), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void cancelTimers(Svc s) {
        for (ScheduledFuture<?> f : new ScheduledFuture<?>[] {s.startTimer, s.backoffTimer, s.probe}) {
            if (f != null) {
                f.cancel(false);
            }
        }
        s.startTimer = null;
        s.backoffTimer = null;
        s.probe = null;
    }

    // ---- resume ------------------------------------------------------------------------------------------------------

    private void resume(SupervisorState previous, Map<Long, String> holders) {
        event(null, SupervisorEvent.Type.SUPERVISOR_RESUMED, null, null, null,
                "pid " + ProcessHandle.current().pid() + " takes over from pid " + previous.pid());
        List<Runnable> after = new ArrayList<>();
        for (Svc s : services.values()) {
            Optional<ServiceStatus> old = previous.service(s.spec.name());
            if (old.isEmpty()) {
                publish(s);
                after.add(() -> considerStart(s));
                continue;
            }
            ServiceStatus o = old.get();
            s.run = o.run();
            s.restarts = o.restarts();
            s.recentRestarts.addAll(o.recentRestarts());
            s.consecutiveFailures = o.consecutiveFailures();
            s.lastExit = o.lastExit();
            s.message = o.message();
            s.startedAt = o.startedAt();
            s.readyAt = o.readyAt();
            s.everReady = o.readyAt().isPresent() || o.state() == ServiceState.READY;
            s.cookie = o.cookie().orElse(null);
            s.logDropped = o.logBytesDropped();
            s.logOffsetAtStart = 0;
            // the live leader of this service with the highest run: the one to adopt; everything else is a stray
            String prefix = options.supervisorId() + "." + s.spec.name() + ".";
            long adoptPid = -1;
            int adoptRun = -1;
            for (Map.Entry<Long, String> h : holders.entrySet()) {
                String c = h.getValue();
                if (!c.startsWith(prefix) || !isNumber(c.substring(prefix.length()))) {
                    continue;
                }
                int run = Integer.parseInt(c.substring(prefix.length()));
                boolean leader = ProcessTree.processGroup(h.getKey()).map(g -> g.equals(h.getKey())).orElse(false);
                if (leader && run >= o.run() && run > adoptRun) {
                    adoptPid = h.getKey();
                    adoptRun = run;
                }
            }
            if (o.state().terminal()) {
                s.state = o.state();
                publish(s);
                continue;
            }
            if (adoptPid > 0) {
                adopt(s, adoptPid, adoptRun, o);
            } else if (o.pid().isPresent() || o.state() == ServiceState.STARTING) {
                // its last run ended while no supervisor watched: the wrapper wrote how
                int run = o.run();
                s.state = o.state() == ServiceState.STARTING ? ServiceState.RUNNING : o.state();
                s.pid = o.pid();
                s.handle = null;
                Optional<Integer> code = dir.readExitCode(s.spec.name(), run);
                publish(s);
                after.add(() -> exited(s, run, code.orElse(128 + Signal.KILL.number()),
                        code.isPresent() ? "exit-file" : "unknown"));
            } else if (o.state() == ServiceState.BACKOFF) {
                s.state = ServiceState.BACKOFF;
                publish(s);
                after.add(() -> requestSpawn(s));
            } else {
                s.state = ServiceState.WAITING;
                publish(s);
                after.add(() -> considerStart(s));
            }
        }
        // strays: processes of older runs (or of runs that never reached state.json) that are not adopted
        for (Map.Entry<Long, String> h : holders.entrySet()) {
            boolean current = services.values().stream().anyMatch(s -> h.getValue().equals(s.cookie) && s.handle != null);
            if (!current) {
                endedCookies.add(h.getValue());
            }
        }
        after.forEach(Runnable::run);
    }

    private void adopt(Svc s, long pid, int run, ServiceStatus old) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty()) {
            return;
        }
        s.run = run;
        s.cookie = options.supervisorId() + "." + s.spec.name() + "." + run;
        s.handle = h.get();
        s.child = null;
        s.pid = Optional.of(pid);
        s.startTicks = ProcessTree.startTicks(pid);
        if (run != old.run()) {
            // spawned by the previous supervisor after its last state write
            s.startedAt = h.get().info().startInstant();
            s.readyAt = Optional.empty();
        }
        s.state = old.state() == ServiceState.READY && run == old.run() ? ServiceState.READY : ServiceState.RUNNING;
        event(s, SupervisorEvent.Type.ADOPTED, pid, null, null, "pid " + pid + " run " + run);
        if (s.state == ServiceState.RUNNING) {
            if (s.spec.ready().isPresent()) {
                ReadinessCheck check = new ReadinessCheck(s.spec.ready().get(), s.spec, dir.logFile(s.spec.name()),
                        0, dir.path(), Instant.now());
                scheduleProbe(s, run, check, Duration.ZERO);
            } else {
                ready(s, run, "");
            }
        }
        // not our child: the JDK watches it by polling; the wrapper's exit file gives the code
        h.get().onExit().whenComplete((p, e) -> onScheduler(() -> {
            Optional<Integer> code = awaitExitFile(s.spec.name(), run);
            exited(s, run, code.orElse(128 + Signal.KILL.number()), code.isPresent() ? "exit-file" : "unknown");
        }));
    }

    private Optional<Integer> awaitExitFile(String name, int run) {
        // the wrapper writes the file just before it exits; allow a moment for a slow disk
        for (int i = 0; i < 20; i++) {
            Optional<Integer> code = dir.readExitCode(name, run);
            if (code.isPresent()) {
                return code;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Optional.empty();
    }

    // ---- stopping ----------------------------------------------------------------------------------------------------

    private SupervisorState doStop(String reason) {
        phase = SupervisorState.Phase.STOPPING;
        dirty.set(true);
        closing = true;
        event(null, SupervisorEvent.Type.SUPERVISOR_STOPPING, null, null, null, reason);
        // no new spawns: wait for a spawn in progress, whose result is then queued on the scheduler before us
        spawners.forEach(Thread::interrupt);
        for (Thread t : spawners) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        probes.shutdownNow();
        // collect, by dependency level, the live trees to stop
        List<List<StopTarget>> levels = onSchedulerAndWait(this::collectStopTargets);
        for (List<StopTarget> level : levels) {
            // one level at a time (dependents before their dependencies), all trees of a level together
            List<ProcessTree.StopResult> results = ProcessTree.stopAll(level.stream()
                    .map(t -> new ProcessTree.Tree(t.pid, t.cookie, t.svc.spec.stopSignal(), t.svc.spec.stopTimeout())).toList());
            for (int i = 0; i < level.size(); i++) {
                stopped(level.get(i), results.get(i));
            }
        }
        // anything that still carries one of our cookies (double-forked leftovers of earlier runs) dies now
        sweep(c -> true);
        onSchedulerAndWait(() -> {
            for (Svc s : services.values()) {
                if (!s.state.terminal() || s.state == ServiceState.EXITED && s.pid.isPresent()) {
                    s.state = ServiceState.STOPPED;
                    publish(s);
                }
            }
            return null;
        });
        phase = SupervisorState.Phase.STOPPED;
        event(null, SupervisorEvent.Type.SUPERVISOR_STOPPED, null, null, null, reason);
        shutdownThreads();
        events.flush(Duration.ofSeconds(5));
        events.close();
        writeState();
        return state();
    }

    private record StopTarget(Svc svc, long pid, String cookie, Process process) {
    }

    private List<List<StopTarget>> collectStopTargets() {
        // reverse topological order, grouped in levels: a service is stopped after all its dependents
        Map<String, Integer> depth = new HashMap<>();
        for (Svc s : services.values()) {
            int d = 0;
            for (String dep : s.spec.dependsOn()) {
                d = Math.max(d, depth.getOrDefault(dep, 0) + 1);
            }
            depth.put(s.spec.name(), d);
        }
        int max = depth.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        List<List<StopTarget>> levels = new ArrayList<>();
        for (int i = 0; i <= max; i++) {
            levels.add(new ArrayList<>());
        }
        for (Svc s : services.values()) {
            s.stopping = true;
            cancelTimers(s);
            if (s.pid.isPresent() && s.handle != null) {
                s.state = ServiceState.STOPPING;
                event(s, SupervisorEvent.Type.STOPPING, s.pid.get(), null, null,
                        s.spec.stopSignal() + ", KILL after " + Durations.format(s.spec.stopTimeout()));
                levels.get(max - depth.get(s.spec.name())).add(new StopTarget(s, s.pid.get(), s.cookie, s.child));
            } else if (!s.state.terminal()) {
                s.state = ServiceState.STOPPED;
                publish(s);
            }
        }
        return levels;
    }

    private void stopped(StopTarget t, ProcessTree.StopResult r) {
        if (t.process != null) {
            t.process.onExit().join(); // reap our child
        }
        onScheduler(() -> {
            t.svc.state = ServiceState.STOPPED;
            t.svc.pid = Optional.empty();
            t.svc.handle = null;
            t.svc.child = null;
            event(t.svc, SupervisorEvent.Type.STOPPED, t.pid, null, null,
                    r.graceful() ? "stopped by " + t.svc.spec.stopSignal() : r.killed() + " process(es) needed KILL");
        });
    }

    private void stopTreeAsync(Svc s) {
        if (s.pid.isEmpty()) {
            return;
        }
        long pid = s.pid.get();
        String cookie = s.cookie;
        Process child = s.child;
        CompletableFuture.runAsync(() -> {
            ProcessTree.stop(pid, cookie, s.spec.stopSignal(), s.spec.stopTimeout());
            if (child != null) {
                child.onExit().join();
            }
        });
    }

    /** Kills every process carrying a cookie of this supervisor that {@code which} accepts. */
    private int sweep(java.util.function.Predicate<String> which) {
        String prefix = options.supervisorId() + ".";
        Map<Long, String> holders = ProcessTree.cookieHolders(c -> c.startsWith(prefix) && which.test(c));
        holders.forEach((pid, cookie) -> ProcessTree.stop(pid, cookie, Signal.KILL, Duration.ZERO));
        return holders.size();
    }

    private void shutdownThreads() {
        closing = true;
        spawners.forEach(Thread::interrupt);
        probes.shutdownNow();
        housekeeping.shutdownNow();
        scheduler.shutdown();
        if (ownThreads.contains(Thread.currentThread())) {
            return; // called from one of our pool threads (a fatal error in a task): it cannot wait for itself
        }
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- housekeeping ------------------------------------------------------------------------------------------------

    private long lastSweep;
    private long lastStopPoll;

    private void housekeep() {
        long now = System.nanoTime();
        // exit files are needed only until state.json holds the exit: delete them after the next write
        List<Path> recorded = new ArrayList<>();
        for (Path p = recordedExitFiles.poll(); p != null && recorded.size() < 10_000; p = recordedExitFiles.poll()) {
            recorded.add(p);
        }
        if (dirty.getAndSet(false) || !recorded.isEmpty()) {
            writeState();
        }
        for (Path p : recorded) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                problem("cannot delete " + p + ": " + e.getMessage());
            }
        }
        if (closing) {
            return;
        }
        if (now - lastHeartbeat >= spec.heartbeatInterval().toNanos()) {
            lastHeartbeat = now;
            if (!dir.exists()) {
                requestStopOnce("control directory " + dir + " was deleted");
                return;
            }
            try {
                dir.touchHeartbeat();
            } catch (IOException e) {
                problem("cannot touch heartbeat in " + dir + ": " + e.getMessage());
            }
        }
        if (now - lastStopPoll >= STOP_POLL.toNanos()) {
            lastStopPoll = now;
            if (dir.stopRequested()) {
                requestStopOnce("stop requested through " + dir.file(ControlDirectory.STOP_REQUEST));
            }
            rotateLogs();
        }
        if (now - lastSweep >= SWEEP_PERIOD.toNanos() && !endedCookies.isEmpty()) {
            lastSweep = now;
            Set<String> ended = Set.copyOf(endedCookies);
            endedCookies.removeAll(ended);
            // kill leftovers (e.g. double-forked daemons) of runs that have ended; the current run is never touched
            sweep(ended::contains);
        }
    }

    private final AtomicBoolean stopOnce = new AtomicBoolean();

    private void requestStopOnce(String reason) {
        if (stopOnce.compareAndSet(false, true)) {
            if (options.onStopRequest().isPresent()) {
                options.onStopRequest().get().accept(reason);
            } else {
                stopAsync(reason);
            }
        }
    }

    private void rotateLogs() {
        for (Svc s : services.values()) {
            Path log = dir.logFile(s.spec.name());
            long size = size(log);
            if (size <= s.spec.logMaxBytes()) {
                continue;
            }
            try {
                long dropped = LogRotation.rotate(log, s.spec.logMaxBytes(), s.spec.logKeep());
                onScheduler(() -> {
                    s.logDropped += dropped;
                    s.logOffsetAtStart = 0;
                    publish(s);
                });
            } catch (IOException e) {
                problem("cannot rotate " + log + ": " + e.getMessage());
            }
        }
    }

    private void writeState() {
        try {
            dir.writeJson(ControlDirectory.STATE, state());
        } catch (IOException e) {
            // the next write may succeed (disk full is often temporary); readers keep the last complete state
            if (problems.size() < 100) {
                problems.add("cannot write state.json: " + e.getMessage());
            }
        }
    }

    private void problem(String text) {
        if (problems.size() < 100) {
            problems.add(text);
        }
        dirty.set(true);
    }

    // ---- plumbing ----------------------------------------------------------------------------------------------------

    private void event(Svc s, SupervisorEvent.Type type, Long pid, Integer code, Long delayMs, String message) {
        SupervisorEvent e = new SupervisorEvent(seq.incrementAndGet(), Instant.now(), type,
                Optional.ofNullable(s).map(x -> x.spec.name()), s == null ? 0 : s.run, Optional.ofNullable(pid),
                Optional.ofNullable(code), Optional.ofNullable(delayMs), message);
        events.offer(Json.write(e).replace('\n', ' '));
        if (s != null) {
            publish(s);
        }
        options.listener().ifPresent(l -> {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                problem("event listener failed: " + ex);
            }
        });
    }

    private void publish(Svc s) {
        published.put(s.spec.name(), s.status());
        dirty.set(true);
    }

    private void onScheduler(Runnable r) {
        try {
            scheduler.execute(guard(r));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shut down: nothing is supervised any more
        }
    }

    private <T> T onSchedulerAndWait(java.util.concurrent.Callable<T> c) {
        try {
            return scheduler.submit(c).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the supervisor thread", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("supervisor thread failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IllegalStateException("supervisor is shut down", e);
        }
    }

    private Runnable guard(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (Throwable t) {
                fatal(t);
            }
        };
    }

    private void fatal(Throwable t) {
        problem("internal error: " + t);
        if (options.onFatal().isPresent()) {
            options.onFatal().get().accept(t);
        } else {
            phase = SupervisorState.Phase.FAILED;
            event(null, SupervisorEvent.Type.SUPERVISOR_FAILED, null, null, null, String.valueOf(t));
        }
    }

    private ThreadFactory named(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(null, r, name + "-" + n.incrementAndGet(), 256 * 1024);
            t.setDaemon(true);
            ownThreads.add(t);
            return t;
        };
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    /** For an argv command whose program is not a path: empty when found on PATH, else why not. */
    static Optional<String> missingProgram(ServiceSpec spec) {
        String program = spec.command().get(0);
        if (program.contains("/")) {
            Path p = spec.workingDir().map(Path::of).orElse(Path.of("")).resolve(program);
            if (!Files.isRegularFile(p)) {
                return Optional.of("command '" + program + "' does not exist: fix the path or install it");
            }
            if (!Files.isExecutable(p)) {
                return Optional.of("command '" + program + "' is not executable: chmod +x it or run it through sh");
            }
            return Optional.empty();
        }
        String path = spec.env().getOrDefault("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return Optional.empty();
            }
        }
        return Optional.of("command '" + program + "' not found on PATH " + path + ": install it or give its full path");
    }

    /** One service's mutable runtime state; touched only on the scheduler thread (except {@link #queued}). */
    private static final class Svc {
        final ServiceSpec spec;
        final AtomicBoolean queued = new AtomicBoolean();
        ServiceState state = ServiceState.WAITING;
        int run;
        String cookie;
        Optional<Long> pid = Optional.empty();
        Optional<Long> startTicks = Optional.empty();
        ProcessHandle handle;
        Process child;
        int restarts;
        final Deque<Instant> recentRestarts = new ArrayDeque<>();
        int consecutiveFailures;
        Optional<Instant> startedAt = Optional.empty();
        Optional<Instant> readyAt = Optional.empty();
        Optional<ExitInfo> lastExit = Optional.empty();
        Optional<String> message = Optional.empty();
        boolean everReady;
        volatile boolean stopping;
        boolean announcedWaiting;
        long logOffsetAtStart;
        long logDropped;
        ScheduledFuture<?> startTimer;
        ScheduledFuture<?> backoffTimer;
        ScheduledFuture<?> probe;

        Svc(ServiceSpec spec) {
            this.spec = spec;
        }

        boolean satisfiesDependents() {
            return everReady || state == ServiceState.EXITED;
        }

        boolean failedForDependents() {
            return !everReady && (state == ServiceState.FAILED || state == ServiceState.STOPPED);
        }

        ServiceStatus status() {
            return new ServiceStatus(spec.name(), state, run, pid, startTicks, Optional.ofNullable(cookie), restarts,
                    List.copyOf(recentRestarts), consecutiveFailures, startedAt, readyAt, lastExit, message, logDropped);
        }
    }
}
