package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.container.Reaper;
import io.jenkins.plugins.selftest.engine.container.RunOwner;
import io.jenkins.plugins.selftest.engine.process.LaunchedProcess;
import io.jenkins.plugins.selftest.engine.process.LiveProcesses;
import io.jenkins.plugins.selftest.engine.process.ProcessTree;
import io.jenkins.plugins.selftest.engine.process.Signal;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The stop machinery of one run (or one shard of a distributed run): every process it starts goes through here, so
 * that an {@link #abort()}, an interrupt of a waiting thread or a JVM shutdown can stop them all at once.
 *
 * <p>An abort stops local process trees (TERM, then KILL after 2 s) and removes the run's
 * containers (without the engine's stop timeout) concurrently, and waits until they are gone (at most 15 s). A run in
 * progress is found by its id from another call in the same JVM ({@link #abortRunning}), which is how the Jenkins
 * step's {@code stop()} reaches it on the agent; the last reports stay for a caller that comes after the run ended.
 *
 * <p>Thread-safe; {@link #abort()} is idempotent: a later call waits for the first and gets its report.
 */
final class RunControl {

    /** How long an aborted shard's processes get between TERM and KILL. */
    private static final Duration ABORT_GRACE = Duration.ofSeconds(2);
    /** How long an abort waits for the shards to be gone. */
    static final Duration ABORT_WAIT = Duration.ofSeconds(15);
    /** How long a stopped process gets between TERM and KILL at a timeout or a shutdown. */
    static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /** How long a shutdown waits for a process start in flight to register before stopping what is registered. */
    private static final Duration START_WAIT = Duration.ofSeconds(10);

    /** Runs and single shards going on in this JVM, by run id: what {@link #abortRunning} finds. */
    private static final Map<String, RunControl> RUNNING = new ConcurrentHashMap<>();
    /** The reports of the last aborts, for a caller that comes after the run ended (bounded). */
    private static final Map<String, AbortReport> ABORTED = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, AbortReport> eldest) {
                    return size() > 64;
                }
            });

    private final String runId;
    private final Supplier<Optional<ContainerRuntime>> runtime;
    /** Shard processes (local shells or container CLIs) still running. */
    private final LiveProcesses live;
    /** Indexes of the shards that are running now: what an abort stops. */
    private final Set<Integer> runningShards = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean aborting = new AtomicBoolean();
    private final CompletableFuture<AbortReport> aborted = new CompletableFuture<>();

    /** @param runtime the run's container runtime as it is now (setup may give it up for local processes) */
    RunControl(String runId, Supplier<Optional<ContainerRuntime>> runtime) {
        this.runId = runId;
        this.runtime = runtime;
        this.live = new LiveProcesses("run " + runId);
    }

    /** What {@link #register()} and {@link #stopOnShutdown()} return: closing it undoes them, and cannot fail. */
    interface Handle extends AutoCloseable {
        @Override
        void close();
    }

    /** Makes this run findable by {@link #abortRunning} until the returned handle is closed. */
    Handle register() {
        RUNNING.put(runId, this);
        return () -> RUNNING.remove(runId, this);
    }

    /**
     * {@link #register()} unless a run of the same id is registered already (a shard inside a whole run of this
     * JVM): then that one stays, and closing the handle does nothing.
     */
    Handle registerIfAbsent() {
        boolean mine = RUNNING.putIfAbsent(runId, this) == null;
        return () -> {
            if (mine) {
                RUNNING.remove(runId, this);
            }
        };
    }

    /** The abort of run {@code runId} of this JVM; when it has ended, the report of its abort if there was one. */
    static Optional<AbortReport> abortRunning(String runId) {
        RunControl run = RUNNING.get(runId);
        if (run != null) {
            return Optional.of(run.abort());
        }
        return Optional.ofNullable(ABORTED.get(runId));
    }

    /** Starts a process of the run, unless the run is stopping. */
    LaunchedProcess start(LiveProcesses.Starter starter) throws IOException {
        return live.start(starter);
    }

    void shardStarted(int index) {
        runningShards.add(index);
    }

    void shardEnded(int index) {
        runningShards.remove(index);
    }

    /**
     * Waits for a process started through {@link #start}, and forgets it when it ends; at the {@code timeout} stops
     * its tree and returns empty. An interrupt of the waiting thread (the remote call of a single shard cancelled by
     * an aborted build) aborts the run.
     */
    Optional<Integer> await(LaunchedProcess p, Duration timeout) {
        try {
            if (p.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return Optional.of(p.process().exitValue());
            }
            p.stop(Signal.TERM, STOP_GRACE);
            return Optional.empty();
        } catch (InterruptedException e) {
            abort();
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            live.finished(p);
        }
    }

    /**
     * What a process of the run gave once it ended, or was stopped.
     *
     * @param exit      its exit code; empty when it was stopped (the timeout, an abort)
     * @param leftovers what it left running when it ended by itself, each {@linkplain ProcessTree#stopLeftovers
     *                  described}, all of it stopped since
     */
    record Ended(Optional<Integer> exit, List<String> leftovers) {
        Ended {
            leftovers = List.copyOf(leftovers);
        }
    }

    /**
     * {@link #await}, and once the process has ended by itself, stops what it left running (a build tool's daemon, a
     * server a test did not stop), as Jenkins stops what a build step leaves: nothing of the run outlives it.
     */
    Ended awaitWhole(LaunchedProcess p, Duration timeout) {
        Optional<Integer> exit = await(p, timeout);
        return new Ended(exit, exit.isEmpty() ? List.of() : ProcessTree.stopLeftovers(p.cookie(), Signal.TERM, STOP_GRACE));
    }

    /**
     * Waits for a helper process (a copy) started through {@link #start}; at the timeout, or when this thread is
     * interrupted, stops its tree and returns empty. The interrupt is kept for the caller; the run is not aborted by
     * it. The caller forgets the process ({@link #finished}) once it has read its output.
     */
    Optional<Integer> awaitHelper(LaunchedProcess p, Duration timeout) {
        try {
            if (p.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return Optional.of(p.process().exitValue());
            }
        } catch (InterruptedException e) {
            p.stop(Signal.TERM, STOP_GRACE);
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        p.stop(Signal.TERM, STOP_GRACE);
        return Optional.empty();
    }

    /** Forgets a process that has ended. */
    void finished(LaunchedProcess p) {
        live.finished(p);
    }

    /**
     * Aborts the run: stops all its running shards at once and waits until they are gone. Thread-safe and
     * idempotent.
     */
    AbortReport abort() {
        if (!aborting.compareAndSet(false, true)) {
            return aborted.join();
        }
        long t0 = System.nanoTime();
        int shards = runningShards.size();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        // fresh threads: the caller may be an interrupted one, and every CLI call would fail at once on it
        List<Thread> stoppers = new ArrayList<>();
        // every tree at once; a start in flight is waited for briefly, a later one is refused (and counts as aborted)
        stoppers.add(startDaemon(() -> live.stopAll(Signal.TERM, ABORT_GRACE, ABORT_GRACE)));
        runtime.get().ifPresent(rt -> stoppers.add(startDaemon(() ->
                problems.addAll(new Reaper(rt).reap(Optional.of(runId), 1, Duration.ofMillis(200)).problems()))));
        long deadline = System.nanoTime() + ABORT_WAIT.toNanos();
        boolean interrupted = Thread.interrupted();
        for (Thread t : stoppers) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        AbortReport report = new AbortReport(shards, (System.nanoTime() - t0) / 1e9, problems);
        ABORTED.put(runId, report);
        aborted.complete(report);
        return report;
    }

    /** Whether {@link #abort()} was called (or the run was interrupted). */
    boolean isAborted() {
        return aborting.get();
    }

    void throwIfAborted() throws InterruptedIOException {
        if (aborting.get()) {
            throw new InterruptedIOException("run " + runId + " " + aborted.join().describe());
        }
    }

    /**
     * A JVM shutdown hook that stops the process trees of running shards (Ctrl-C on the CLI: shards run in their own
     * sessions, so the terminal's SIGINT does not reach them) and returns only when they are gone, so the JVM exits
     * after its shards, never before. Shards whose start is still in flight when the signal lands count too: the
     * child of a first {@code ProcessBuilder.start()} runs tens of milliseconds before the call returns
     * ({@link LiveProcesses}); and a last sweep by the run's shard cookie catches anything that escaped both.
     * Closing it removes the hook.
     */
    Handle stopOnShutdown() {
        Thread hook = new Thread(this::stopShards, "selftest-stop-" + runId);
        Runtime.getRuntime().addShutdownHook(hook);
        return () -> {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook runs
            }
        };
    }

    /**
     * Stops every process of this run: refuses new starts, stops the started trees (TERM, grace, KILL) and sweeps the
     * local shards' cookie; bounded by about {@code START_WAIT} plus twice {@code STOP_GRACE}.
     */
    private void stopShards() {
        live.stopAll(Signal.TERM, STOP_GRACE, START_WAIT);
        stopLocalShards(runId, STOP_GRACE);
    }

    /**
     * The {@code SELFTEST_COOKIE} of a local shard's process tree: {@code <runId>/shard-<index>}, so that the run's
     * owner can stop every process of the run by its id, even from another JVM ({@link #stopLocalShards}).
     */
    static String shardCookie(String runId, int index) {
        return runId + "/shard-" + index;
    }

    /**
     * Stops (TERM, then KILL after {@code grace}) every local shard process of the run {@code runId} on this machine,
     * whoever started it, then kills what is left in the shards' cgroups (those of this JVM); returns how many
     * processes carried a shard cookie.
     */
    static int stopLocalShards(String runId, Duration grace) {
        Map<Long, String> holders = ProcessTree.cookieHolders(c -> c.startsWith(runId + "/shard-"));
        holders.forEach((pid, cookie) -> ProcessTree.stop(pid, cookie, Signal.TERM, grace));
        ProcessTree.killCgroups(runId + "/shard-");
        return holders.size();
    }

    /**
     * Stops (TERM, then KILL after {@code grace}) the local shard trees on this machine whose run's owner
     * ({@link RunOwner#ENVIRONMENT_VARIABLE}) is gone: runs whose CLI or agent JVM was killed. Trees of live runs,
     * of another host's owner and those that name no owner (an older version's) are left alone. With {@code runId},
     * only that run's. Returns the cookies of the trees stopped.
     */
    static List<String> stopOrphanedLocalShards(Optional<String> runId, Duration grace) {
        Map<String, Long> orphaned = new java.util.TreeMap<>();
        java.util.function.Predicate<String> shards = c -> runId.map(r -> c.startsWith(r + "/shard-")).orElse(c.contains("/shard-"));
        ProcessTree.cookieHolders(shards).forEach((pid, cookie) -> {
            if (ProcessTree.environmentValue(pid, RunOwner.ENVIRONMENT_VARIABLE).flatMap(RunOwner::ofEnvironmentValue)
                    .map(owner -> owner.liveness() == RunOwner.Liveness.GONE).orElse(false)) {
                orphaned.putIfAbsent(cookie, pid);
            }
        });
        ProcessTree.stopAll(orphaned.entrySet().stream()
                .map(e -> new ProcessTree.Tree(e.getValue(), e.getKey(), Signal.TERM, grace)).toList());
        return List.copyOf(orphaned.keySet());
    }

    private Thread startDaemon(Runnable r) {
        Thread t = new Thread(r, "selftest-abort-" + runId);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
