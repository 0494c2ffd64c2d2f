package io.jenkins.plugins.selftest.steps;

import hudson.AbortException;
import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.selftest.actions.BuildHistory;
import io.jenkins.plugins.selftest.agent.RemoteSelfTestAgent;
import io.jenkins.plugins.selftest.agent.SelfTestAgent;
import io.jenkins.plugins.selftest.agent.SelfTestSettings;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code def shards = selfTestPlan(shards: 4, workers: 8)}: prepares the workspace, plans the shards with the timings
 * of earlier builds, keeps the plan with the build and returns it to the Pipeline as a list of maps ({@code index},
 * {@code tests}, {@code workers}, {@code estimatedSeconds}) for {@code parallel} + {@code node}; each branch runs
 * {@code selfTest(shard: s.index)}, and {@code selfTestPublish()} merges them.
 *
 * <p>Takes only the parameters of {@code selfTest} that the plan decides, for every shard and for the publish: those
 * that decide the tests (framework, command, tests, excludes, shards, workers) and the reports (coverage, orphans),
 * and the timeout of the preparation. Where and how a shard runs ({@code image}, {@code runtime},
 * {@code dockerHost}, its {@code timeout}) belongs to each {@code selfTest(shard: n)}, what failures do to the build
 * ({@code failOnError}, {@code unstableOnFailures}) to {@code selfTestPublish}: the plan has no such parameters, so a
 * Pipeline that passes them is told so instead of having them ignored. The values are held and checked by the same
 * {@link SelfTestParameters} as {@code selfTest}'s. The help of each field is the same as {@code selfTest}'s (a test
 * keeps the copies equal), except {@code timeout}'s.
 */
public class SelfTestPlanStep extends SelfTestSuiteStep {

    @DataBoundConstructor
    public SelfTestPlanStep() {
    }

    public String getTimeout() {
        return parameters.getTimeout();
    }

    /** How long preparing the workspace (compiling the tests) may take, e.g. {@code 30m}. */
    @DataBoundSetter
    public void setTimeout(String timeout) {
        parameters.setTimeout(timeout);
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        SelfTestSettings settings = settings(); // a bad parameter fails the step before the workspace is looked at
        return execution(context, settings, RemoteSelfTestAgent.of(context), SelfTestExecution.POOL);
    }

    /** The plan's execution of {@code settings} ({@link #settings()}). */
    Execution execution(StepContext context, SelfTestSettings settings, SelfTestAgent agent, ExecutorService executor) {
        return new Execution(context, settings, agent, executor);
    }

    /** The plan's settings, checked as {@code selfTest} checks them; messages name {@code selfTestPlan}. */
    SelfTestSettings settings() throws AbortException {
        return parameters.settings("selfTestPlan");
    }

    /**
     * Prepares and plans on the agent, keeps the plan and its settings with the build ({@link PlanStore}, which
     * drops the shards kept from an earlier plan of the build) and returns it for the Pipeline. Failures of the plan
     * itself fail the step. Persisted as {@link SelfTestExecution} says.
     */
    static final class Execution extends SelfTestExecution {

        private static final long serialVersionUID = 1L;

        private final transient SelfTestSettings settings;

        Execution(StepContext context, SelfTestSettings settings, SelfTestAgent agent, ExecutorService executor) {
            super(context, "plan", settings.runtime(), settings.dockerHost().orElse(null), agent, executor);
            this.settings = settings;
        }

        @Override
        Object work(Run<?, ?> run, TaskListener listener, Map<String, String> environment) throws Exception {
            long started = System.currentTimeMillis();
            ShardPlan plan = onAgent(() -> agent().plan(settings, BuildHistory.timings(run), runId(), environment));
            new PlanStore(run).save(plan, new PlanStore.PlanSettings(settings, runId(), started));
            listener.getLogger().printf(Locale.ROOT, "selfTest: planned %d test classes in %d shard(s)%s%n",
                    plan.allTests().size(), plan.shardCount(), plan.shards().stream().map(s -> String.format(Locale.ROOT,
                            " [%d: %d classes, %d worker(s), ~%.0f s]", s.index(), s.tests().size(), s.workers(),
                            s.estimatedSeconds())).reduce("", String::concat));
            return forPipeline(plan);
        }
    }

    /** The plan as a Pipeline sees it: a serializable list of plain maps (index, tests, workers, estimatedSeconds). */
    static ArrayList<Map<String, Object>> forPipeline(ShardPlan plan) {
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

    @Extension
    public static class DescriptorImpl extends SelfTestDescriptor {

        public DescriptorImpl() {
            super("selfTestPlan", "SelfTestPlanStep.DisplayName");
        }

        public ListBoxModel doFillFrameworkItems() {
            return Choices.items(Choices.FRAMEWORK);
        }
    }
}
