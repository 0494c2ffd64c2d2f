package io.jenkins.plugins.selftest.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.model.Action;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.selftest.actions.SelfTestBuildAction;
import io.jenkins.plugins.selftest.agent.ActiveRuns;
import io.jenkins.plugins.selftest.agent.AgentLink;
import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import io.jenkins.plugins.selftest.engine.run.RunSummary;
import io.jenkins.plugins.selftest.agent.RemoteSelfTestAgent;
import io.jenkins.plugins.selftest.agent.SelfTestAgent;
import io.jenkins.plugins.selftest.agent.SelfTestSettings;
import io.jenkins.plugins.selftest.engine.run.ShardResult;
import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.run.SetupException;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import io.jenkins.plugins.selftest.fakes.FakeContext;
import io.jenkins.plugins.selftest.fakes.FakeListener;
import io.jenkins.plugins.selftest.fakes.FakeRun;
import io.jenkins.plugins.selftest.fakes.ManualScheduler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/** The selfTest executions against fakes of the context, the build and the agent side. */
class SelfTestExecutionTest {

    @TempDir
    Path tmp;
    /** Runs submitted work at once, on the test's thread. */
    private ExecutorService executor = new ManualScheduler();
    private final FakeListener listener = new FakeListener();
    private final ScriptedAccess access = new ScriptedAccess();
    private BuildRun run;
    private FakeContext context;

    @BeforeEach
    void setUp() throws Exception {
        run = new BuildRun(tmp.resolve("builds/7").toFile(), 7);
        EnvVars env = new EnvVars();
        env.put("DOCKER_HOST", "tcp://docker.example:2376");
        env.put("DOCKER_CONFIG", "/tmp/registry-config");
        env.put("PATH", "/usr/bin");
        context = new FakeContext().with(TaskListener.class, listener).with(Run.class, run).with(EnvVars.class, env);
    }

    // --- the whole run ---

    @Test
    void runRecordsTheActionArchivesTheReportsAndReturnsAPlainSummary() throws Exception {
        access.runOutcome = outcome(record("r", 10, 8, 1, 1, 0, Optional.of(0.834)), List.of("ok", "failed"));

        Object result = start(new SelfTestStep());

        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) result;
        assertThat(summary).containsExactly(Map.entry("total", 10), Map.entry("passed", 8), Map.entry("failed", 2),
                Map.entry("skipped", 0), Map.entry("coverage", 83.4), Map.entry("orphans", 3));
        assertThat(summary.values()).allMatch(v -> v instanceof Number);
        SelfTestBuildAction action = run.getAction(SelfTestBuildAction.class);
        assertThat(action).isNotNull();
        assertThat(action.getRecord().total()).isEqualTo(10);
        assertThat(tmp.resolve("builds/7/" + SelfTestBuildAction.DETAILS_FILE)).exists();
        assertThat(access.archived).containsExactly("/agent/ws@tmp/report|jacoco/index.html,orphans.json|selftest");
        assertThat(access.discarded).as("the agent's report directory goes once archived").containsExactly("/agent/ws@tmp/report");
        assertThat(run.resultSet).as("test failures make the build UNSTABLE").isTrue();
        assertThat(listener.text()).contains("selfTest: 10 tests: 8 passed, 2 failed, 0 skipped in 12.5 s; "
                + "line coverage 83.4%; 3 orphan class(es); reports archived under selftest/");
    }

    @Test
    void theBuildLogCallsPytestOrphansModules() {
        RunRecord r = record("py", 13, 11, 1, 1, 0, Optional.of(0.783));

        assertThat(ResultPublisher.describe(r, Optional.empty(), true)).endsWith("; 3 orphan module(s)");
        assertThat(ResultPublisher.describe(r, Optional.empty())).endsWith("; 3 orphan class(es)");
    }

    /** Regression (issue #8, 10a): a second selfTest in one build silently replaced the first one's results. */
    @Test
    void aSecondSelfTestInTheBuildKeepsTheFirstsResultsAndSaysWhereItsOwnAre() throws Exception {
        access.runOutcome = outcome(record("unit", 10, 10, 0, 0, 0, Optional.of(0.8)), List.of("ok"));
        start(new SelfTestStep());
        access.runOutcome = outcome(record("integration", 4, 3, 1, 0, 0, Optional.empty()), List.of("failed"));
        context = new FakeContext().with(TaskListener.class, listener).with(Run.class, run)
                .with(EnvVars.class, context.get(EnvVars.class));
        start(new SelfTestStep());

        List<SelfTestBuildAction> actions = run.getActions(SelfTestBuildAction.class);
        assertThat(actions).extracting(SelfTestBuildAction::getUrlName).containsExactly("selfTest", "selfTest-2");
        assertThat(actions).extracting(a -> a.getRecord().runId()).containsExactly("unit", "integration");
        assertThat(actions).allMatch(a -> a.getRun() == run, "attached to the build");
        assertThat(access.archived).extracting(a -> a.substring(a.lastIndexOf('|') + 1))
                .containsExactly("selftest", "selftest-2");
        assertThat(tmp.resolve("builds/7/selftest/details.json")).exists();
        assertThat(tmp.resolve("builds/7/selftest-2/details.json")).exists();
        assertThat(listener.text()).doesNotContain("selfTest call 1 ")
                .contains("selfTest: selfTest call 2 of this build: its results are kept beside the earlier ones "
                        + "(which stay as they were), as \"Self-test results (2)\" at .../selfTest-2/, reports under selftest-2/")
                .contains("reports archived under selftest-2/");
    }

    @Test
    void runGetsTheBuildEnvironmentAndTheTimingsOfEarlierBuildsOldestFirst() throws Exception {
        BuildRun older = new BuildRun(tmp.resolve("builds/5").toFile(), 5);
        older.actions.add(new SelfTestBuildAction(record("five", 4, 4, 0, 0, 0, Optional.of(0.5))));
        BuildRun noResults = new BuildRun(tmp.resolve("builds/6").toFile(), 6);
        noResults.previous = older;
        run.previous = noResults;
        access.runOutcome = outcome(record("r", 4, 4, 0, 0, 0, Optional.of(0.6)), List.of("ok"));

        start(new SelfTestStep());

        assertThat(access.history).hasSize(1);
        assertThat(Json.read(access.history.get(0), RunRecord.class).runId()).isEqualTo("five");
        assertThat(access.environment).containsEntry("DOCKER_HOST", "tcp://docker.example:2376")
                .containsEntry("DOCKER_CONFIG", "/tmp/registry-config").containsEntry("PATH", "/usr/bin");
        assertThat(access.runId).startsWith(ActiveRuns.PREFIX + "7-");
        assertThat(ActiveRuns.contains(access.runId)).as("no longer active once the step ended").isFalse();
        assertThat(listener.text()).contains("line coverage 60.0% (+10.0 vs the previous build)");
        assertThat(run.resultSet).as("all passed: the result is left alone").isFalse();
    }

    @Test
    void testFailuresFailTheStepWhenUnstableOnFailuresIsOff() throws Exception {
        access.runOutcome = outcome(record("r", 3, 2, 1, 0, 0, Optional.empty()), List.of("failed"));
        SelfTestStep step = new SelfTestStep();
        step.setUnstableOnFailures(false);

        assertThatThrownBy(() -> start(step)).isInstanceOf(AbortException.class)
                .hasMessageContaining("1 test(s) failed").hasMessageContaining("unstableOnFailures");
        assertThat(run.getAction(SelfTestBuildAction.class)).as("published before failing").isNotNull();
        assertThat(run.resultSet).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"true", "false"})
    void setupErrorAbortsNamingTheMachineUnlessFailOnErrorIsOff(boolean failOnError) throws Exception {
        access.runOutcome = RunSummary.setupError(
                "container image 'nope:1' is not available to podman: no such image", "/agent/ws@tmp/report");
        SelfTestStep step = new SelfTestStep();
        step.setRuntime("podman");
        step.setImage("nope:1");
        step.setFailOnError(failOnError);

        if (failOnError) {
            assertThatThrownBy(() -> start(step)).isInstanceOf(AbortException.class)
                    .hasMessage("selfTest: the tests could not run on /agent/ws: container image 'nope:1' is not "
                            + "available to podman: no such image");
        } else {
            @SuppressWarnings("unchecked")
            Map<String, Object> summary = (Map<String, Object>) start(step);
            assertThat(summary).containsEntry("total", 0).containsEntry("coverage", null);
            assertThat(listener.text()).contains("failOnError: false");
        }
        assertThat(run.getAction(SelfTestBuildAction.class)).isNull();
    }

    @Test
    void aShardThatCouldNotRunFailsTheStepAfterTheOthersArePublished() throws Exception {
        access.runOutcome = outcome(record("r", 5, 5, 0, 0, 0, Optional.empty()), List.of("ok", "error"));

        assertThatThrownBy(() -> start(new SelfTestStep())).isInstanceOf(AbortException.class)
                .hasMessageContaining("1 shard(s) could not run (shard 1)").hasMessageContaining("failOnError: false");
        assertThat(run.getAction(SelfTestBuildAction.class)).isNotNull();
    }

    @Test
    void aSetupExceptionFromTheAgentBecomesAnAbortExceptionNotAStackTrace() throws Exception {
        access.runFailure = new SetupException("no tests found in [/agent/ws/target/test-classes]");

        assertThatThrownBy(() -> start(new SelfTestStep())).isInstanceOf(AbortException.class)
                .hasMessage("selfTest: the tests could not run on /agent/ws: no tests found in [/agent/ws/target/test-classes]");
    }

    @Test
    void stopInterruptsTheRemoteCallAndReapsTheRunOnTheAgent() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        executor = pool;
        try {
            access.block = new CountDownLatch(1);
            SelfTestExecution e = execution(new SelfTestStep());
            assertThat(e.start()).isFalse();
            assertThat(access.started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ActiveRuns.contains(e.runId())).isTrue();
            assertThat(e.blocksRestart()).as("a safe restart waits for the tests").isTrue();

            AbortException cause = new AbortException("aborted by user");
            e.stop(cause);

            assertThatThrownBy(context::await).isSameAs(cause);
            assertThat(access.interrupted.await(10, TimeUnit.SECONDS)).as("the remote call was interrupted").isTrue();
            assertThat(access.reaped).containsExactly(e.runId() + "|none|{DOCKER_CONFIG=/tmp/registry-config, "
                    + "DOCKER_HOST=tcp://docker.example:2376}");
            assertThat(listener.text()).contains("selfTest: aborted; reaped " + e.runId());
            assertThat(e.blocksRestart()).isFalse();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void onResumeReapsWhatTheRunLeftAndFailsSayingWhy() throws Exception {
        executor = dropping(); // the controller goes down before the run comes back
        SelfTestExecution e = execution(new SelfTestStep());
        e.start();
        FakeContext resumed = new FakeContext().with(TaskListener.class, listener).with(Run.class, run);
        SelfTestExecution after = restart(e, resumed);

        after.onResume();

        assertThatThrownBy(resumed::await).isInstanceOf(AbortException.class)
                .hasMessage("selfTest: Jenkins restarted while the tests ran; reaped " + e.runId() + ". Run the build again");
        assertThat(access.reaped).singleElement().satisfies(r -> assertThat(r).startsWith(e.runId() + "|none|"));
    }

    @Test
    void theExecutionSerializesWithWhatResumeNeedsAndAResumeWithoutTheAgentStillEndsTheStep() throws Exception {
        executor = dropping();
        SelfTestExecution e = execution(new SelfTestStep());
        e.start();
        access.reapFailure = new IOException("agent 'gone' is not connected");
        FakeContext resumed = new FakeContext(); // a context with nothing in it: no log, no build

        SelfTestExecution back = restart(e, resumed);
        assertThat(back.runId()).isEqualTo(e.runId());
        assertThat(back.blocksRestart()).isFalse();

        back.onResume(); // the agent cannot be reached: the step still ends, saying so

        Throwable failure = catchThrowable(resumed::await);
        assertThat(failure).isInstanceOf(AbortException.class);
        assertThat(failure.getMessage()).startsWith("selfTest: Jenkins restarted while the tests ran; "
                + "cannot clean up run " + e.runId());
    }

    /**
     * The Pipeline writes an execution with JBoss Marshalling, which knows neither records nor types that are not
     * serializable: every field an execution (or its agent) persists must be a serializable class.
     */
    @Test
    void whatTheExecutionsPersistIsSerializableAndNoRecord() {
        List<String> wrong = new ArrayList<>();
        for (Class<?> type : List.of(SelfTestStep.Execution.class, SelfTestStep.ShardExecution.class,
                SelfTestPlanStep.Execution.class, SelfTestPublishStep.Execution.class, RemoteSelfTestAgent.class,
                AgentLink.class)) {
            assertThat(Serializable.class).isAssignableFrom(type);
            for (Class<?> c = type; c != Object.class && c != StepExecution.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    int m = f.getModifiers();
                    Class<?> t = f.getType();
                    if (!Modifier.isStatic(m) && !Modifier.isTransient(m) && !t.isPrimitive()
                            && (!Serializable.class.isAssignableFrom(t) || t.isRecord())) {
                        wrong.add(c.getSimpleName() + "." + f.getName() + ": " + t.getName());
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    /** An executor that accepts work and never runs it, as a controller that goes down before the work comes back. */
    private static ExecutorService dropping() {
        return new ManualScheduler() {
            @Override
            public void execute(Runnable command) {
            }
        };
    }

    // --- plan, shard, publish ---

    @Test
    void planIsKeptWithTheBuildAndReturnedAsPlainSerializableMaps() throws Exception {
        access.plan = plan();
        SelfTestPlanStep step = new SelfTestPlanStep();
        step.setShards(2);

        Object result = start(step);

        assertThat(result).isInstanceOf(java.io.Serializable.class);
        assertThat((List<?>) result).hasSize(2);
        @SuppressWarnings("unchecked")
        Map<String, Object> first = ((List<Map<String, Object>>) result).get(0);
        assertThat(first).containsEntry("index", 0).containsEntry("tests", List.of("a.ATest", "a.BTest"))
                .containsEntry("workers", 1);
        assertThat(first).isInstanceOf(java.io.Serializable.class);
        assertThat(tmp.resolve("builds/7/selftest/plan.json")).exists();
        assertThat(new PlanStore(run).settings().orElseThrow().settings().shards()).isEqualTo(2);
    }

    @Test
    void shardRunsFromTheBuildsPlanAndLogsItsLine() throws Exception {
        writePlan();
        access.shardOutcome = new ShardResult(1, 2, List.of("a.CTest"), ShardOutcome.FAILED, Optional.of(1),
                12.34, 35, 33, 1, 1, 0, 0, List.of(), Optional.empty(), "local processes");
        SelfTestStep step = new SelfTestStep();
        step.setShard(1);
        step.setRuntime("podman");
        step.setTimeout("7m");
        step.setFramework("gradle"); // the plan's framework wins: the tests were planned for it

        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) start(step);

        assertThat(access.shardIndex).isEqualTo(1);
        assertThat(access.shardSettings.framework()).isEqualTo("maven");
        assertThat(access.shardSettings.shards()).isEqualTo(2);
        assertThat(access.shardSettings.runtime()).isEqualTo("podman");
        assertThat(access.shardSettings.timeoutSeconds()).isEqualTo(420);
        assertThat(ShardPlan.fromJson(access.planSeen)).isEqualTo(plan());
        assertThat(listener.text()).contains("selfTest: shard 2/2 failed: 35 tests, 1 failed, 1 skipped, 12.3 s");
        assertThat(m).containsEntry("index", 1).containsEntry("failed", 1).containsEntry("outcome", "failed");
        assertThat(run.resultSet).isTrue();
    }

    @Test
    void shardWithoutAPlanOrOutsideItAbortsNamingTheFix() throws Exception {
        SelfTestStep step = new SelfTestStep();
        step.setShard(0);
        assertThatThrownBy(() -> start(step)).isInstanceOf(AbortException.class)
                .hasMessageContaining("call selfTestPlan(...) earlier in the same build");

        writePlan();
        context = new FakeContext().with(TaskListener.class, listener).with(Run.class, run).with(EnvVars.class, new EnvVars());
        step.setShard(5);
        assertThatThrownBy(() -> start(step)).isInstanceOf(AbortException.class)
                .hasMessage("selfTest: shard: 5 is not in this build's plan, which has shards 0..1");
    }

    @Test
    void publishMergesWithThePlansSettingsAndRecordsOneAction() throws Exception {
        writePlan();
        access.publishOutcome = outcome(record("merged", 6, 6, 0, 0, 0, Optional.of(0.7)), List.of("ok", "ok"));

        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) start(new SelfTestPublishStep());

        assertThat(summary).containsEntry("total", 6).containsEntry("coverage", 70.0);
        assertThat(access.publishSettings.shards()).isEqualTo(2);
        assertThat(run.getAction(SelfTestBuildAction.class).getRecord().runId()).isEqualTo("merged");
        assertThat(listener.text()).contains("merging the shards of run jenkins-7-plan");
    }

    @Test
    void publishWithoutAPlanSaysWhatToCallFirst() {
        assertThatThrownBy(() -> start(new SelfTestPublishStep())).isInstanceOf(AbortException.class)
                .hasMessageContaining("call selfTestPlan(...), then selfTest(shard: ...) for each shard");
    }

    @Test
    void stepParametersAreValidatedNamingTheField() {
        SelfTestStep timeout = new SelfTestStep();
        timeout.setTimeout("soon");
        assertThatThrownBy(timeout::settings).isInstanceOf(AbortException.class)
                .hasMessageStartingWith("selfTest: timeout: 'soon' is not a positive duration");
        SelfTestStep custom = new SelfTestStep();
        custom.setFramework("custom");
        assertThatThrownBy(custom::settings).hasMessageStartingWith("selfTest: command: framework 'custom' needs a command");
        SelfTestStep outside = new SelfTestStep();
        outside.setCoverageClasses("target/classes, ../other/target/classes");
        assertThatThrownBy(outside::settings)
                .hasMessageStartingWith("selfTest: coverageClasses: '../other/target/classes' leads out of the workspace");
        // selfTestPlan(shard: 1) is refused by Pipeline itself: the plan has no shard parameter (SelfTestPlanStepTest)
        assertThat(java.util.Arrays.stream(SelfTestPlanStep.class.getMethods()).map(java.lang.reflect.Method::getName))
                .doesNotContain("setShard");
        SelfTestStep shard = new SelfTestStep();
        shard.setShard(-1);
        assertThatThrownBy(shard::settings).isInstanceOf(AbortException.class)
                .hasMessage("selfTest: shard: -1 is less than 0; give 0 or more");
    }

    @Test
    void workersDefaultToOnePerShardAndListsAreSplitOnCommas() throws Exception {
        SelfTestStep step = new SelfTestStep();
        step.setShards(3);
        step.setTests(" *Test, *IT ,");
        SelfTestSettings s = step.settings();
        assertThat(s.workers()).isEqualTo(3);
        assertThat(s.tests()).containsExactly("*Test", "*IT");
        assertThat(s.timeoutSeconds()).isEqualTo(1800);
        step.setWorkers(8);
        assertThat(step.settings().workers()).isEqualTo(8);
    }

    @Test
    void theNewStepsAreNamedForThePipelineAndEveryFormFieldHasHelp() throws Exception {
        assertThat(new SelfTestPlanStep.DescriptorImpl().getFunctionName()).isEqualTo("selfTestPlan");
        assertThat(new SelfTestPublishStep.DescriptorImpl().getFunctionName()).isEqualTo("selfTestPublish");
        for (Class<?> type : List.of(SelfTestStep.class, SelfTestPlanStep.class, SelfTestPublishStep.class)) {
            String dir = type.getName().replace('.', '/') + "/";
            assertThat(type.getClassLoader().getResource(dir + "help.html")).as("help of %s", type).isNotNull();
            String config = new String(type.getClassLoader().getResourceAsStream(dir + "config.jelly").readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("field=\"(\\w+)\"").matcher(config);
            int fields = 0;
            while (m.find()) {
                fields++;
                // as Jenkins' Descriptor.getHelpFile: the class's own help, else a superclass's
                boolean found = false;
                for (Class<?> c = type; c != null && !found; c = c.getSuperclass()) {
                    found = c.getClassLoader() != null && c.getClassLoader()
                            .getResource(c.getName().replace('.', '/') + "/help-" + m.group(1) + ".html") != null;
                }
                assertThat(found).as("help for %s.%s", type.getSimpleName(), m.group(1)).isTrue();
            }
            assertThat(fields).isPositive();
        }
    }

    @Test
    void summaryIsPlainAndNullOnlyForMissingCoverage() {
        assertThat(ResultPublisher.summary(Optional.empty())).containsEntry("coverage", null).containsEntry("total", 0);
    }

    // --- helpers ---

    private Object start(Object step) throws Exception {
        assertThat(execution(step).start()).isFalse();
        return context.await();
    }

    /** The step's execution as its start() makes it, with the scripted agent and the test's executor. */
    private SelfTestExecution execution(Object step) throws Exception {
        if (step instanceof SelfTestPlanStep p) {
            return p.execution(context, p.settings(), access, executor);
        } else if (step instanceof SelfTestPublishStep p) {
            return p.execution(context, access, executor);
        }
        SelfTestStep s = (SelfTestStep) step;
        return s.execution(context, s.settings(), access, executor);
    }

    /**
     * A controller restart: the execution written and read back as the Pipeline does, its context now {@code after}
     * (as the Pipeline's own is found again) and its agent the scripted one (as the real one is found again by its
     * node and path); neither fake is itself serializable.
     */
    private <E extends SelfTestExecution> E restart(E execution, StepContext after) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes) {
            {
                enableReplaceObject(true);
            }

            @Override
            protected Object replaceObject(Object o) {
                return o instanceof StepContext ? Kept.CONTEXT : o == access ? Kept.AGENT : o;
            }
        }) {
            out.writeObject(execution);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())) {
            {
                enableResolveObject(true);
            }

            @Override
            protected Object resolveObject(Object o) {
                return o == Kept.CONTEXT ? after : o == Kept.AGENT ? access : o;
            }
        }) {
            @SuppressWarnings("unchecked")
            E back = (E) in.readObject();
            return back;
        }
    }

    /** What {@link #restart} keeps out of the bytes. */
    private enum Kept { CONTEXT, AGENT }

    private static ShardPlan plan() {
        return new ShardPlan(List.of(new ShardPlan.Shard(0, List.of("a.ATest", "a.BTest"), 1, 3, 0),
                new ShardPlan.Shard(1, List.of("a.CTest"), 1, 2, 1)), 2, List.of());
    }

    private void writePlan() throws IOException {
        Path root = tmp.resolve("builds/7");
        Json.writeAtomically(root.resolve(PlanStore.PLAN_FILE), plan());
        SelfTestPlanStep step = new SelfTestPlanStep();
        step.setShards(2);
        Json.writeAtomically(root.resolve(PlanStore.SETTINGS_FILE),
                new PlanStore.PlanSettings(step.settings(), "jenkins-7-plan", 1_000L));
    }

    private static RunRecord record(String id, int total, int passed, int failed, int errors, int skipped,
                                    Optional<Double> line) {
        return RunRecord.builder(id, Instant.parse("2026-11-21T09:00:00Z")).runtimeSeconds(12.5).complete(true)
                .tests(total, passed, failed, errors, skipped).coverage(line, Optional.empty(), Optional.empty())
                .orphans(3, 1, 2).classDurations(Map.of("a.ATest", 2.0)).build();
    }

    private static RunSummary outcome(RunRecord r, List<String> outcomes) {
        List<ShardResult> shards = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            shards.add(new ShardResult(i, outcomes.size(), List.of(), ShardOutcome.parse(outcomes.get(i)),
                    Optional.empty(), 0, 0, 0, 0, 0, 0, 0, List.of(), Optional.empty(), "local processes"));
        }
        return new RunSummary(Optional.of(new RunDetails(r, null, null, null)), Optional.empty(),
                "local processes", List.of(), "/agent/ws@tmp/report", List.of("jacoco/index.html", "orphans.json"),
                shards);
    }

    /** A build with a directory, a number, a previous build and replaceable actions. */
    static final class BuildRun extends FakeRun {
        private final File dir;
        private final int number;
        BuildRun previous;
        volatile boolean resultSet;

        BuildRun(File dir, int number) throws IOException {
            this.dir = dir;
            this.number = number;
            Files.createDirectories(dir.toPath());
        }

        @Override
        public File getRootDir() {
            return dir;
        }

        @Override
        public int getNumber() {
            return number;
        }

        @Override
        public BuildRun getPreviousBuild() {
            return previous;
        }

        @Override
        public void addAction(Action a) {
            actions.add(a);
            if (a instanceof SelfTestBuildAction s) {
                s.onAttached(this); // as Run.addAction does for a RunAction2
            }
        }

        @Override
        public boolean addOrReplaceAction(Action a) {
            actions.removeIf(x -> x.getClass() == a.getClass());
            actions.add(a);
            if (a instanceof SelfTestBuildAction s) {
                s.onAttached(this);
            }
            return true;
        }

        @Override
        public void setResult(Result r) {
            resultSet = true;
            super.setResult(r);
        }
    }

    /** The agent side, scripted. */
    static final class ScriptedAccess implements SelfTestAgent {
        RunSummary runOutcome;
        Exception runFailure;
        Exception reapFailure;
        ShardPlan plan;
        ShardResult shardOutcome;
        RunSummary publishOutcome;
        CountDownLatch block;
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch interrupted = new CountDownLatch(1);
        /** The history each call was given: one JSON line a record, as the engine's history file has them. */
        final List<String> history = Collections.synchronizedList(new ArrayList<>());
        final List<String> archived = Collections.synchronizedList(new ArrayList<>());
        final List<String> reaped = Collections.synchronizedList(new ArrayList<>());
        final List<String> discarded = Collections.synchronizedList(new ArrayList<>());
        Map<String, String> environment;
        String runId;
        int shardIndex = -1;
        String planSeen;
        SelfTestSettings publishSettings;
        SelfTestSettings shardSettings;

        @Override
        public RunSummary run(SelfTestSettings settings, List<RunRecord> history, String runId,
                                Map<String, String> environment) throws Exception {
            this.runId = runId;
            this.environment = environment;
            history.forEach(r -> this.history.add(Json.write(r)));
            started.countDown();
            if (block != null) {
                try {
                    block.await();
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
            }
            if (runFailure != null) {
                throw runFailure;
            }
            return runOutcome;
        }

        @Override
        public ShardPlan plan(SelfTestSettings settings, List<RunRecord> history, String runId,
                              Map<String, String> environment) {
            return plan;
        }

        @Override
        public ShardResult runShard(SelfTestSettings settings, ShardPlan plan, int index, String runId,
                                     Map<String, String> environment, Path keepIn) {
            this.shardIndex = index;
            this.planSeen = plan.toJson();
            this.shardSettings = settings;
            return shardOutcome;
        }

        @Override
        public RunSummary publish(SelfTestSettings settings, ShardPlan plan, long startedAtMillis, String runId,
                                    Map<String, String> environment, Path keptShards) {
            publishSettings = settings;
            return publishOutcome;
        }

        @Override
        public void archive(String reportDir, List<String> files, String artifactDir) {
            archived.add(reportDir + "|" + String.join(",", files) + "|" + artifactDir);
        }

        @Override
        public void discard(String reportDir) {
            discarded.add(reportDir);
        }

        @Override
        public String reap(String runId, String runtime, String dockerHost, Map<String, String> cliEnvironment)
                throws Exception {
            if (reapFailure != null) {
                throw reapFailure;
            }
            reaped.add(runId + "|" + runtime + "|" + new java.util.TreeMap<>(cliEnvironment));
            return "reaped " + runId;
        }

        @Override
        public String describe() {
            return "/agent/ws";
        }
    }
}
