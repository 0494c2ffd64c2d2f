package io.jenkins.plugins.selftest.steps;

import hudson.AbortException;
import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.selftest.Messages;
import io.jenkins.plugins.selftest.engine.run.RunSummary;
import io.jenkins.plugins.selftest.agent.RemoteSelfTestAgent;
import io.jenkins.plugins.selftest.agent.SelfTestAgent;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code selfTestPublish()}: merges the shards run with {@code selfTest(shard: n)} in this build into one result, as
 * if one {@code selfTest} had run them all: one build action, the reports archived, the build's result set, the
 * summary map returned. Runs in a workspace with the project's class files (coverage and orphans need them).
 */
public class SelfTestPublishStep extends Step {

    private final SelfTestParameters parameters = new SelfTestParameters();

    @DataBoundConstructor
    public SelfTestPublishStep() {
    }

    public boolean isFailOnError() {
        return parameters.isFailOnError();
    }

    /** A shard that could not run, or never ran, fails the step (after publishing the others); default true. */
    @DataBoundSetter
    public void setFailOnError(boolean failOnError) {
        parameters.setFailOnError(failOnError);
    }

    public boolean isUnstableOnFailures() {
        return parameters.isUnstableOnFailures();
    }

    /** Test failures (and shards that timed out) make the build UNSTABLE (default) rather than failing the step. */
    @DataBoundSetter
    public void setUnstableOnFailures(boolean unstableOnFailures) {
        parameters.setUnstableOnFailures(unstableOnFailures);
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return execution(context, RemoteSelfTestAgent.of(context), SelfTestExecution.POOL);
    }

    /** The publish's execution. */
    Execution execution(StepContext context, SelfTestAgent agent, ExecutorService executor) {
        return new Execution(context, parameters.failurePolicy(), agent, executor);
    }

    /**
     * Merges on the agent the shards kept with the build ({@link PlanStore}), with the settings the plan was made
     * with, and publishes the result as {@code selfTest} does. Persisted as {@link SelfTestExecution} says.
     */
    static final class Execution extends SelfTestExecution {

        private static final long serialVersionUID = 1L;

        private final transient FailurePolicy policy;

        Execution(StepContext context, FailurePolicy policy, SelfTestAgent agent, ExecutorService executor) {
            // the shards' containers were each reaped by their own step; the merge runs local code only
            super(context, "publish", Choices.NO_RUNTIME, null, agent, executor);
            this.policy = policy;
        }

        @Override
        Object work(Run<?, ?> run, TaskListener listener, Map<String, String> environment) throws Exception {
            PlanStore store = new PlanStore(run);
            PlanStore.PlanSettings ps = store.settings()
                    .orElseThrow(() -> new AbortException(Messages.get("SelfTestPublishStep.NoPlan")));
            ShardPlan plan = store.plan().orElseThrow(() -> new AbortException(Messages.get("SelfTestPublishStep.NoPlan")));
            listener.getLogger().println("selfTest: merging the shards of run " + ps.runId() + " in " + agent().describe());
            RunSummary o = onAgent(() -> agent().publish(ps.settings(), plan, ps.startedAtMillis(), runId(),
                    environment, store.shardsDir()));
            return new ResultPublisher(getContext(), agent(), policy).publish(o);
        }
    }

    @Extension
    public static class DescriptorImpl extends SelfTestDescriptor {

        public DescriptorImpl() {
            super("selfTestPublish", "SelfTestPublishStep.DisplayName");
        }
    }
}
