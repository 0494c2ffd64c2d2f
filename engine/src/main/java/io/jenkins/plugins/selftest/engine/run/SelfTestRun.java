package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.container.CliResult;
import io.jenkins.plugins.selftest.engine.container.ContainerLock;
import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.container.ContainerSpec;
import io.jenkins.plugins.selftest.engine.container.Reaper;
import io.jenkins.plugins.selftest.engine.coverage.CoverageAggregator;
import io.jenkins.plugins.selftest.engine.coverage.CoverageInput;
import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.history.RunHistory;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.history.ShardRecord;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.junit.JUnitParser;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.orphans.OrphanReport;
import io.jenkins.plugins.selftest.engine.orphans.OrphanScanner;
import io.jenkins.plugins.selftest.engine.process.LaunchSpec;
import io.jenkins.plugins.selftest.engine.process.LaunchedProcess;
import io.jenkins.plugins.selftest.engine.process.LiveProcesses;
import io.jenkins.plugins.selftest.engine.process.ProcessLauncher;
import io.jenkins.plugins.selftest.engine.process.Signal;
import io.jenkins.plugins.selftest.engine.report.HtmlReport;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import io.jenkins.plugins.selftest.engine.shard.ShardPlanner;
import io.jenkins.plugins.selftest.engine.shard.TestCatalog;
import io.jenkins.plugins.selftest.engine.shard.TimingHistory;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * One self-test run: plan the shards, run each as a local process or in its own container (all at once), stream each
 * shard's result to a {@link RunListener} as it ends, then gather JUnit results, JaCoCo coverage (exec files of all
 * shards merged once) and orphans, append the run to the history and write the report directory.
 *
 * <p>The steps are public so that a distributed run can split them: {@link #plan()} on one machine,
 * {@link #runShard(ShardPlan, int, RunListener)} on many, {@link #gather} of the collected shard results on one.
 *
 * <p>Files written under the report directory: {@code plan.json}, {@code shards/shard-N/} (tests.txt, shard.log,
 * reports/ with the JUnit XML and jacoco-N.exec), {@code summary.json}, {@code details.json}, the JaCoCo report ({@code jacoco/}),
 * {@code orphans.json}/{@code orphans.html} and {@code index.html}. A shard that fails, times out or cannot start
 * does not stop the others. One instance runs one run at a time; the listener is called from shard threads.
 *
 * <p>{@link #abort()} (or an interrupt of the thread in {@link #run}) stops all running shards at once; they end with
 * outcome {@link ShardRecord#ABORTED}. A run in progress can be found by its id from another call in the same JVM
 * ({@link #abortRunning}), which is how the Jenkins step's {@code stop()} reaches it on the agent.
 */
public final class SelfTestRun {

    /** Environment variables every shard gets. */
    public static final String SHARD_INDEX = "SELFTEST_SHARD_INDEX";
    public static final String SHARD_COUNT = "SELFTEST_SHARD_COUNT";
    public static final String WORKERS = "SELFTEST_WORKERS";
    public static final String TESTS_FILE = "SELFTEST_TESTS_FILE";
    public static final String REPORTS_DIR = "SELFTEST_REPORTS_DIR";
    /** Image label listing host paths to mount read-only (comma separated), see scripts/build-test-image.sh. */
    public static final String MOUNTS_LABEL = "selftest.mounts";

    /** The last run's {@code RunRecord}, in the report directory. */
    public static final String SUMMARY_FILE = "summary.json";
    /** The last run's {@code RunDetails} (tests, coverage, orphans), in the report directory. */
    public static final String DETAILS_FILE = io.jenkins.plugins.selftest.engine.history.RunDetails.FILE_NAME;

    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /** How long a stop waits for a process start in flight to register before stopping what is registered. */
    private static final Duration START_WAIT = Duration.ofSeconds(10);
    private static final Duration COPY_TIMEOUT = Duration.ofMinutes(10);
    /** How long an aborted shard's processes get between TERM and KILL. */
    private static final Duration ABORT_GRACE = Duration.ofSeconds(2);
    /** How long {@link #abort()} and an aborted run wait for the shards to be gone. */
    private static final Duration ABORT_WAIT = Duration.ofSeconds(15);

    /** Runs and single shards going on in this JVM, by run id: what {@link #abortRunning} finds. */
    private static final Map<String, SelfTestRun> RUNNING = new ConcurrentHashMap<>();
    /** The reports of the last aborts, for a caller that comes after the run ended (bounded). */
    private static final Map<String, AbortReport> ABORTED = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, AbortReport> eldest) {
                    return size() > 64;
                }
            });

    private final SelfTestOptions options;
    private final String runId;
    private volatile Optional<ContainerRuntime> runtime;
    private volatile Optional<String> fallbackReason = Optional.empty();
    private volatile List<Path> imageMounts = List.of();
    /** Shard processes (local shells or container CLIs) still running, stopped by the shutdown hook of a run. */
    private final LiveProcesses live;
    /** Indexes of the shards that are running now: what an abort stops. */
    private final java.util.Set<Integer> runningShards = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean aborting = new AtomicBoolean();
    private final CompletableFuture<AbortReport> aborted = new CompletableFuture<>();

    public SelfTestRun(SelfTestOptions options) {
        this.options = options;
        this.runId = options.runId().orElseGet(() -> Instant.now().toString().replaceAll("[^0-9]", "").substring(0, 14)
                + "-" + UUID.randomUUID().toString().substring(0, 8));
        this.live = new LiveProcesses("run " + runId);
        this.runtime = options.useContainer()
                ? Optional.of(ContainerRuntime.of(options.runtime(), options.host(), options.hostEnvironment()))
                : Optional.empty();
    }

    public String runId() {
        return runId;
    }

    public SelfTestOptions options() {
        return options;
    }

    /** Whether shards copy the workspace in and reports out (remote engine, or asked for). */
    public boolean copiesWorkspace() {
        return runtime.isPresent() && (options.copyWorkspace() || runtime.get().isRemote());
    }

    /** How shards run, for people: "local processes", "podman containers (local engine, workspace bind-mounted)". */
    public String mode() {
        if (runtime.isEmpty()) {
            return "local processes";
        }
        ContainerRuntime rt = runtime.get();
        return rt.kind().executable() + " containers (" + rt.host().map(h -> "engine " + h).orElse("local engine")
                + ", workspace " + (copiesWorkspace() ? "copied in/out" : "bind-mounted") + ", image "
                + options.image() + ")";
    }

    /** Why containers were given up for local processes ({@link SelfTestOptions#containerFallback()}), if they were. */
    public Optional<String> fallbackReason() {
        return fallbackReason;
    }

    /**
     * Checks what the run needs before anything starts: the workspace, the container runtime and the image. With
     * {@link SelfTestOptions#containerFallback()} a runtime or image that does not work switches the run to local
     * processes ({@link #fallbackReason()} says why) instead of failing.
     *
     * @throws SetupException with a one-line reason
     */
    public void checkSetup() throws SetupException {
        try {
            checkSetupStrict();
        } catch (SetupException e) {
            if (runtime.isEmpty() || !options.containerFallback()) {
                throw e;
            }
            fallbackReason = Optional.of(e.getMessage());
            runtime = Optional.empty();
        }
    }

    private void checkSetupStrict() throws SetupException {
        if (!Files.isDirectory(options.workspace())) {
            throw new SetupException("workspace " + options.workspace() + " is not a directory: pass the project "
                    + "directory as the path argument");
        }
        if (runtime.isPresent()) {
            try {
                runtime.get().checkAvailable();
                Map<String, String> labels = runtime.get().imageLabels(options.image());
                List<Path> mounts = new ArrayList<>();
                for (String p : labels.getOrDefault(MOUNTS_LABEL, "").split(",")) {
                    if (!p.isBlank() && (runtime.get().isRemote() || Files.exists(Path.of(p.strip())))) {
                        mounts.add(Path.of(p.strip()));
                    }
                }
                imageMounts = List.copyOf(mounts);
                if (options.containerFallback()) {
                    // "containers when they work": an engine can answer version and inspect and still be unable to
                    // start anything (no OCI runtime, no cgroups), so start one throw-away container to be sure
                    List<String> smoke = new ArrayList<>(List.of("run", "--rm", "--network", "none",
                            "--label", ContainerRuntime.LABEL + "=true", "--label", ContainerRuntime.RUN_LABEL + "=" + runId));
                    mounts.forEach(m -> smoke.addAll(List.of("--volume", m + ":" + m + ":ro")));
                    smoke.addAll(List.of(options.image(), "/bin/sh", "-c", "true"));
                    CliResult r = runtime.get().exec(smoke, Duration.ofMinutes(2));
                    if (!r.ok()) {
                        throw new SetupException(runtime.get().kind().executable() + " cannot start a container of "
                                + options.image() + ": " + r.firstLine());
                    }
                }
            } catch (SetupException e) {
                throw e;
            } catch (IOException e) {
                throw new SetupException(e.getMessage(), e);
            }
        }
    }

    /**
     * Compiles the project once, locally, before planning (Maven: {@code test-compile}; Gradle: {@code testClasses}),
     * so that test classes exist and shards only run tests. Output goes to {@code prepare.log} in the report dir.
     *
     * @throws SetupException when the build fails, naming the log
     */
    public void prepare() throws IOException {
        String script = switch (options.framework()) {
            case MAVEN -> Framework.maven(options.workspace()) + " -B -q test-compile";
            case GRADLE -> (Files.isExecutable(options.workspace().resolve("gradlew")) ? "./gradlew" : "gradle") + " -q testClasses";
            default -> null;
        };
        if (script == null || !options.prepare()) {
            return;
        }
        Path log = options.reportDir().resolve("prepare.log");
        Files.createDirectories(options.reportDir());
        Files.deleteIfExists(log);
        LaunchSpec spec = LaunchSpec.shell(script).workingDir(options.workspace())
                .env(options.environment()).output(LaunchSpec.Output.toFile(log)).build();
        int code = waitForShard(live.start(() -> ProcessLauncher.start(spec))).orElse(-1);
        throwIfAborted();
        if (code != 0) {
            String tail = Files.exists(log) ? lastLines(log, 1) : "";
            throw new SetupException("preparing " + options.workspace() + " with '" + script + "' failed (exit "
                    + code + "): see " + log + (tail.isBlank() ? "" : " - " + tail));
        }
    }

    /**
     * Container shards run Maven offline against the mounted {@code ~/.m2}; Surefire resolves its JUnit provider only
     * when a test runs, which a {@code -DskipTests} build never did on a fresh machine. So run Surefire once locally
     * on one test class with a method filter that matches nothing, which resolves everything and runs no test.
     */
    private void warmUpOfflineMaven(ShardPlan plan, RunListener listener) {
        Optional<Path> m2 = options.mavenHome().filter(Files::isDirectory);
        if (runtime.isEmpty() || copiesWorkspace() || options.framework() != Framework.MAVEN || m2.isEmpty()
                || Files.isDirectory(m2.get().resolve("repository/org/apache/maven/surefire/surefire-junit-platform"))) {
            return;
        }
        String script = Framework.maven(options.workspace()) + " -B -q org.jacoco:jacoco-maven-plugin:"
                + Framework.JACOCO_VERSION + ":prepare-agent surefire:test -Dtest="
                + Framework.quote(plan.shard(0).tests().get(0) + "#selftestWarmUp") + " -Dsurefire.failIfNoSpecifiedTests=false";
        try {
            LaunchSpec spec = LaunchSpec.shell(script).workingDir(options.workspace())
                    .output(LaunchSpec.Output.toFile(options.reportDir().resolve("prepare.log"))).build();
            if (waitForShard(live.start(() -> ProcessLauncher.start(spec))).orElse(-1) != 0) {
                listener.note("resolving Surefire's provider for offline container shards failed; see "
                        + options.reportDir().resolve("prepare.log"));
            }
        } catch (IOException e) {
            listener.note("cannot resolve Surefire's provider for offline container shards: " + e.getMessage());
        }
    }

    /**
     * Finds the tests and plans the shards from the history's timings.
     *
     * @throws SetupException when no test is found
     */
    public ShardPlan plan() throws IOException {
        TestCatalog catalog;
        if (!options.paths().isEmpty()) {
            catalog = TestCatalog.fromSourceGlobs(options.workspace(), options.paths(), options.filter());
        } else if (options.framework() == Framework.PYTEST) {
            catalog = TestCatalog.fromSourceGlobs(options.workspace(), options.framework().sourceGlobs(), options.filter());
        } else {
            catalog = TestCatalog.fromClassDirectories(options.testClassDirs(), options.filter());
            if (catalog.isEmpty() && options.framework() == Framework.CUSTOM) {
                // a custom command may test anything: fall back to test sources
                List<String> globs = new ArrayList<>(List.of("src/test/java/**Test.java", "src/test/java/**Tests.java"));
                globs.addAll(Framework.PYTEST.sourceGlobs());
                TestCatalog sources = TestCatalog.fromSourceGlobs(options.workspace(), globs, options.filter());
                catalog = sources.isEmpty() ? catalog : sources;
            }
        }
        if (catalog.isEmpty()) {
            throw new SetupException("no tests found in " + (options.paths().isEmpty() ? options.testClassDirs()
                    : options.workspace() + " matching " + options.paths())
                    + (catalog.problems().isEmpty() ? "" : " (" + catalog.problems().get(0) + ")"));
        }
        TimingHistory timings = TimingHistory.EMPTY;
        if (options.history().isPresent() && Files.exists(options.history().get())) {
            timings = TimingHistory.fromHistory(RunHistory.load(options.history().get()).records());
        }
        return ShardPlanner.plan(catalog.tests(), timings, options.shards(), options.workers());
    }

    /**
     * Check, prepare, plan, run all shards at once, gather. While it runs, a JVM shutdown hook stops the shards'
     * process trees (and, for containers, removes the run's containers).
     */
    public RunSummary run(RunListener listener) throws IOException {
        AutoCloseable stopper = stopOnShutdown();
        RUNNING.put(runId, this);
        try {
            return runStoppable(listener);
        } finally {
            RUNNING.remove(runId, this);
            try {
                stopper.close();
            } catch (Exception e) {
                // removing a hook cannot fail in a way that matters here
            }
        }
    }

    private RunSummary runStoppable(RunListener listener) throws IOException {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        checkSetup();
        prepare();
        throwIfAborted();
        ShardPlan plan = plan();
        warmUpOfflineMaven(plan, listener);
        throwIfAborted();
        Files.createDirectories(options.reportDir());
        deleteTree(options.reportDir().resolve("shards"));
        plan.write(options.reportDir().resolve("plan.json"));
        fallbackReason.ifPresent(r -> listener.note("containers unavailable, running shards as local processes: " + r));
        listener.planned(plan, mode());
        plan.problems().forEach(listener::note);
        List<ShardResult> results = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int reapFailures = 0;
        boolean interrupted = false;
        try (ContainerLock lock = runtime.isPresent() && options.lockFile().isPresent()
                ? ContainerLock.acquire(options.lockFile().get(), Duration.ofHours(1)) : null;
             AutoCloseable guard = runtime.isPresent() ? new Reaper(runtime.get()).guard(runId) : null) {
            ExecutorService pool = Executors.newFixedThreadPool(plan.shardCount(), r -> {
                Thread t = new Thread(r, "selftest-shard");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<ShardResult>> futures = new ArrayList<>();
                for (ShardPlan.Shard s : plan.shards()) {
                    futures.add(pool.submit(() -> runShard(plan, s.index(), listener)));
                }
                try {
                    for (Future<ShardResult> f : futures) {
                        results.add(f.get());
                    }
                } catch (InterruptedException e) {
                    // the owner stops the run (an aborted build cancels the remote call): all shards at once; the
                    // interrupt is restored at the end, after the clean-up below (lock files, CLI calls) has run
                    interrupted = true;
                    abort();
                    awaitShards(futures);
                }
            } catch (ExecutionException e) {
                throw new IOException("shard of run " + runId + " failed unexpectedly: " + e.getCause(), e.getCause());
            } finally {
                pool.shutdownNow();
                if (runtime.isPresent() && !aborting.get()) {
                    // --rm removes each container at its end; anything still labelled with this run was not removed
                    Reaper.Result reaped = new Reaper(runtime.get()).reap(Optional.of(runId), 2, Duration.ofMillis(500));
                    reapFailures += reaped.failures() + reaped.removed().size();
                    reaped.removed().forEach(id -> problems.add("container " + id.substring(0, Math.min(12, id.length()))
                            + " of run " + runId + " was still there after its shard; removed"));
                    problems.addAll(reaped.problems());
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("run " + runId + ": " + e.getMessage(), e);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        throwIfAborted();
        double seconds = (System.nanoTime() - t0) / 1e9;
        return gather(plan, results, started, seconds, mode(), reapFailures, problems, listener);
    }

    /**
     * What an abort did.
     *
     * @param shards   the shards that were running and were stopped
     * @param seconds  from the abort until their processes and containers were gone
     * @param problems what could not be stopped or removed
     */
    public record AbortReport(int shards, double seconds, List<String> problems) {
        public AbortReport {
            problems = List.copyOf(problems);
        }

        /** {@code aborted; stopped 2 shards in 0.8 s}, for the log. */
        public String describe() {
            return String.format(java.util.Locale.ROOT, "aborted; stopped %d shard%s in %.1f s", shards,
                    shards == 1 ? "" : "s", seconds) + (problems.isEmpty() ? "" : "; " + String.join("; ", problems));
        }
    }

    /**
     * Aborts the run: stops all its running shards at once - local process trees (TERM, then KILL after 2 s) and the
     * run's containers (removed without the engine's stop timeout, concurrently) - and waits until they are gone (at
     * most 15 s). The shards end with outcome {@link ShardRecord#ABORTED}, and {@link #run} throws
     * {@link InterruptedIOException} instead of gathering. Interrupting the thread in {@link #run} does the
     * same. Thread-safe and idempotent: a later call waits for the first and gets its report.
     */
    public AbortReport abort() {
        if (!aborting.compareAndSet(false, true)) {
            return aborted.join();
        }
        long t0 = System.nanoTime();
        int shards = runningShards.size();
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        // fresh threads: the caller may be an interrupted one, and every CLI call would fail at once on it
        List<Thread> stoppers = new ArrayList<>();
        // every tree at once; a start in flight is waited for briefly, a later one is refused (and counts as aborted)
        stoppers.add(startDaemon("selftest-abort-" + runId, () -> live.stopAll(Signal.TERM, ABORT_GRACE, ABORT_GRACE)));
        runtime.ifPresent(rt -> stoppers.add(startDaemon("selftest-abort-" + runId, () ->
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
    public boolean isAborted() {
        return aborting.get();
    }

    /**
     * Aborts the run (or single shard) {@code runId} going on in this JVM ({@link #abort()}); when it has ended, the
     * report of its abort if there was one; otherwise empty.
     */
    public static Optional<AbortReport> abortRunning(String runId) {
        SelfTestRun run = RUNNING.get(runId);
        if (run != null) {
            return Optional.of(run.abort());
        }
        return Optional.ofNullable(ABORTED.get(runId));
    }

    /** Waits (at most {@link #ABORT_WAIT}, even when interrupted) for the shards of an aborted run to report. */
    private void awaitShards(List<Future<ShardResult>> futures) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + ABORT_WAIT.toNanos();
        for (Future<ShardResult> f : futures) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | TimeoutException e) {
                // a shard that does not end is interrupted by shutdownNow; its outcome is not waited for
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void throwIfAborted() throws InterruptedIOException {
        if (aborting.get()) {
            throw new InterruptedIOException("run " + runId + " " + aborted.join().describe());
        }
    }

    private static Thread startDaemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * A JVM shutdown hook that stops the process trees of running shards (Ctrl-C on the CLI: shards run in their own
     * sessions, so the terminal's SIGINT does not reach them) and returns only when they are gone, so the JVM exits
     * after its shards, never before. Shards whose start is still in flight when the signal lands count too: the
     * child of a first {@code ProcessBuilder.start()} runs tens of milliseconds before the call returns
     * ({@link LiveProcesses}); and a last sweep by the run's shard cookie catches anything that escaped both.
     * Closing it removes the hook.
     */
    private AutoCloseable stopOnShutdown() {
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
     * Waits for a shard (or prepare) process started through {@code live}, and forgets it when it ends; at the
     * timeout stops its tree and returns empty. An interrupt of the waiting thread (the remote call of a single shard
     * cancelled by an aborted build) aborts the run.
     */
    private Optional<Integer> waitForShard(LaunchedProcess p) {
        try {
            if (p.process().waitFor(options.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
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
     * Runs one shard of a plan and waits for it (up to the timeout). Never throws for a failing shard: the outcome
     * says what happened. Calls {@code listener.shardStarted/shardFinished}.
     */
    public ShardResult runShard(ShardPlan plan, int index, RunListener listener) {
        boolean registered = RUNNING.putIfAbsent(runId, this) == null; // a single shard of a distributed run
        runningShards.add(index);
        try {
            return runShardOnce(plan, index, listener);
        } finally {
            runningShards.remove(index);
            if (registered) {
                RUNNING.remove(runId, this);
            }
        }
    }

    private ShardResult runShardOnce(ShardPlan plan, int index, RunListener listener) {
        ShardPlan.Shard shard = plan.shard(index);
        listener.shardStarted(shard);
        Path dir = options.reportDir().resolve("shards").resolve("shard-" + index);
        Path reports = dir.resolve("reports");
        Path log = dir.resolve("shard.log");
        Path testsFile = dir.resolve("tests.txt");
        long t0 = System.nanoTime();
        List<String> problems = new ArrayList<>();
        Optional<Integer> exit = Optional.empty();
        boolean timedOut = false;
        int failures = 0;
        int timeouts = 0;
        try {
            if (aborting.get()) {
                throw new InterruptedIOException("aborted before it started");
            }
            deleteTree(dir);
            Files.createDirectories(reports);
            Files.write(testsFile, shard.tests());
            if (runtime.isEmpty()) {
                Map<String, String> env = shardEnvironment(plan, shard, testsFile.toString(), reports.toString());
                String script = options.framework().script(options.workspace(), shard.tests(), null,
                        options.command().orElse(null));
                // the cookie names the run, so that whoever owns the run can find its shards' processes again
                LaunchSpec spec = LaunchSpec.shell(script).workingDir(options.workspace())
                        .env(env).cookie(shardCookie(runId, index)).output(LaunchSpec.Output.toFile(log)).build();
                exit = waitForShard(live.start(() -> ProcessLauncher.start(spec)));
                timedOut = exit.isEmpty();
            } else if (!copiesWorkspace()) {
                ContainerRunOutcome o = runMounted(plan, shard, testsFile, reports, log);
                exit = o.exit;
                timedOut = o.timedOut;
                failures += o.failures;
                problems.addAll(o.problems);
            } else {
                ContainerRunOutcome o = runCopied(plan, shard, dir, reports, log);
                exit = o.exit;
                timedOut = o.timedOut;
                failures += o.failures;
                problems.addAll(o.problems);
            }
        } catch (IOException | RuntimeException e) {
            problems.add("shard " + index + " could not run: " + e.getMessage());
        }
        if (timedOut) {
            problems.add("shard " + index + " timed out after " + options.timeout().toSeconds() + "s and was stopped; see " + log);
            if (runtime.isPresent()) {
                timeouts = 1;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        ShardReports read = readReports(reports);
        TestSuiteResult results = read.tests();
        List<Path> execs = read.execFiles();
        String outcome;
        if (aborting.get()) {
            // stopped on purpose: neither its exit, nor a half-written report, nor a failed CLI call is a problem
            outcome = ShardRecord.ABORTED;
            problems.clear();
            timeouts = 0;
            failures = 0;
        } else if (timedOut) {
            outcome = ShardRecord.TIMEOUT;
        } else if (results.failed() + results.errors() > 0) {
            outcome = ShardRecord.FAILED;
        } else if (exit.isEmpty() || exit.get() != 0 || results.total() == 0) {
            outcome = ShardRecord.ERROR;
            problems.add("shard " + index + (exit.map(c -> " exited with " + c).orElse(" did not run"))
                    + (results.total() == 0 ? " and left no JUnit results" : " without failing tests") + "; see " + log);
        } else {
            outcome = ShardRecord.OK;
        }
        if (!aborting.get()) {
            problems.addAll(results.problems());
        }
        ShardResult r = new ShardResult(index, shard.tests(), outcome, exit, seconds, results, reports, log, execs,
                failures, timeouts, problems);
        listener.shardFinished(r);
        return r;
    }

    private record ContainerRunOutcome(Optional<Integer> exit, boolean timedOut, int failures, List<String> problems) {
    }

    private ContainerRunOutcome runMounted(ShardPlan plan, ShardPlan.Shard shard, Path testsFile, Path reports, Path log)
            throws IOException {
        ContainerRuntime rt = runtime.orElseThrow();
        boolean maven = options.framework() == Framework.MAVEN;
        Optional<Path> m2 = options.mavenHome().filter(Files::isDirectory);
        String script = options.framework().script(options.workspace(), shard.tests(),
                maven ? m2.map(Path::toString).orElse(null) : null, options.command().orElse(null));
        ContainerSpec.Builder spec = baseSpec(plan, shard)
                .env(shardEnvironment(plan, shard, testsFile.toString(), reports.toString()))
                .mount(options.workspace(), options.workspace().toString(), false)
                .workingDir(options.workspace().toString())
                .command(List.of("/bin/sh", "-c", script));
        if (!options.reportDir().startsWith(options.workspace())) {
            spec.mount(options.reportDir(), options.reportDir().toString(), false);
        }
        if (maven && m2.isPresent()) {
            spec.mount(m2.get(), m2.get().toString(), false).env("MAVEN_USER_HOME", m2.get().toString()).network("none");
        }
        ContainerSpec s = spec.build();
        LaunchedProcess p = live.start(() -> rt.run(s, log));
        return finish(rt, s.name(), p);
    }

    private ContainerRunOutcome runCopied(ShardPlan plan, ShardPlan.Shard shard, Path dir, Path reports, Path log)
            throws IOException {
        ContainerRuntime rt = runtime.orElseThrow();
        String work = "/workspace";
        String script = options.framework().script(options.workspace(), shard.tests(), null, options.command().orElse(null));
        ContainerSpec s = baseSpec(plan, shard)
                .env(shardEnvironment(plan, shard, "/selftest/tests.txt", "/selftest/reports"))
                .workingDir(work)
                .command(List.of("/bin/sh", "-c", script))
                .build();
        Path stage = dir.resolve("in");
        Files.createDirectories(stage.resolve("reports"));
        Files.copy(dir.resolve("tests.txt"), stage.resolve("tests.txt"));
        List<String> problems = new ArrayList<>();
        int failures = 0;
        CliResult created = rt.exec(rt.createArgs(s), ContainerRuntime.CALL_TIMEOUT);
        if (!created.ok()) {
            throw new IOException("cannot create container " + s.name() + ": " + created.firstLine());
        }
        try {
            copyWorkspaceIn(rt, s.name(), work);
            CliResult c = rt.copy(stage.toString(), s.name() + ":/selftest", COPY_TIMEOUT);
            if (!c.ok()) {
                throw new IOException("cannot copy " + stage + " into container " + s.name() + ": " + c.firstLine());
            }
            LaunchedProcess p = live.start(() -> rt.startAttached(s.name(), log));
            Optional<Integer> exit = waitForShard(p);
            if (aborting.get()) {
                return new ContainerRunOutcome(exit, false, failures, problems); // the finally removes it
            }
            if (exit.isEmpty()) {
                rt.kill(s.name());
            }
            CliResult out = rt.copy(s.name() + ":/selftest/reports/.", reports.toString(), COPY_TIMEOUT);
            if (!out.ok()) {
                problems.add("cannot copy the reports out of container " + s.name() + ": " + out.firstLine());
            }
            return new ContainerRunOutcome(exit, exit.isEmpty(), failures, problems);
        } finally {
            CliResult rm = rt.remove(s.name());
            if (!rm.ok()) {
                problems.add("cannot remove container " + s.name() + ": " + rm.firstLine());
            }
        }
    }

    /**
     * Copies the workspace into the container. When the report directory lies inside the workspace it is left out
     * (earlier reports and other shards' files are no business of the shard): the workspace goes as a tar stream
     * ({@code tar --exclude ... | <cli> cp - container:dir}); otherwise with a plain {@code cp}.
     */
    private void copyWorkspaceIn(ContainerRuntime rt, String container, String dir) throws IOException {
        Path ws = options.workspace();
        CliResult r;
        if (options.reportDir().startsWith(ws) && !options.reportDir().equals(ws)) {
            String exclude = "./" + ws.relativize(options.reportDir());
            String cli = rt.command(List.of("cp", "-", container + ":" + dir)).stream().map(Framework::quote)
                    .collect(java.util.stream.Collectors.joining(" "));
            String script = "tar -C " + Framework.quote(ws.toString()) + " --exclude=" + Framework.quote(exclude)
                    + " -cf - . | " + cli;
            LaunchSpec spec = LaunchSpec.shell(script).output(LaunchSpec.Output.pipe()).build();
            LaunchedProcess p = live.start(() -> ProcessLauncher.start(spec));
            String out;
            Optional<Integer> code;
            try (var in = p.process().getInputStream()) {
                out = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                code = waitFor(p, COPY_TIMEOUT);
            } finally {
                live.finished(p);
            }
            r = new CliResult(code.orElse(-1), out.strip(), code.isEmpty());
        } else {
            r = rt.copy(ws + "/.", container + ":" + dir, COPY_TIMEOUT);
        }
        if (!r.ok()) {
            throw new IOException("cannot copy workspace " + ws + " into container " + container + ": " + r.firstLine());
        }
    }

    private ContainerRunOutcome finish(ContainerRuntime rt, String name, LaunchedProcess p) throws IOException {
        Optional<Integer> exit = waitForShard(p);
        List<String> problems = new ArrayList<>();
        int failures = 0;
        if (aborting.get()) {
            rt.remove(name); // the abort removes it too; whichever comes first
            return new ContainerRunOutcome(exit, false, 0, problems);
        }
        if (exit.isEmpty()) {
            CliResult rm = rt.remove(name);
            if (!rm.ok()) {
                failures++;
                problems.add("cannot remove timed-out container " + name + ": " + rm.firstLine());
            }
        }
        return new ContainerRunOutcome(exit, exit.isEmpty(), failures, problems);
    }

    private ContainerSpec.Builder baseSpec(ShardPlan plan, ShardPlan.Shard shard) {
        ContainerSpec.Builder b = ContainerSpec.builder(options.image(), "selftest-" + runId + "-" + shard.index())
                .label(ContainerRuntime.LABEL, "true")
                .label(ContainerRuntime.RUN_LABEL, runId)
                .label(ContainerRuntime.SHARD_LABEL, Integer.toString(shard.index()));
        imageMounts.forEach(m -> b.mount(m, m.toString(), true));
        return b;
    }

    private Map<String, String> shardEnvironment(ShardPlan plan, ShardPlan.Shard shard, String testsFile, String reports) {
        Map<String, String> env = new LinkedHashMap<>(options.environment());
        env.put(SHARD_INDEX, Integer.toString(shard.index()));
        env.put(SHARD_COUNT, Integer.toString(plan.shardCount()));
        env.put(WORKERS, Integer.toString(shard.workers()));
        env.put(TESTS_FILE, testsFile);
        env.put(REPORTS_DIR, reports);
        return env;
    }

    /**
     * Merges shard results (of this process, or collected from other agents) into one summary: tests, coverage,
     * orphans; appends the history and writes the report directory.
     */
    public RunSummary gather(ShardPlan plan, List<ShardResult> shards, Instant startedAt, double runtimeSeconds,
                             String mode, int extraContainerFailures, List<String> extraProblems, RunListener listener)
            throws IOException {
        List<ShardResult> sorted = shards.stream().sorted(Comparator.comparingInt(ShardResult::index)).toList();
        List<String> problems = new ArrayList<>(extraProblems);
        sorted.forEach(s -> problems.addAll(s.problems()));
        TestSuiteResult tests = TestSuiteResult.merge(sorted.stream().map(ShardResult::results).toList());
        List<Path> execs = java.util.stream.Stream.concat(sorted.stream().flatMap(s -> s.execFiles().stream()),
                options.extraExecFiles().stream().filter(Files::isRegularFile)).toList();
        Files.createDirectories(options.reportDir());
        CoverageSummary coverage = CoverageSummary.NO_COVERAGE;
        List<Path> mainDirs = options.mainClassDirs().stream().filter(Files::isDirectory).toList();
        if (!execs.isEmpty() && !mainDirs.isEmpty()) {
            try {
                coverage = CoverageAggregator.aggregate(new CoverageInput(execs, mainDirs,
                        options.sourceDirs().stream().filter(Files::isDirectory).toList()), Optional.of(options.reportDir()));
                problems.addAll(coverage.warnings());
            } catch (IOException | RuntimeException e) {
                problems.add("coverage could not be computed: " + e.getMessage());
            }
        }
        OrphanReport orphans = OrphanReport.NONE;
        if (options.orphans().enabled() && !mainDirs.isEmpty()) {
            try {
                orphans = OrphanScanner.scan(mainDirs, options.testClassDirs().stream().filter(Files::isDirectory).toList(),
                        options.orphans(), coverage);
                OrphanScanner.write(orphans, options.reportDir());
                problems.addAll(orphans.problems());
            } catch (IOException | RuntimeException e) {
                problems.add("orphans could not be scanned: " + e.getMessage());
            }
        }
        int failures = extraContainerFailures + sorted.stream().mapToInt(ShardResult::containerFailures).sum();
        int timeouts = sorted.stream().mapToInt(ShardResult::containerTimeouts).sum();
        RunSummary summary = new RunSummary(runId, startedAt, runtimeSeconds, mode, sorted, tests, coverage, orphans,
                failures, timeouts, options.reportDir(), problems);
        RunRecord record = summary.toRecord();
        List<RunRecord> history = List.of(record);
        if (options.history().isPresent()) {
            try {
                RunHistory h = RunHistory.load(options.history().get());
                h.append(record);
                history = h.records();
                h.problems().forEach(listener::note);
            } catch (IOException e) {
                problems.add("cannot append to history " + options.history().get() + ": " + e.getMessage());
            }
        }
        Json.writeAtomically(options.reportDir().resolve(SUMMARY_FILE), record);
        summary.toDetails().write(options.reportDir().resolve(DETAILS_FILE));
        try {
            HtmlReport.write(history, Optional.of(summary.toDetails()), options.reportDir());
        } catch (IOException | RuntimeException e) {
            problems.add("cannot write the HTML report into " + options.reportDir() + ": " + e.getMessage());
        }
        return new RunSummary(runId, startedAt, runtimeSeconds, mode, sorted, tests, coverage, orphans, failures,
                timeouts, options.reportDir(), problems);
    }

    /**
     * The {@code SELFTEST_COOKIE} of a local shard's process tree: {@code <runId>/shard-<index>}, so that the run's
     * owner can stop every process of the run by its id, even from another JVM ({@link #stopLocalShards}).
     */
    public static String shardCookie(String runId, int index) {
        return runId + "/shard-" + index;
    }

    /**
     * Stops (TERM, then KILL after {@code grace}) every local shard process of the run {@code runId} on this machine,
     * whoever started it; returns how many processes were found.
     */
    public static int stopLocalShards(String runId, Duration grace) {
        java.util.Map<Long, String> holders = io.jenkins.plugins.selftest.engine.process.ProcessTree
                .cookieHolders(c -> c.startsWith(runId + "/shard-"));
        holders.forEach((pid, cookie) -> io.jenkins.plugins.selftest.engine.process.ProcessTree.stop(pid, cookie, Signal.TERM, grace));
        return holders.size();
    }

    /** Waits for the process; at the timeout stops its whole tree and returns empty. */
    private static Optional<Integer> waitFor(LaunchedProcess p, Duration timeout) {
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

    /**
     * What a shard left in its reports directory: its JUnit results and its JaCoCo exec files.
     *
     * @param tests     parsed with the one JUnit parser; {@link TestSuiteResult#EMPTY} when there is no directory
     * @param execFiles {@code *.exec}, sorted
     */
    public record ShardReports(TestSuiteResult tests, List<Path> execFiles) {
        public ShardReports {
            execFiles = List.copyOf(execFiles);
        }
    }

    /** Reads a shard's reports directory, here after the shard ran, or wherever its reports were collected to. */
    public static ShardReports readReports(Path reports) {
        TestSuiteResult tests = Files.isDirectory(reports) ? JUnitParser.parse(List.of(reports)) : TestSuiteResult.EMPTY;
        return new ShardReports(tests, list(reports, ".exec"));
    }

    private static List<Path> list(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String lastLines(Path log, int n) {
        try {
            List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
