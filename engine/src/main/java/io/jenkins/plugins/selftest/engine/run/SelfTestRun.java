package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.files.WorkspaceFiles;
import io.jenkins.plugins.selftest.engine.container.ContainerLock;
import io.jenkins.plugins.selftest.engine.container.Reaper;
import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.process.Cgroups;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import io.jenkins.plugins.selftest.engine.shard.TimingHistory;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Future;

/**
 * One self-test run: plan the shards, run each as a local process or in its own container (all at once), stream each
 * shard's result to a {@link RunListener} as it ends, then gather JUnit results, JaCoCo coverage (exec files of all
 * shards merged once) and orphans, append the run to the history and write the report directory.
 *
 * <p>The entry point over the run's stages: {@link SetupProbe}, {@link Preparation}, {@link TestDiscovery}, a
 * {@link ShardRunner} per shard with the {@link OutcomeClassifier}, the {@link Gatherer} and the {@link ReportWriter};
 * {@link RunControl} stops what they start. The stages are public here so that a distributed run can split them:
 * {@link #plan()} on one machine, {@link #runShard(ShardPlan, int, RunListener)} on many, {@link #gather} of the
 * collected shard results on one. A whole run of local processes on one machine merges the shards that do not pay
 * for their start ({@link io.jenkins.plugins.selftest.engine.shard.ShardPayoff}); a distributed plan never does.
 *
 * <p>Files written under the report directory: {@code plan.json}, {@code shards/shard-N/} ({@link ShardDirectory}),
 * {@code summary.json}, {@code details.json}, the JaCoCo report ({@code jacoco/}), {@code orphans.json}/
 * {@code orphans.html} and {@code index.html}. A shard that fails, times out or cannot start does not stop the
 * others. One instance runs one run at a time; the listener is called from shard threads.
 *
 * <p>{@link #abort()} (or an interrupt of the thread in {@link #run}) stops all running shards at once; they end with
 * outcome {@code aborted}. A run in progress can be found by its id from another call in the same JVM
 * ({@link #abortRunning}), which is how the Jenkins step's {@code stop()} reaches it on the agent.
 */
public final class SelfTestRun {

    /** Environment variables every shard gets. */
    public static final String SHARD_INDEX = "SELFTEST_SHARD_INDEX";
    public static final String SHARD_COUNT = "SELFTEST_SHARD_COUNT";
    public static final String WORKERS = "SELFTEST_WORKERS";
    public static final String TESTS_FILE = "SELFTEST_TESTS_FILE";
    public static final String REPORTS_DIR = "SELFTEST_REPORTS_DIR";
    /** The user's build arguments ({@link SelfTestOptions#args()}), quoted for {@code /bin/sh}. */
    public static final String ARGS = "SELFTEST_ARGS";

    /** The last run's {@code RunRecord}, in the report directory. */
    public static final String SUMMARY_FILE = "summary.json";
    /** The last run's {@code RunDetails} (tests, coverage, orphans), in the report directory. */
    public static final String DETAILS_FILE = RunDetails.FILE_NAME;

    /** As given; after {@link #checkSetup()} with the image an image archive held. */
    private volatile SelfTestOptions options;
    private final String runId;
    private final RunControl control;
    private volatile Setup setup;

    public SelfTestRun(SelfTestOptions options) {
        this.options = options;
        this.runId = options.runId().orElseGet(() -> Instant.now().toString().replaceAll("[^0-9]", "").substring(0, 14)
                + "-" + UUID.randomUUID().toString().substring(0, 8));
        this.setup = Setup.requested(options);
        this.control = new RunControl(runId, () -> setup.runtime());
    }

    public String runId() {
        return runId;
    }

    public SelfTestOptions options() {
        return options;
    }

    /** Whether shards copy the workspace in and reports out (remote engine, or asked for). */
    public boolean copiesWorkspace() {
        return setup.copiesWorkspace(options);
    }

    /** How shards run, for people: "local processes", "podman containers (local engine, workspace bind-mounted)". */
    public String mode() {
        return setup.mode(options);
    }

    /** Why containers were given up for local processes ({@link SelfTestOptions#containerFallback()}), if they were. */
    public Optional<String> fallbackReason() {
        return setup.fallbackReason();
    }

    /**
     * Checks what the run needs before anything starts ({@link SetupProbe}): the workspace, the container runtime and
     * the image; with {@link SelfTestOptions#containerFallback()} a runtime that does not work means local processes.
     *
     * @throws SetupException with a one-line reason
     */
    public void checkSetup() throws SetupException {
        setup = SetupProbe.probe(options, setup, runId);
        setup.archiveImage().ifPresent(image -> options = options.withImage(image));
    }

    /**
     * Compiles the project once, locally, before planning ({@link Preparation#prepare()}).
     *
     * @throws SetupException when the build fails, naming the log
     */
    public void prepare() throws IOException {
        new Preparation(options, control).prepare();
    }

    /**
     * Finds the tests and plans the shards from the history's timings ({@link TestDiscovery}).
     *
     * @throws SetupException when no test is found
     */
    public ShardPlan plan() throws IOException {
        return TestDiscovery.plan(options, false);
    }

    /**
     * Check, prepare, plan, run all shards at once, gather. While it runs, a JVM shutdown hook stops the shards'
     * process trees (and, for containers, removes the run's containers).
     *
     * @throws InterruptedIOException when the run was aborted, with the abort's {@link AbortReport#describe()}
     */
    public RunSummary run(RunListener listener) throws IOException {
        RunControl.Handle registration = control.register();
        RunControl.Handle stopper = control.stopOnShutdown();
        try {
            return runStoppable(listener);
        } finally {
            stopper.close();
            registration.close();
        }
    }

    private RunSummary runStoppable(RunListener listener) throws IOException {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Future<TimingHistory> history = TestDiscovery.readTimings(options);
        checkSetup();
        setup.archiveImage().ifPresent(image -> listener.note("loaded image " + image + " from "
                + options.imageArchive().map(a -> a.path() + " (" + a.field() + ")").orElse("its archive")));
        Preparation preparation = new Preparation(options, control);
        preparation.prepare();
        control.throwIfAborted();
        ShardPlan plan = TestDiscovery.plan(options, setup.runtime().isEmpty(), history);
        Setup probed = setup;
        preparation.warmUpOfflineMaven(probed, runId, listener)
                .ifPresent(repository -> setup = probed.withMavenRepository(repository));
        control.throwIfAborted();
        Files.createDirectories(options.reportDir());
        WorkspaceFiles.deleteTree(options.reportDir().resolve(ShardDirectory.SHARDS));
        plan.write(options.reportDir().resolve("plan.json"));
        setup.fallbackReason().ifPresent(r -> listener.note("containers unavailable, running shards as local processes: " + r));
        if (setup.runtime().isEmpty()) {
            listener.note("local shards: " + Cgroups.mode().describe());
        }
        listener.planned(plan, mode());
        plan.problems().forEach(listener::note);
        List<String> problems = new ArrayList<>();
        ShardPool.Ended ended;
        int reapFailures = 0;
        Setup current = setup;
        try (ContainerLock lock = current.runtime().isPresent() && options.lockFile().isPresent()
                ? ContainerLock.acquire(options.lockFile().get(), Duration.ofHours(1)) : null;
             AutoCloseable guard = current.runtime().isPresent() ? new Reaper(current.runtime().get()).guard(runId) : null) {
            Gatherer.warmUp(options, current.runtime().isPresent() ? 0
                    : plan.shards().stream().mapToInt(ShardPlan.Shard::workers).sum());
            ended = ShardPool.runAll(runId, plan, i -> runShardHere(plan, i, listener), control);
            if (current.runtime().isPresent() && !control.isAborted()) {
                // --rm removes each container at its end; anything still labelled with this run was not removed
                Reaper.Result reaped = new Reaper(current.runtime().get()).reap(Optional.of(runId), 2, Duration.ofMillis(500));
                reapFailures += reaped.failures() + reaped.removed().size();
                reaped.removed().forEach(id -> problems.add("container " + id.substring(0, Math.min(12, id.length()))
                        + " of run " + runId + " was still there after its shard; removed"));
                problems.addAll(reaped.problems());
            }
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("run " + runId + ": " + e.getMessage(), e);
        }
        if (ended.interrupted()) {
            Thread.currentThread().interrupt();
        }
        control.throwIfAborted();
        double seconds = (System.nanoTime() - t0) / 1e9;
        return gatherFinished(ended.shards(), started, seconds, mode(), reapFailures, problems, listener);
    }

    /**
     * Runs one shard of a plan and waits for it (up to the timeout). Never throws for a failing shard: the outcome
     * says what happened. Calls {@code listener.shardStarted/shardFinished}. A Maven shard in a container fills the
     * repository it runs offline against first, as a whole run does ({@link Preparation#warmUpOfflineMaven}): on its
     * agent nobody else did.
     */
    public ShardResult runShard(ShardPlan plan, int index, RunListener listener) {
        RunControl.Handle registration = control.registerIfAbsent(); // a single shard of a distributed run
        try {
            Setup probed = setup;
            if (probed.mavenRepository().isEmpty()) {
                new Preparation(options, control).warmUpOfflineMaven(probed, runId, listener)
                        .ifPresent(repository -> setup = probed.withMavenRepository(repository));
            }
            return runShardHere(plan, index, listener).result();
        } finally {
            registration.close();
        }
    }

    private FinishedShard runShardHere(ShardPlan plan, int index, RunListener listener) {
        control.shardStarted(index);
        try {
            ShardPlan.Shard shard = plan.shard(index);
            listener.shardStarted(shard);
            ShardDirectory dir = ShardDirectory.of(options.reportDir(), index);
            Setup current = setup;
            long t0 = System.nanoTime();
            ShardExecution execution;
            try {
                if (control.isAborted()) {
                    throw new InterruptedIOException("aborted before it started");
                }
                dir.prepare(shard.tests());
                execution = ShardRunner.choose(options, current, control).run(new ShardJob(runId, plan, shard, dir));
            } catch (IOException | RuntimeException e) {
                execution = ShardExecution.couldNotRun("shard " + index + " could not run: " + e.getMessage());
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            ShardReports reports = ShardReports.read(dir.reports());
            TestSuiteResult tests = reports.tests();
            OutcomeClassifier.Verdict v = OutcomeClassifier.classify(index, execution, tests, control.isAborted(),
                    current.runtime().isPresent(), options.timeout(), dir.log(), expectedClasses(shard));
            ShardResult r = new ShardResult(index, plan.shardCount(), shard.tests(), v.outcome(), execution.exit(),
                    seconds, tests.total(), tests.passed(), tests.failed() + tests.errors(), tests.skipped(),
                    v.containerFailures(), v.containerTimeouts(), v.problems(), Optional.empty(), mode(),
                    fixedCost(current, v.outcome(), seconds, tests, shard.workers()), shard.workers());
            listener.shardFinished(r);
            return new FinishedShard(r, reports);
        } finally {
            control.shardEnded(index);
        }
    }

    /**
     * The classes of the shard that must each leave a result: the test classes of a Maven or Gradle build found in
     * its class directories. Not pytest's files, not a custom command's, and not when the build arguments select
     * tests by tag (a class none of whose tests has the tag leaves nothing).
     */
    private List<String> expectedClasses(ShardPlan.Shard shard) {
        boolean byClass = (options.framework() == Framework.MAVEN || options.framework() == Framework.GRADLE)
                && options.paths().isEmpty();
        boolean byTag = options.args().stream().anyMatch(a -> a.startsWith("-Dgroups") || a.startsWith("-DexcludedGroups")
                || a.startsWith("-Dinclude") || a.startsWith("-Dexclude"));
        return byClass && !byTag ? shard.tests() : List.of();
    }

    /**
     * What a whole local shard cost besides its tests: its wall time less its tests' time per worker (the build
     * tool's start, the test processes' starts, the end). Container shards and broken shards tell nothing about it.
     */
    private static Optional<Double> fixedCost(Setup setup, ShardOutcome outcome, double seconds, TestSuiteResult tests,
                                              int workers) {
        if (setup.runtime().isPresent() || !outcome.complete() || tests.total() == 0) {
            return Optional.empty();
        }
        double testSeconds = tests.classDurations().values().stream().mapToDouble(Double::doubleValue).sum();
        return Optional.of(Math.max(0, seconds - testSeconds / Math.max(1, workers)));
    }

    /**
     * Merges shard results (of this process, or run separately into this run's report directory) into one summary:
     * tests, coverage, orphans; appends the history and writes the report directory. Each shard's reports are read
     * from its {@link ShardDirectory} here.
     */
    public RunSummary gather(ShardPlan plan, List<ShardResult> shards, Instant startedAt, double runtimeSeconds,
                             String mode, int extraContainerFailures, List<String> extraProblems, RunListener listener)
            throws IOException {
        List<FinishedShard> finished = shards.stream().map(s -> new FinishedShard(s,
                ShardReports.read(ShardDirectory.of(options.reportDir(), s.index()).reports()))).toList();
        return gatherFinished(finished, startedAt, runtimeSeconds, mode, extraContainerFailures, extraProblems, listener);
    }

    /** Merges the shards collected from other machines ({@code selfTestPublish}), as {@link #gather} does. */
    public RunSummary gather(ShardCollection collected, Instant startedAt, RunListener listener) throws IOException {
        return gatherFinished(collected.shards(), startedAt, collected.longestSeconds(), collected.mode(), 0,
                collected.problems(), listener);
    }

    private RunSummary gatherFinished(List<FinishedShard> shards, Instant startedAt, double runtimeSeconds, String mode,
                                      int extraContainerFailures, List<String> extraProblems, RunListener listener)
            throws IOException {
        RunSummary summary = new Gatherer(options, runId).gather(shards, startedAt, runtimeSeconds, mode,
                extraContainerFailures, extraProblems);
        return new ReportWriter(options).write(summary, listener);
    }

    /**
     * Aborts the run: stops all its running shards at once - local process trees (TERM, then KILL after 2 s) and the
     * run's containers (removed without the engine's stop timeout, concurrently) - and waits until they are gone (at
     * most 15 s). The shards end with outcome {@code aborted}, and {@link #run} throws {@link InterruptedIOException}
     * instead of gathering. Interrupting the thread in {@link #run} does the same. Thread-safe and idempotent: a later
     * call waits for the first and gets its report.
     */
    public AbortReport abort() {
        return control.abort();
    }

    /** Whether {@link #abort()} was called (or the run was interrupted). */
    public boolean isAborted() {
        return control.isAborted();
    }

    /**
     * Aborts the run (or single shard) {@code runId} going on in this JVM ({@link #abort()}); when it has ended, the
     * report of its abort if there was one; otherwise empty.
     */
    public static Optional<AbortReport> abortRunning(String runId) {
        return RunControl.abortRunning(runId);
    }

    /**
     * The {@code SELFTEST_COOKIE} of a local shard's process tree: {@code <runId>/shard-<index>}, so that the run's
     * owner can stop every process of the run by its id, even from another JVM ({@link #stopLocalShards}).
     */
    public static String shardCookie(String runId, int index) {
        return RunControl.shardCookie(runId, index);
    }

    /**
     * Stops (TERM, then KILL after {@code grace}) every local shard process of the run {@code runId} on this machine,
     * whoever started it; returns how many processes were found.
     */
    public static int stopLocalShards(String runId, Duration grace) {
        return RunControl.stopLocalShards(runId, grace);
    }

    /**
     * Stops (TERM, then KILL after {@code grace}) the local shard trees on this machine of runs whose owner is gone
     * (its CLI or agent JVM was killed), of every run or only of {@code runId}; live runs' shards are left alone.
     * Returns the cookies of the trees stopped.
     */
    public static List<String> stopOrphanedLocalShards(Optional<String> runId, Duration grace) {
        return RunControl.stopOrphanedLocalShards(runId, grace);
    }
}
