package io.jenkins.plugins.selftest.agent;

import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.container.Reaper;
import io.jenkins.plugins.selftest.engine.container.RuntimeChoice;
import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.report.LogText;
import io.jenkins.plugins.selftest.engine.run.AbortReport;
import io.jenkins.plugins.selftest.engine.run.RunListener;
import io.jenkins.plugins.selftest.engine.run.RunSummary;
import io.jenkins.plugins.selftest.engine.run.SelfTestOptions;
import io.jenkins.plugins.selftest.engine.run.SelfTestRun;
import io.jenkins.plugins.selftest.engine.run.SetupException;
import io.jenkins.plugins.selftest.engine.run.ShardCollection;
import io.jenkins.plugins.selftest.engine.run.ShardDirectory;
import io.jenkins.plugins.selftest.engine.run.ShardResult;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import jenkins.MasterToSlaveFileCallable;
import jenkins.security.MasterToSlaveCallable;

/**
 * The agent side of {@code selfTest}, {@code selfTestPlan} and {@code selfTestPublish}: callables invoked on the
 * workspace's {@link hudson.FilePath}, so the engine runs in the agent's JVM, next to the workspace. The engine runs
 * the container CLI itself there (the one process launcher of the project); the build's environment is handed to it,
 * so {@code DOCKER_HOST}, {@code DOCKER_CONFIG}, {@code DOCKER_CERT_PATH} and {@code CONTAINER_HOST} set by
 * {@code docker.withServer}/{@code withRegistry} reach every CLI call and every shard.
 *
 * <p>The calls answer with the engine's results ({@link RunSummary}, {@link ShardPlan}, {@link ShardResult}), which
 * Java serialization writes as their JSON; the settings go as JSON; the {@link TaskListener} is the build log's
 * remotable listener. Interrupting a call (the step's {@code stop()}) stops the shards: the engine stops their process trees and
 * removes their containers by label.
 */
public final class SelfTestCalls {

    private SelfTestCalls() {
    }

    /** Where the reports of run {@code runId} go: beside the workspace, in {@code <ws>@tmp}. */
    public static String reportDirName(String runId) {
        return "selftest-" + runId;
    }

    /** The history file written from earlier builds' records, in the report directory. */
    static final String HISTORY_FILE = "history.jsonl";

    /**
     * Writes each shard's end to the build log as it happens ("selfTest: shard 2/4 ok: 35 tests, 1 failed, 12.3 s").
     * Called from the shards' threads: one line at a time.
     */
    static final class LogListener implements RunListener {
        private final PrintStream log;
        private volatile int count = -1;

        private final String testUnits;

        /** @param testUnits what the tests are ({@code Framework.testUnits()}: "test classes", "test files") */
        LogListener(TaskListener listener, String testUnits) {
            this.log = listener.getLogger();
            this.testUnits = testUnits;
        }

        @Override
        public void planned(ShardPlan plan, String mode) {
            count = plan.shardCount();
            synchronized (log) {
                log.printf(Locale.ROOT, "selfTest: %d %s in %d shard(s), %d worker(s), as %s%n",
                        plan.allTests().size(), testUnits, plan.shardCount(),
                        plan.shards().stream().mapToInt(ShardPlan.Shard::workers).sum(), mode);
            }
        }

        @Override
        public void shardFinished(ShardResult r) {
            synchronized (log) {
                log.println("selfTest: " + shardLine(r.index(), count, r.outcome(), r.total(), r.failed(), r.skipped(),
                        r.runtimeSeconds()));
                r.problems().forEach(p -> log.println("selfTest:   " + LogText.line(p)));
            }
        }

        @Override
        public void note(String message) {
            synchronized (log) {
                log.println("selfTest: " + LogText.line(message));
            }
        }
    }

    /** One shard's line, numbered from 1 for people; {@code count} &lt; 0 when unknown. */
    public static String shardLine(int index, int count, ShardOutcome outcome, int total, int failed, int skipped,
                                   double seconds) {
        return String.format(Locale.ROOT, "shard %d%s %s: %d tests, %d failed%s, %.1f s", index + 1,
                count > 0 ? "/" + count : "", outcome, total, failed, skipped > 0 ? ", " + skipped + " skipped" : "", seconds);
    }

    /** Common state of the calls: settings, run id, environment, listener, report directory. */
    abstract static class Base<T> extends MasterToSlaveFileCallable<T> {
        private static final long serialVersionUID = 1L;
        final String settingsJson;
        final String runId;
        final HashMap<String, String> environment;
        final TaskListener listener;
        final String reportDir;

        Base(String settingsJson, String runId, Map<String, String> environment, TaskListener listener, String reportDir) {
            this.settingsJson = settingsJson;
            this.runId = runId;
            this.environment = new HashMap<>(environment);
            this.listener = listener;
            this.reportDir = reportDir;
        }

        SelfTestSettings settings() {
            return Json.read(settingsJson, SelfTestSettings.class);
        }

        SelfTestOptions options(File ws, Optional<String> historyJsonl) throws IOException {
            return options(ws, historyJsonl, true);
        }

        /**
         * Options whose class and source globs resolve: when the settings hold globs, the project is checked and
         * compiled first (the directories the globs match may not exist before), and the options made again with
         * preparation off.
         */
        SelfTestOptions preparedOptions(File ws, Optional<String> historyJsonl) throws IOException {
            SelfTestOptions first = options(ws, historyJsonl, true);
            if (!settings().hasGlobs()) {
                return first;
            }
            SelfTestRun pre = new SelfTestRun(first);
            pre.checkSetup();
            pre.prepare();
            return options(ws, historyJsonl, false);
        }

        SelfTestOptions options(File ws, Optional<String> historyJsonl, boolean prepare) throws IOException {
            if (!ws.isDirectory()) {
                // the first step of a new job: Jenkins has made no workspace, and the engine's CLI wording would not help
                throw new SetupException("the workspace " + ws + " does not exist yet: check out the project first "
                        + "(checkout scm, git ...) in the same node block");
            }
            Path report = Path.of(reportDir);
            Files.createDirectories(report);
            Optional<Path> history = Optional.empty();
            if (historyJsonl.isPresent()) {
                Path h = report.resolve(HISTORY_FILE);
                Files.writeString(h, historyJsonl.get(), StandardCharsets.UTF_8);
                history = Optional.of(h);
            }
            try {
                return settings().toOptions(ws.toPath(), report, history, environment, runId, prepare);
            } catch (IllegalArgumentException e) {
                throw new SetupException(e.getMessage(), e);
            }
        }
    }

    /**
     * The whole run: check, prepare, plan (with the history), all shards at once, gather. A run that cannot start
     * answers with its {@link RunSummary#setupError}.
     */
    public static final class Run extends Base<RunSummary> {
        private static final long serialVersionUID = 1L;
        private final String historyJsonl;

        public Run(String settingsJson, String historyJsonl, String runId, Map<String, String> environment,
                   TaskListener listener, String reportDir) {
            super(settingsJson, runId, environment, listener, reportDir);
            this.historyJsonl = historyJsonl;
        }

        @Override
        public RunSummary invoke(File ws, VirtualChannel channel) throws IOException {
            try {
                SelfTestOptions options = preparedOptions(ws, Optional.of(historyJsonl));
                return new SelfTestRun(options).run(new LogListener(listener, options.framework().testUnits()));
            } catch (SetupException e) {
                return RunSummary.setupError(e.getMessage(), reportDir);
            }
        }
    }

    /** {@code selfTestPlan}: check, prepare and plan with the history. */
    public static final class Plan extends Base<ShardPlan> {
        private static final long serialVersionUID = 1L;
        private final String historyJsonl;

        public Plan(String settingsJson, String historyJsonl, String runId, Map<String, String> environment,
                    TaskListener listener, String reportDir) {
            super(settingsJson, runId, environment, listener, reportDir);
            this.historyJsonl = historyJsonl;
        }

        @Override
        public ShardPlan invoke(File ws, VirtualChannel channel) throws IOException {
            SelfTestRun run = new SelfTestRun(preparedOptions(ws, Optional.of(historyJsonl)));
            run.prepare();
            ShardPlan plan = run.plan();
            plan.problems().forEach(p -> listener.getLogger().println("selfTest: " + LogText.line(p)));
            return plan;
        }
    }

    /**
     * One shard of a plan ({@code selfTest(shard: n)}): check, prepare, run it; its directory under the report
     * directory ({@code shards/shard-n/}: reports, shard.log) then holds its result ({@link ShardDirectory#writeResult}),
     * ready to be copied to the controller. A shard that cannot start answers with its {@link ShardResult#setupError}.
     */
    public static final class Shard extends Base<ShardResult> {
        private static final long serialVersionUID = 1L;
        private final String planJson;
        private final int index;

        public Shard(String settingsJson, String planJson, int index, String runId, Map<String, String> environment,
                     TaskListener listener, String reportDir) {
            super(settingsJson, runId, environment, listener, reportDir);
            this.planJson = planJson;
            this.index = index;
        }

        @Override
        public ShardResult invoke(File ws, VirtualChannel channel) throws IOException {
            ShardPlan plan = ShardPlan.fromJson(planJson);
            ShardPlan.Shard shard = plan.shard(index);
            ShardResult result;
            try {
                SelfTestOptions options = preparedOptions(ws, Optional.empty());
                SelfTestRun run = new SelfTestRun(options);
                run.checkSetup();
                run.prepare();
                listener.getLogger().printf(Locale.ROOT, "selfTest: shard %d/%d: %d %s, %d worker(s), as %s%n",
                        index + 1, plan.shardCount(), shard.tests().size(), options.framework().testUnits(),
                        shard.workers(), run.mode());
                LogListener log = new LogListener(listener, options.framework().testUnits());
                result = run.runShard(plan, index, new RunListener() {
                    @Override
                    public void note(String message) { // which Maven repository, an image loaded from an archive
                        log.note(message);
                    }
                });
                if (run.options().useContainer()) {
                    // containers are removed at their end; anything left of this run goes now
                    new Reaper(ContainerRuntime.of(run.options().runtime(), run.options().host(), environment))
                            .reap(Optional.of(run.runId()), 2, Duration.ofMillis(500));
                }
            } catch (SetupException e) {
                result = ShardResult.setupError(index, plan.shardCount(), shard.tests(), e.getMessage());
            }
            ShardDirectory.of(Path.of(reportDir), index).writeResult(result);
            return result;
        }
    }

    /**
     * {@code selfTestPublish}: the shards' directories were copied into {@code <reportDir>/shards/}; the engine collects
     * them ({@link ShardCollection}: their JUnit XML parsed again, the shards without results named), merges their
     * exec files, scans orphans on this workspace's classes and writes the report.
     */
    public static final class Publish extends Base<RunSummary> {
        private static final long serialVersionUID = 1L;
        private final String planJson;
        private final long startedAtMillis;

        public Publish(String settingsJson, String planJson, long startedAtMillis, String runId,
                       Map<String, String> environment, TaskListener listener, String reportDir) {
            super(settingsJson, runId, environment, listener, reportDir);
            this.planJson = planJson;
            this.startedAtMillis = startedAtMillis;
        }

        @Override
        public RunSummary invoke(File ws, VirtualChannel channel) throws IOException {
            ShardPlan plan = ShardPlan.fromJson(planJson);
            SelfTestOptions options;
            try {
                options = options(ws, Optional.empty());
                if (options.mainClassDirs().stream().noneMatch(Files::isDirectory)) {
                    try {
                        options = preparedOptions(ws, Optional.empty()); // coverage and orphans need the class files
                        new SelfTestRun(options).prepare();
                    } catch (SetupException e) {
                        listener.getLogger().println("selfTest: " + e.getMessage()
                                + "; publishing without coverage and orphans");
                    }
                }
            } catch (SetupException e) {
                return RunSummary.setupError(e.getMessage(), reportDir);
            }
            ShardCollection collected = ShardCollection.collect(plan, Path.of(reportDir));
            long t0 = System.nanoTime();
            RunSummary summary = new SelfTestRun(options).gather(collected, Instant.ofEpochMilli(startedAtMillis),
                    new LogListener(listener, options.framework().testUnits()));
            double gatherSeconds = (System.nanoTime() - t0) / 1e9;
            listener.getLogger().printf(Locale.ROOT, "selfTest: merged %d shard(s) in %.1f s%n", plan.shardCount(), gatherSeconds);
            return summary;
        }
    }

    /**
     * Stops run {@code runId} on this machine: when it runs in this JVM, it aborts it ({@link SelfTestRun#abort()}: all
     * shards at once; the line is {@code aborted; stopped 2 shards in 0.8 s}); otherwise it stops its local shard
     * processes (by their cookie) and removes its containers (by label, with the build's engine variables). Returns a
     * line for the log.
     */
    public static final class Reap extends MasterToSlaveCallable<String, IOException> {
        private static final long serialVersionUID = 1L;
        private final String runId;
        private final String runtime;
        private final String dockerHost;
        private final HashMap<String, String> environment;

        public Reap(String runId, String runtime, String dockerHost, Map<String, String> environment) {
            this.runId = runId;
            this.runtime = runtime;
            this.dockerHost = dockerHost;
            this.environment = new HashMap<>(environment);
        }

        @Override
        public String call() {
            // the run in this JVM stops all its shards at once and says how long that took
            Optional<AbortReport> aborted = SelfTestRun.abortRunning(runId);
            if (aborted.isPresent()) {
                return aborted.get().describe();
            }
            int processes = SelfTestRun.stopLocalShards(runId, Duration.ofSeconds(5));
            int containers = 0;
            List<String> problems = new ArrayList<>();
            if (runtime != null && RuntimeChoice.parse(runtime).usesContainers()) {
                ContainerRuntime rt = ContainerRuntime.of(runtime, Optional.ofNullable(dockerHost), environment);
                if (rt.installed()) {
                    Reaper.Result r = new Reaper(rt).reap(Optional.of(runId), 2, Duration.ofMillis(500));
                    containers = r.removed().size();
                    problems.addAll(r.problems());
                }
            }
            return "stopped " + processes + " shard process(es) and removed " + containers + " container(s) of run "
                    + runId + (problems.isEmpty() ? "" : "; " + String.join("; ", problems));
        }
    }

    /**
     * The periodic clean-up on one agent: with each of docker and podman that is installed, removes selftest
     * containers of Jenkins runs ({@code runPrefix}) that are not among {@code liveRuns}, and what ended service
     * blocks left (containers whose client process is gone, then networks and volumes of blocks with no container
     * left: {@link Reaper#reapFinished}). Returns one line per runtime that removed something or failed.
     */
    public static final class ReapStale extends MasterToSlaveCallable<ArrayList<String>, IOException> {
        private static final long serialVersionUID = 1L;
        private final String runPrefix;
        private final ArrayList<String> liveRuns;

        public ReapStale(String runPrefix, List<String> liveRuns) {
            this.runPrefix = runPrefix;
            this.liveRuns = new ArrayList<>(liveRuns);
        }

        @Override
        public ArrayList<String> call() {
            ArrayList<String> lines = new ArrayList<>();
            Predicate<String> live = liveRuns::contains;
            for (ContainerRuntime.Kind kind : ContainerRuntime.Kind.values()) {
                ContainerRuntime rt = ContainerRuntime.of(kind.executable(), Optional.empty(), System.getenv());
                if (!rt.installed()) {
                    continue;
                }
                Reaper.Result r = new Reaper(rt).reapStale(runPrefix, live);
                if (!r.removed().isEmpty() || r.failures() > 0) {
                    lines.add(kind.executable() + ": removed " + r.removed().size() + " stale container(s)"
                            + (r.problems().isEmpty() ? "" : "; " + String.join("; ", r.problems())));
                }
                Reaper.Result ended = new Reaper(rt).reapFinished(1, java.time.Duration.ofMillis(200));
                if (!ended.removed().isEmpty() || ended.failures() > 0) {
                    lines.add(kind.executable() + ": removed " + ended.removed().size() + " container(s), network(s) or"
                            + " volume(s) of ended runs and service blocks"
                            + (ended.problems().isEmpty() ? "" : "; " + String.join("; ", ended.problems())));
                }
            }
            return lines;
        }
    }
}
