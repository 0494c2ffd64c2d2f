package io.jenkins.plugins.selftest.steps;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.selftest.Messages;
import io.jenkins.plugins.selftest.actions.SelfTestBuildAction;
import io.jenkins.plugins.selftest.agent.ActiveRuns;
import io.jenkins.plugins.selftest.agent.RemoteSelfTestAccess;
import io.jenkins.plugins.selftest.agent.SelfTestAccess;
import io.jenkins.plugins.selftest.agent.SelfTestCalls;
import io.jenkins.plugins.selftest.agent.SelfTestSettings;
import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.run.RunSummary;
import io.jenkins.plugins.selftest.engine.run.SetupException;
import io.jenkins.plugins.selftest.engine.run.ShardResult;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jenkinsci.plugins.workflow.FilePathUtils;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * Runs {@code selfTest}, {@code selfTest(shard: n)}, {@code selfTestPlan} and {@code selfTestPublish}.
 *
 * <p>Design: like {@code SynchronousNonBlockingStepExecution} (which it does not extend so that unit tests over the
 * API stand-in can drive it), the work runs on a thread of its own, never on the CPS thread, and blocks on one
 * remote call into the agent ({@link SelfTestCalls}). The engine runs the shards inside that call, in the agent's JVM.
 * It is not durable across a controller restart, on purpose: a run is bounded by its per-shard timeout, its results
 * come back in one piece, and rerunning tests is the honest answer to a restart. So {@link #onResume()} stops what
 * the run left on the agent (shard processes by cookie, containers by label) and fails the step with a message
 * saying so. {@link #stop} interrupts the remote call (the engine then aborts the run: all shards at once, their
 * process trees stopped and their containers removed without a stop timeout, outcome {@code aborted}) and reaps by run
 * id as well, which aborts the same run if the interrupt has not arrived yet and logs
 * {@code selfTest: aborted; stopped 2 shards in 0.8 s}.
 *
 * <p>Persisted (for {@link #onResume}): the kind, the run id, the node and workspace path, the container runtime,
 * the engine address and the container CLI's variables of the build's environment.
 */
public final class SelfTestExecution extends StepExecution {

    private static final long serialVersionUID = 1L;
    private static final Logger LOGGER = Logger.getLogger(SelfTestExecution.class.getName());

    /** The build directory's files of a distributed run: the plan and what it was planned with. */
    static final String PLAN_FILE = "selftest/plan.json";
    static final String PLAN_SETTINGS_FILE = "selftest/plan-settings.json";

    /** How many earlier builds with results the timings come from (TimingHistory averages the last complete ones). */
    static final int HISTORY_BUILDS = 10;
    /** How far back to look for them. */
    static final int HISTORY_SCAN = 50;

    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "selfTest step");
        t.setDaemon(true);
        return t;
    });

    /** Where the step's work runs; its own cached pool unless a test replaces it. */
    static Supplier<ExecutorService> executor = () -> POOL;

    enum Kind { RUN, SHARD, PLAN, PUBLISH }

    /** The settings of a plan, kept in the build directory for the shards and the publish. */
    public record PlanSettings(SelfTestSettings settings, String runId, long startedAtMillis) {
    }

    private final StepContext context;
    private final Kind kind;
    private final String settingsJson;
    private final int shard;
    private final boolean failOnError;
    private final boolean unstableOnFailures;
    private final String runtime;
    private final String dockerHost;
    private String runId;
    private String node;
    private String workspacePath;
    private HashMap<String, String> cliEnvironment = new HashMap<>();
    private volatile String status = "starting";

    private transient SelfTestAccess access;
    private transient volatile Future<?> task;
    private final AtomicBoolean completed = new AtomicBoolean();

    private SelfTestExecution(Kind kind, StepContext context, SelfTestSettings settings, int shard, boolean failOnError,
                              boolean unstableOnFailures) {
        super(context);
        this.context = context;
        this.kind = kind;
        this.settingsJson = settings == null ? null : Json.write(settings);
        this.shard = shard;
        this.failOnError = failOnError;
        this.unstableOnFailures = unstableOnFailures;
        this.runtime = settings == null ? "none" : settings.runtime();
        this.dockerHost = settings == null ? null : settings.dockerHost().orElse(null);
    }

    static SelfTestExecution run(SelfTestStep step, SelfTestSettings settings, StepContext context) {
        return new SelfTestExecution(Kind.RUN, context, settings, -1, step.isFailOnError(), step.isUnstableOnFailures());
    }

    static SelfTestExecution shard(SelfTestStep step, SelfTestSettings settings, int shard, StepContext context) {
        return new SelfTestExecution(Kind.SHARD, context, settings, shard, step.isFailOnError(), step.isUnstableOnFailures());
    }

    static SelfTestExecution plan(SelfTestStep step, SelfTestSettings settings, StepContext context) {
        return new SelfTestExecution(Kind.PLAN, context, settings, -1, step.isFailOnError(), step.isUnstableOnFailures());
    }

    static SelfTestExecution publish(SelfTestPublishStep step, StepContext context) {
        return new SelfTestExecution(Kind.PUBLISH, context, null, -1, step.isFailOnError(), step.isUnstableOnFailures());
    }

    /** For tests: the agent side is {@code access}. */
    SelfTestExecution withAccess(SelfTestAccess access) {
        this.access = access;
        return this;
    }

    @Override
    public StepContext getContext() {
        return context;
    }

    String runId() {
        return runId;
    }

    @Override
    public boolean start() throws Exception {
        StepContext c = getContext();
        Run<?, ?> run = c.get(Run.class);
        if (access == null) {
            FilePath ws = c.get(FilePath.class);
            node = FilePathUtils.getNodeName(ws);
            workspacePath = ws.getRemote();
            access = new RemoteSelfTestAccess(ws, run, c.get(Launcher.class), c.get(TaskListener.class));
        }
        runId = ActiveRuns.PREFIX + run.getNumber() + "-" + UUID.randomUUID().toString().substring(0, 8);
        EnvVars env = c.get(EnvVars.class);
        Map<String, String> environment = env == null ? Map.of() : new LinkedHashMap<>(env);
        for (String v : ContainerRuntime.CLI_VARIABLES) {
            if (environment.get(v) != null) {
                cliEnvironment.put(v, environment.get(v));
            }
        }
        ActiveRuns.add(runId);
        status = kind.name().toLowerCase(Locale.ROOT) + " " + runId + " on " + access.describe();
        task = executor.get().submit(() -> {
            try {
                Object result = work(run, c.get(TaskListener.class), environment);
                complete(() -> c.onSuccess(result));
            } catch (InterruptedException e) {
                // stop() ends the step
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                complete(() -> c.onFailure(t));
            } finally {
                ActiveRuns.remove(runId);
            }
        });
        return false;
    }

    private void complete(Runnable r) {
        if (completed.compareAndSet(false, true)) {
            r.run();
        }
    }

    @Override
    public void stop(Throwable cause) {
        Future<?> t = task;
        if (t != null) {
            t.cancel(true);
        }
        executor.get().submit(() -> {
            String reaped = reap();
            log("selfTest: " + (reaped.startsWith("aborted") ? reaped : "aborted; " + reaped));
            complete(() -> getContext().onFailure(cause));
            ActiveRuns.remove(runId);
        });
    }

    @Override
    public void onResume() {
        executor.get().submit(() -> {
            String reaped = reap();
            complete(() -> getContext().onFailure(new AbortException(Messages.get("SelfTestStep.Resumed", reaped))));
        });
    }

    /** A safe restart waits for a running selfTest rather than cutting its tests short (it would not resume). */
    @Override
    public boolean blocksRestart() {
        Future<?> t = task;
        return t != null && !t.isDone();
    }

    @Override
    public String getStatus() {
        return "selfTest " + status;
    }

    /** Stops what is left of this run on the agent; never throws, returns a line for the log. */
    String reap() {
        if (runId == null) {
            return "nothing had started";
        }
        try {
            SelfTestAccess a = access;
            if (a == null) {
                FilePath ws = FilePathUtils.find(node, workspacePath);
                if (ws == null) {
                    return "the agent of " + workspacePath + " is not connected; its containers of run " + runId
                            + " are removed by the periodic clean-up";
                }
                a = new RemoteSelfTestAccess(ws, getContext().get(Run.class), null, listenerOrNull());
            }
            return a.reap(runId, runtime, dockerHost, cliEnvironment);
        } catch (Exception e) {
            LOGGER.log(Level.WARNING, "cannot reap selfTest run " + runId, e);
            return "cannot clean up run " + runId + ": " + e.getMessage();
        }
    }

    // --- the work, on the step's own thread ---

    Object work(Run<?, ?> run, TaskListener listener, Map<String, String> environment) throws Exception {
        return switch (kind) {
            case RUN -> {
                listener.getLogger().println("selfTest: run " + runId + " in " + access.describe());
                RunSummary o = Json.read(call(() -> access.run(settingsJson, history(run), runId, environment)),
                        RunSummary.class);
                yield publish(run, listener, o);
            }
            case PLAN -> plan(run, listener, environment);
            case SHARD -> runShard(run, listener, environment);
            case PUBLISH -> {
                PlanSettings ps = readPlanSettings(run)
                        .orElseThrow(() -> new AbortException(Messages.get("SelfTestPublishStep.NoPlan")));
                String planJson = readBuildFile(run, PLAN_FILE)
                        .orElseThrow(() -> new AbortException(Messages.get("SelfTestPublishStep.NoPlan")));
                listener.getLogger().println("selfTest: merging the shards of run " + ps.runId() + " in " + access.describe());
                RunSummary o = Json.read(call(() -> access.publish(Json.write(ps.settings()), planJson,
                        ps.startedAtMillis(), runId, environment)), RunSummary.class);
                yield publish(run, listener, o);
            }
        };
    }

    private interface RemoteCall {
        String call() throws Exception;
    }

    /** A remote call; a setup problem and any I/O failure become an AbortException naming the machine. */
    private String call(RemoteCall c) throws Exception {
        try {
            return c.call();
        } catch (SetupException e) {
            throw new AbortException(Messages.get("SelfTestStep.SetupFailed", access.describe(), e.getMessage()));
        } catch (InterruptedException | AbortException e) {
            throw e;
        } catch (IOException e) {
            AbortException a = new AbortException("selfTest: " + e.getMessage() + " (" + access.describe() + ")");
            a.initCause(e);
            throw a;
        }
    }

    private Object plan(Run<?, ?> run, TaskListener listener, Map<String, String> environment) throws Exception {
        long started = System.currentTimeMillis();
        String planJson = call(() -> access.plan(settingsJson, history(run), runId, environment));
        ShardPlan plan = ShardPlan.fromJson(planJson);
        SelfTestSettings settings = Json.read(settingsJson, SelfTestSettings.class);
        java.nio.file.Path root = run.getRootDir().toPath();
        deleteTree(root.resolve(RemoteSelfTestAccess.SHARDS_DIR));
        Json.writeAtomically(root.resolve(PLAN_FILE), plan);
        Json.writeAtomically(root.resolve(PLAN_SETTINGS_FILE), new PlanSettings(settings, runId, started));
        listener.getLogger().printf(Locale.ROOT, "selfTest: planned %d test classes in %d shard(s)%s%n",
                plan.allTests().size(), plan.shardCount(), plan.shards().stream().map(s -> String.format(Locale.ROOT,
                        " [%d: %d classes, %d worker(s), ~%.0f s]", s.index(), s.tests().size(), s.workers(),
                        s.estimatedSeconds())).reduce("", String::concat));
        return planForPipeline(plan);
    }

    /** The plan as a Pipeline sees it: a serializable list of plain maps (index, tests, workers, estimatedSeconds). */
    static ArrayList<Map<String, Object>> planForPipeline(ShardPlan plan) {
        ArrayList<Map<String, Object>> list = new ArrayList<>();
        for (ShardPlan.Shard s : plan.shards()) {
            LinkedHashMap<String, Object> m = new LinkedHashMap<>();
            m.put("index", s.index());
            m.put("tests", new ArrayList<>(s.tests()));
            m.put("workers", s.workers());
            m.put("estimatedSeconds", s.estimatedSeconds());
            list.add(m);
        }
        return list;
    }

    private Object runShard(Run<?, ?> run, TaskListener listener, Map<String, String> environment) throws Exception {
        String planJson = readBuildFile(run, PLAN_FILE)
                .orElseThrow(() -> new AbortException(Messages.get("SelfTestStep.NoPlan", shard)));
        ShardPlan plan = ShardPlan.fromJson(planJson);
        if (shard >= plan.shardCount()) {
            throw new AbortException(Messages.get("SelfTestStep.ShardNotInPlan", shard, plan.shardCount() - 1));
        }
        String merged = readPlanSettings(run).map(ps -> Json.write(ps.settings()
                .forShard(Json.read(settingsJson, SelfTestSettings.class)))).orElse(settingsJson);
        ShardResult o = Json.read(call(() -> access.runShard(merged, planJson, shard, runId, environment)),
                ShardResult.class);
        PrintStream log = listener.getLogger();
        log.println("selfTest: " + SelfTestCalls.shardLine(o.index(), o.shardCount(), o.outcome(), o.total(), o.failed(),
                o.skipped(), o.runtimeSeconds()));
        o.problems().forEach(p -> log.println("selfTest:   " + p));
        if (o.outcome() == ShardOutcome.ABORTED) {
            throw new AbortException("selfTest: shard " + shard + " was aborted");
        }
        if (o.setupError().isPresent() || o.outcome() == ShardOutcome.ERROR) {
            String why = o.setupError().orElse(o.problems().isEmpty() ? "it left no results" : o.problems().get(0));
            if (failOnError) {
                throw new AbortException(Messages.get("SelfTestStep.ShardErrors", 1, "shard " + shard + ": " + why));
            }
            log.println("selfTest: shard " + shard + " could not run; going on (failOnError: false)");
        }
        boolean timedOut = o.outcome() == ShardOutcome.TIMEOUT;
        if (o.failed() > 0 || timedOut) {
            failedTests(run, o.failed(), timedOut ? 1 : 0);
        }
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        m.put("index", o.index());
        m.put("outcome", o.outcome().label());
        m.put("total", o.total());
        m.put("passed", o.passed());
        m.put("failed", o.failed());
        m.put("skipped", o.skipped());
        return m;
    }

    /** Archives the reports, records the build action, sets the result; returns the summary for the Pipeline. */
    private Object publish(Run<?, ?> run, TaskListener listener, RunSummary o) throws Exception {
        PrintStream log = listener.getLogger();
        if (o.details().isEmpty()) {
            access.discard(o.reportDir());
            String why = o.setupError().orElse("no results");
            if (failOnError) {
                throw new AbortException(Messages.get("SelfTestStep.SetupFailed", access.describe(), why));
            }
            log.println("selfTest: the tests could not run: " + why + " (failOnError: false: going on)");
            warn(Messages.get("SelfTestStep.SetupFailed", access.describe(), why), Result.UNSTABLE, false);
            return summary(Optional.empty());
        }
        RunDetails details = o.details().get();
        Optional<RunRecord> previous = previousRecord(run);
        // a second selfTest of the build gets its own action, page and artifact directory (selfTest-2, selftest-2/)
        SelfTestBuildAction action = SelfTestBuildAction.attach(run, details);
        action.repeatNote().ifPresent(n -> log.println("selfTest: " + n));
        try {
            access.archive(o.reportDir(), o.artifacts(), action.getArtifactDir());
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            LOGGER.log(Level.WARNING, "cannot archive the selfTest reports of " + run, e);
            log.println("selfTest: cannot archive the reports: " + e.getMessage());
        } finally {
            access.discard(o.reportDir()); // archived: nothing of the run stays beside the workspace
        }
        RunRecord r = details.record();
        o.problems().forEach(p -> log.println("selfTest: " + p));
        log.println("selfTest: " + describe(r, previous) + (o.artifacts().isEmpty() ? ""
                : "; reports archived under " + action.getArtifactDir() + "/"));
        List<String> errors = new ArrayList<>();
        int timeouts = 0;
        for (int i = 0; i < o.outcomes().size(); i++) {
            if (o.outcomes().get(i) == ShardOutcome.ERROR) {
                errors.add("shard " + i);
            } else if (o.outcomes().get(i) == ShardOutcome.ABORTED) {
                errors.add("shard " + i + " was aborted");
            } else if (o.outcomes().get(i) == ShardOutcome.TIMEOUT) {
                timeouts++;
            }
        }
        if (!errors.isEmpty()) {
            if (failOnError) {
                throw new AbortException(Messages.get("SelfTestStep.ShardErrors", errors.size(), String.join(", ", errors)));
            }
            log.println("selfTest: " + String.join(", ", errors) + " could not run; going on (failOnError: false)");
        }
        int failed = r.failed() + r.errors();
        if (failed > 0 || timeouts > 0) {
            failedTests(run, failed, timeouts);
        }
        return summary(Optional.of(r));
    }

    /** Test failures: the build becomes UNSTABLE (with a warning on the step), or the step fails. */
    private void failedTests(Run<?, ?> run, int failed, int timeouts) throws Exception {
        String message = failed + " test(s) failed" + (timeouts > 0 ? ", " + timeouts + " shard(s) timed out" : "");
        if (!unstableOnFailures) {
            throw new AbortException(Messages.get("SelfTestStep.TestsFailed", failed, timeouts));
        }
        warn("selfTest: " + message, Result.UNSTABLE, true);
    }

    private void warn(String message, Result result, boolean setRunResult) throws IOException, InterruptedException {
        if (setRunResult) {
            getContext().get(Run.class).setResult(result);
        }
        FlowNode flowNode = getContext().get(FlowNode.class);
        if (flowNode != null) {
            flowNode.addOrReplaceAction(new WarningAction(result).withMessage(message));
        }
    }

    /** "120 tests: 118 passed, 1 failed, 1 skipped in 42.0 s; line coverage 83.4% (+1.2 vs previous); 3 orphans". */
    static String describe(RunRecord r, Optional<RunRecord> previous) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d tests: %d passed, %d failed, %d skipped in %.1f s",
                r.total(), r.passed(), r.failed() + r.errors(), r.skipped(), r.runtimeSeconds()));
        r.lineCoverage().ifPresent(c -> {
            sb.append(String.format(Locale.ROOT, "; line coverage %.1f%%", c * 100));
            previous.flatMap(RunRecord::lineCoverage).ifPresent(p ->
                    sb.append(String.format(Locale.ROOT, " (%+.1f vs the previous build)", (c - p) * 100)));
        });
        sb.append("; ").append(r.orphanTotal()).append(" orphan class(es)");
        return sb.toString();
    }

    /** The summary a script branches on: plain String keys and Number values (coverage: line %, null when none). */
    static Map<String, Object> summary(Optional<RunRecord> record) {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        m.put("total", record.map(RunRecord::total).orElse(0));
        m.put("passed", record.map(RunRecord::passed).orElse(0));
        m.put("failed", record.map(r -> r.failed() + r.errors()).orElse(0));
        m.put("skipped", record.map(RunRecord::skipped).orElse(0));
        m.put("coverage", record.flatMap(RunRecord::lineCoverage).map(c -> Math.round(c * 1000) / 10.0).orElse(null));
        m.put("orphans", record.map(RunRecord::orphanTotal).orElse(0));
        return m;
    }

    // --- the build's storage ---

    /** Earlier builds' records of this job, oldest first, as JSON lines (the engine's history format). */
    static String history(Run<?, ?> run) {
        List<RunRecord> records = new ArrayList<>();
        int scanned = 0;
        for (Run<?, ?> r = run.getPreviousBuild(); r != null && scanned < HISTORY_SCAN && records.size() < HISTORY_BUILDS;
             r = r.getPreviousBuild(), scanned++) {
            SelfTestBuildAction a = r.getAction(SelfTestBuildAction.class);
            if (a != null) {
                try {
                    records.add(a.getRecord());
                } catch (RuntimeException e) {
                    LOGGER.log(Level.FINE, "unreadable selfTest record on " + r, e);
                }
            }
        }
        Collections.reverse(records);
        StringBuilder sb = new StringBuilder();
        records.forEach(rec -> sb.append(Json.write(rec)).append('\n'));
        return sb.toString();
    }

    private static Optional<RunRecord> previousRecord(Run<?, ?> run) {
        int scanned = 0;
        for (Run<?, ?> r = run.getPreviousBuild(); r != null && scanned < HISTORY_SCAN; r = r.getPreviousBuild(), scanned++) {
            SelfTestBuildAction a = r.getAction(SelfTestBuildAction.class);
            if (a != null) {
                return Optional.of(a.getRecord());
            }
        }
        return Optional.empty();
    }

    static Optional<String> readBuildFile(Run<?, ?> run, String relative) throws IOException {
        java.nio.file.Path p = run.getRootDir().toPath().resolve(relative);
        return java.nio.file.Files.isRegularFile(p) ? Optional.of(java.nio.file.Files.readString(p)) : Optional.empty();
    }

    static Optional<PlanSettings> readPlanSettings(Run<?, ?> run) throws IOException {
        return readBuildFile(run, PLAN_SETTINGS_FILE).map(s -> Json.read(s, PlanSettings.class));
    }

    private static void deleteTree(java.nio.file.Path dir) throws IOException {
        if (!java.nio.file.Files.exists(dir)) {
            return;
        }
        try (var s = java.nio.file.Files.walk(dir)) {
            for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                java.nio.file.Files.deleteIfExists(p);
            }
        }
    }

    private TaskListener listenerOrNull() {
        try {
            return getContext().get(TaskListener.class);
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    private void log(String line) {
        TaskListener l = listenerOrNull();
        if (l != null) {
            l.getLogger().println(line);
        }
    }
}
