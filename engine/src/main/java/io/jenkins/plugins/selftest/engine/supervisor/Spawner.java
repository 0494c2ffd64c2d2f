package io.jenkins.plugins.selftest.engine.supervisor;

import io.jenkins.plugins.selftest.engine.control.ControlDirectory;
import io.jenkins.plugins.selftest.engine.process.Keeper;
import io.jenkins.plugins.selftest.engine.process.LaunchSpec;
import io.jenkins.plugins.selftest.engine.process.LaunchedProcess;
import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts the runs of services: a bounded FIFO queue with at most one entry per service, so that a burst of crashes
 * is restarted in order and without a thread per restart, served by {@value #THREADS} spawner threads. Each run's
 * launch asks for an {@linkplain LaunchSpec.ExitRecord exit record}: its pid goes into its spawn record
 * ({@code runs/NAME.N.spawn}, written before the run starts) and its exit code into {@code runs/NAME.N.exit}, so that
 * an exit is known even when no supervisor is alive to see it. The {@link Launcher} keeps that record: the
 * supervisor's {@link io.jenkins.plugins.selftest.engine.process.Keeper} (the process that is every run's parent),
 * or, where there is none, {@link io.jenkins.plugins.selftest.engine.process.ProcessLauncher}'s wrapper shell. Its
 * output goes straight to {@code logs/NAME.log}.
 *
 * <p>Threading: {@link #submit} from any thread; the {@link Listener} is called on the spawner threads, on the
 * keeper's reader thread (its answers) and on the thread that reports the run's exit (the keeper's reader, or the
 * JVM's process-exit threads).
 */
final class Spawner {

    /**
     * Spawner threads. Without a keeper a spawn is mostly kernel work, and with vfork the calling thread waits until
     * the child has exec'd; four threads overlap those waits (measured: 100 services started in 0.9 s instead of 1.2 s
     * with two, on 2 loaded cores). With the keeper a start is a pipe write, but the threads that prepare it share
     * the cores fairly with the services already starting: one thread took 10-15 % longer to start 100 of them
     * than four (docs/performance.md).
     */
    static final int THREADS = 4;

    /** The variable that names the control directory in a run's environment (how a lost state finds its runs). */
    static final String CONTROL_DIR_VARIABLE = "SELFTEST_CONTROL_DIR";

    /**
     * Starts a process and keeps its exit record: the supervisor's keeper, which answers asynchronously (so that a
     * burst of spawns is not a round trip each), or {@link io.jenkins.plugins.selftest.engine.process.ProcessLauncher#start}
     * where there is none.
     */
    @FunctionalInterface
    interface Launcher {
        /** Completes with the process, or fails with an {@link IOException} saying why it could not start. */
        CompletableFuture<LaunchedProcess> start(LaunchSpec spec);

        /** A launcher that starts the process before it returns. */
        static Launcher blocking(Blocking launcher) {
            return spec -> {
                try {
                    return CompletableFuture.completedFuture(launcher.start(spec));
                } catch (IOException e) {
                    return CompletableFuture.failedFuture(e);
                }
            };
        }

        /** Starts a process before it returns. */
        @FunctionalInterface
        interface Blocking {
            LaunchedProcess start(LaunchSpec spec) throws IOException;
        }
    }

    /**
     * Arms the start of a run in advance in the parent of the run before it, which starts it the moment that run ends
     * ({@link Keeper#arm}); only a keeper can.
     */
    @FunctionalInterface
    interface Armer {
        Keeper.Armed arm(long afterPid, Set<Integer> skip, LaunchSpec spec);
    }

    /** A run armed to start when the one before it ends: the request, the keeper's handle, what it started. */
    private record ArmedRun(Request request, Keeper.Armed handle, CompletableFuture<Started> started) {
    }

    /** A process the keeper started for an armed run, when, and the size its log had then. */
    private record Started(LaunchedProcess process, Instant at, long logOffset) {
    }

    /** A restart to arm once no start is queued or under way: what {@link #arm} was given. */
    private record PendingArm(Request next, long afterPid, Set<Integer> skip) {
    }

    /** A run to start: its service, its number and its cookie. */
    record Request(ServiceSpec spec, int run, String cookie) {
    }

    /** Where the outcome of each request goes. */
    interface Listener {
        /** Whether the request still stands when its turn comes (not when its service is being stopped). */
        boolean wanted(Request request);

        /** The run started at {@code at}; its log had {@code logOffset} bytes before. */
        void spawned(Request request, LaunchedProcess process, Optional<Long> startTicks, Instant at, long logOffset);

        /** The run could not start, because of {@code why}. */
        void failed(Request request, String why);

        /** The run, which {@link #spawned}, ended with {@code code}. */
        void exited(Request request, int code);
    }

    private final ControlDirectory dir;
    private final Launcher launcher;
    private final Optional<Armer> armer;
    private final Map<String, ArmedRun> armed = new ConcurrentHashMap<>();
    private final Map<String, PendingArm> pendingArms = new ConcurrentHashMap<>();
    private final AtomicBoolean armingQueued = new AtomicBoolean();
    private final AtomicInteger preparing = new AtomicInteger();
    private final Executor owner;
    private final Listener listener;
    private final BlockingQueue<Request> queue;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** @param services how many services there are: the queue's capacity */
    Spawner(ControlDirectory dir, int services, Launcher launcher, Listener listener) {
        this(dir, services, launcher, Optional.empty(), Runnable::run, listener);
    }

    /**
     * @param armer arms restarts in advance ({@link #arm}); empty: every run is spawned when it is submitted
     * @param owner runs a task on the thread that calls {@link #submit}, {@link #arm} and {@link #disarm} (the
     *              supervisor's scheduler): arms put off while starts were under way are made there
     */
    Spawner(ControlDirectory dir, int services, Launcher launcher, Optional<Armer> armer, Executor owner, Listener listener) {
        this.dir = dir;
        this.launcher = launcher;
        this.armer = armer;
        this.owner = owner;
        this.listener = listener;
        this.queue = new ArrayBlockingQueue<>(Math.max(1, services));
    }

    /** Starts the spawner threads. */
    void start(ThreadFactory factory) {
        for (int i = 0; i < THREADS; i++) {
            Thread t = factory.newThread(this::serve);
            threads.add(t);
            t.start();
        }
    }

    /**
     * Queues {@code request}.
     *
     * @return false when a request of the same service is queued already (this one is ignored)
     * @throws IllegalStateException when the queue is full, which means a service has two entries: a bug
     */
    boolean submit(Request request) {
        ArmedRun a = armed.get(request.spec().name());
        if (a != null && a.request().equals(request) && armed.remove(request.spec().name(), a)) {
            adopt(a);
            return true;
        }
        disarm(request.spec().name());
        return enqueue(request);
    }

    private boolean enqueue(Request request) {
        if (!queued.add(request.spec().name())) {
            return false;
        }
        if (!queue.offer(request)) {
            queued.remove(request.spec().name());
            throw new IllegalStateException("spawn queue full with " + queue.size() + " entries");
        }
        return true;
    }

    /**
     * Ends the spawner threads and waits up to {@code wait} for each and for the spawns still being started (whose
     * outcome reaches the listener before this returns); {@link Duration#ZERO} does not wait.
     */
    void close(Duration wait) {
        closed = true;
        pendingArms.clear();
        armed.keySet().forEach(this::disarm);
        threads.forEach(Thread::interrupt);
        if (wait.isZero() || threads.contains(Thread.currentThread())) {
            return;
        }
        for (Thread t : threads) {
            try {
                t.join(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the outcomes went to the listener; a start that hangs is the launcher's to time out
        }
    }

    private void serve() {
        while (!closed) {
            Request request;
            try {
                request = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            preparing.incrementAndGet();
            try {
                queued.remove(request.spec().name());
                if (!closed && listener.wanted(request)) {
                    spawn(request);
                }
            } catch (RuntimeException e) {
                listener.failed(request, e.toString());
            } finally {
                preparing.decrementAndGet();
            }
            armPendingWhenIdle();
        }
    }

    private void spawn(Request request) {
        ServiceSpec spec = request.spec();
        Optional<String> missing = missingProgram(spec);
        if (missing.isPresent()) {
            listener.failed(request, missing.get());
            return;
        }
        long logOffset = dir.logSize(spec.name());
        try {
            // the run number is on disk before any process of the run exists: a successor never gives it out again
            dir.recordSpawn(spec.name(), request.run());
        } catch (IOException e) {
            listener.failed(request, "cannot write its spawn record: " + e.getMessage());
            return;
        }
        CompletableFuture<LaunchedProcess> start = launcher.start(launchSpec(dir, request));
        inFlight.add(start);
        start.whenComplete((p, err) -> {
            try {
                if (err != null) {
                    Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                    listener.failed(request, cause instanceof IOException ? cause.getMessage() : cause.toString());
                    return;
                }
                Instant at = Instant.now();
                listener.spawned(request, p, ProcessTree.startTicks(p.pid()), at, logOffset);
                p.onExit().whenComplete((proc, e) -> listener.exited(request, proc.exitValue()));
            } finally {
                inFlight.remove(start);
                armPendingWhenIdle();
            }
        });
    }

    /**
     * Arms {@code next} to start the moment the process {@code afterPid} (the run before it) ends with a code not in
     * {@code skip}: its restart, which the service's policy has decided already, then costs no more than the fork.
     * Its spawn record is written by the run's process itself, in the keeper's child before the exec: an armed run
     * that never starts (disarmed, or dropped by a keeper whose supervisor died) leaves no record that a resumed
     * supervisor would take for a run. It is {@linkplain #submit adopted} when the same request is submitted, and
     * {@linkplain #disarm disarmed} by any other request of the service, by {@link #disarm} and by {@link #close}.
     * Where nothing can arm (no keeper) it does nothing, and the restart is spawned when it is submitted. While a
     * start is queued or under way the arm is put off until none is, and then made on the owner's thread.
     */
    void arm(Request next, long afterPid, Set<Integer> skip) {
        disarm(next.spec().name());
        if (armer.isEmpty() || closed) {
            return;
        }
        if (busy()) {
            // a burst of starts (a supervisor's first): every start first, then the arms, so that their work does not
            // slow the starts; one that ends before it is armed is restarted as any other
            pendingArms.put(next.spec().name(), new PendingArm(next, afterPid, skip));
            armPendingWhenIdle();
            return;
        }
        armNow(next, afterPid, skip);
    }

    private void armNow(Request next, long afterPid, Set<Integer> skip) {
        String name = next.spec().name();
        Keeper.Armed handle = armer.get().arm(afterPid, skip, launchSpec(dir, next));
        CompletableFuture<Started> started = handle.started()
                .thenApply(p -> new Started(p, Instant.now(), dir.logSize(name)));
        armed.put(name, new ArmedRun(next, handle, started));
    }

    /** Whether a start is queued or under way. */
    private boolean busy() {
        return !queue.isEmpty() || preparing.get() > 0 || !inFlight.isEmpty();
    }

    /** Once no start is queued or under way, has the arms put off until then made on the owner's thread. */
    private void armPendingWhenIdle() {
        if (!pendingArms.isEmpty() && !busy() && armingQueued.compareAndSet(false, true)) {
            owner.execute(() -> {
                armingQueued.set(false);
                if (busy()) {
                    return; // the start under way calls again when it is done
                }
                for (String service : List.copyOf(pendingArms.keySet())) {
                    PendingArm p = pendingArms.remove(service);
                    if (p != null && !closed) {
                        armNow(p.next(), p.afterPid(), p.skip());
                    }
                }
            });
        }
    }

    /**
     * Withdraws what is armed for {@code service}; a process the keeper started for it before it heard of that is
     * stopped (nobody asked for it).
     */
    void disarm(String service) {
        pendingArms.remove(service);
        ArmedRun a = armed.remove(service);
        if (a == null) {
            return;
        }
        a.handle().disarm();
        a.started().thenAccept(st -> stopUnasked(a.request(), st.process()));
    }

    /** The armed run was asked for: its start, or when it did not start, a spawn as usual. */
    private void adopt(ArmedRun a) {
        Request request = a.request();
        CompletableFuture<Void> outcome = a.started().handle((st, err) -> {
            if (err != null) {
                // not started (the keeper was lost, it ended before the arming reached the keeper): spawn it now
                if (!closed) {
                    enqueue(request);
                }
            } else if (closed || !listener.wanted(request)) {
                stopUnasked(request, st.process());
            } else {
                listener.spawned(request, st.process(), ProcessTree.startTicks(st.process().pid()), st.at(), st.logOffset());
                st.process().process().onExit().whenComplete((proc, e) -> listener.exited(request, proc.exitValue()));
            }
            return null;
        });
        inFlight.add(outcome);
        outcome.whenComplete((v, e) -> {
            inFlight.remove(outcome);
            armPendingWhenIdle();
        });
    }

    /** Stops, in the background, a run that was started on its own but that nobody wants any more. */
    private static void stopUnasked(Request request, LaunchedProcess process) {
        CompletableFuture.runAsync(() -> ProcessTree.stop(process.pid(), process.cookie(), request.spec().stopSignal(),
                request.spec().stopTimeout()));
    }

    /**
     * How run {@code request.run()} is started: the command with the service's environment plus {@code
     * SELFTEST_SERVICE}, {@code SELFTEST_RUN}, {@code SELFTEST_CONTROL_DIR} and the cookie, its pid and exit code
     * recorded in the run's spawn record and exit file, output appended to its log.
     */
    static LaunchSpec launchSpec(ControlDirectory dir, Request request) {
        ServiceSpec spec = request.spec();
        LaunchSpec.Builder b = LaunchSpec.argv(spec.command())
                .exitRecord(dir.spawnFile(spec.name(), request.run()), dir.exitFile(spec.name(), request.run()))
                .env(spec.env())
                .env("SELFTEST_SERVICE", spec.name())
                .env("SELFTEST_RUN", Integer.toString(request.run()))
                .env(CONTROL_DIR_VARIABLE, dir.path().toString())
                .cookie(request.cookie())
                .ownCgroup(true)
                .output(new LaunchSpec.Output.ToFile(dir.logFile(spec.name()), true));
        spec.workingDir().ifPresent(w -> b.workingDir(Path.of(w)));
        return b.build();
    }

    /**
     * For an argv command (a shell string runs {@code /bin/sh}, which exists): empty when its program is there to
     * run, else why not and the fix. A program without a slash is looked up on the service's {@code PATH}.
     */
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

    /**
     * The exit code recorded for that run, waiting a moment for it: the wrapper shell writes the file just before it
     * exits, and the keeper just after it reaped the run, so a process seen to end may not have it on disk yet. Empty when there is none after about 100 ms.
     */
    static Optional<Integer> awaitExitCode(ControlDirectory dir, String service, int run) {
        for (int i = 0; i < 20; i++) {
            Optional<Integer> code = dir.readExitCode(service, run);
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
}
