package io.jenkins.plugins.selftest.steps;

import hudson.AbortException;
import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.selftest.Messages;
import io.jenkins.plugins.selftest.actions.BuildHistory;
import io.jenkins.plugins.selftest.engine.run.RunSummary;
import io.jenkins.plugins.selftest.agent.RemoteSelfTestAgent;
import io.jenkins.plugins.selftest.agent.SelfTestAgent;
import io.jenkins.plugins.selftest.agent.SelfTestSettings;
import io.jenkins.plugins.selftest.engine.run.SelfTestOptions;
import io.jenkins.plugins.selftest.engine.run.ShardResult;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * {@code selfTest(shards: 4, workers: 8, image: '...', framework: 'maven', timeout: '20m', coverage: true,
 * orphans: true)}: runs the test suite in shards and publishes results, coverage and orphans ({@link Execution}).
 * With {@code shard: n} it runs only that shard of the build's plan ({@link ShardExecution}).
 */
public class SelfTestStep extends SelfTestSuiteStep {

    @DataBoundConstructor
    public SelfTestStep() {
    }

    public String getImage() {
        return parameters.getImage();
    }

    @DataBoundSetter
    public void setImage(String image) {
        parameters.setImage(image);
    }

    public String getImageArchive() {
        return parameters.getImageArchive();
    }

    /**
     * An image archive in the workspace ({@code podman save} / {@code docker save}) loaded before the shards start;
     * without {@code image} the shards use the image it holds. Left out: the build's {@code SELFTEST_IMAGE_ARCHIVE}.
     */
    @DataBoundSetter
    public void setImageArchive(String imageArchive) {
        parameters.setImageArchive(imageArchive);
    }

    public String getMounts() {
        return parameters.getMounts();
    }

    /**
     * Host paths of the agent to mount into every container shard, comma separated, each
     * {@code HOST[:CONTAINER][:ro|:rw]} and read-only unless {@code :rw}; an image's labels mount nothing.
     */
    @DataBoundSetter
    public void setMounts(String mounts) {
        parameters.setMounts(mounts);
    }

    public String getRuntime() {
        return parameters.getRuntime();
    }

    /** {@code docker}, {@code podman} or {@code none} (local processes, the default). */
    @DataBoundSetter
    public void setRuntime(String runtime) {
        parameters.setRuntime(runtime);
    }

    public String getDockerHost() {
        return parameters.getDockerHost();
    }

    @DataBoundSetter
    public void setDockerHost(String dockerHost) {
        parameters.setDockerHost(dockerHost);
    }

    public String getTimeout() {
        return parameters.getTimeout();
    }

    /** Per shard, e.g. {@code 20m}. */
    @DataBoundSetter
    public void setTimeout(String timeout) {
        parameters.setTimeout(timeout);
    }

    public boolean isFailOnError() {
        return parameters.isFailOnError();
    }

    /** Whether a shard that cannot run (bad image, missing runtime) fails the step; default true. */
    @DataBoundSetter
    public void setFailOnError(boolean failOnError) {
        parameters.setFailOnError(failOnError);
    }

    public boolean isUnstableOnFailures() {
        return parameters.isUnstableOnFailures();
    }

    /** Test failures make the build UNSTABLE (default) rather than FAILED. */
    @DataBoundSetter
    public void setUnstableOnFailures(boolean unstableOnFailures) {
        parameters.setUnstableOnFailures(unstableOnFailures);
    }

    public Integer getShard() {
        return parameters.getShard();
    }

    /**
     * Runs only this shard (0-based index) of the plan {@code selfTestPlan} made earlier in this build; its results
     * are kept with the build until {@code selfTestPublish()} merges all shards. Unset: the whole run.
     */
    @DataBoundSetter
    public void setShard(Integer shard) {
        parameters.setShard(shard);
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        SelfTestSettings settings = settings(); // a bad parameter fails the step before the workspace is looked at
        return execution(context, settings, RemoteSelfTestAgent.of(context), SelfTestExecution.POOL);
    }

    /** The execution of {@code settings} ({@link #settings()}): the whole run, or with {@code shard} that shard. */
    SelfTestExecution execution(StepContext context, SelfTestSettings settings, SelfTestAgent agent,
                                ExecutorService executor) {
        Integer shard = parameters.getShard();
        return shard == null ? new Execution(context, settings, parameters.failurePolicy(), agent, executor)
                : new ShardExecution(context, settings, shard, parameters.failurePolicy(), agent, executor);
    }

    /** The parameters as the agent needs them, checked ({@link SelfTestParameters#settings(String)}). */
    SelfTestSettings settings() throws AbortException {
        return parameters.settings("selfTest");
    }

    /**
     * The whole run: one call into the agent that checks, prepares, plans with the timings of earlier builds, runs
     * all shards and gathers them; then the result is published. Persisted as {@link SelfTestExecution} says.
     */
    static final class Execution extends SelfTestExecution {

        private static final long serialVersionUID = 1L;

        private final transient SelfTestSettings settings;
        private final transient FailurePolicy policy;

        Execution(StepContext context, SelfTestSettings settings, FailurePolicy policy, SelfTestAgent agent,
                  ExecutorService executor) {
            super(context, "run", settings.runtime(), settings.dockerHost().orElse(null), agent, executor);
            this.settings = settings;
            this.policy = policy;
        }

        @Override
        Object work(Run<?, ?> run, TaskListener listener, Map<String, String> environment) throws Exception {
            listener.getLogger().println("selfTest: run " + runId() + " in " + agent().describe());
            RunSummary o = onAgent(() -> agent().run(settings, BuildHistory.timings(run), runId(), environment));
            return new ResultPublisher(getContext(), agent(), policy).publish(o);
        }
    }

    /**
     * {@code selfTest(shard: n)}: shard {@code n} of the plan {@code selfTestPlan} kept with the build, run with the
     * plan's test selection and reports and this step's runtime, image, engine and timeout. Its directory is kept with
     * the build for {@code selfTestPublish}; the build's result reflects its tests at once. Returns the shard's counts.
     * Persisted as {@link SelfTestExecution} says.
     */
    static final class ShardExecution extends SelfTestExecution {

        private static final long serialVersionUID = 1L;

        private final transient SelfTestSettings settings;
        private final transient int shard;
        private final transient FailurePolicy policy;

        ShardExecution(StepContext context, SelfTestSettings settings, int shard, FailurePolicy policy,
                       SelfTestAgent agent, ExecutorService executor) {
            super(context, "shard", settings.runtime(), settings.dockerHost().orElse(null), agent, executor);
            this.settings = settings;
            this.shard = shard;
            this.policy = policy;
        }

        @Override
        Object work(Run<?, ?> run, TaskListener listener, Map<String, String> environment) throws Exception {
            PlanStore store = new PlanStore(run);
            ShardPlan plan = store.plan().orElseThrow(() -> new AbortException(Messages.get("SelfTestStep.NoPlan", shard)));
            if (shard >= plan.shardCount()) {
                throw new AbortException(Messages.get("SelfTestStep.ShardNotInPlan", shard, plan.shardCount() - 1));
            }
            // the tests were planned for the plan's framework and selection: those win over this step's
            SelfTestSettings merged = store.settings().map(ps -> ps.settings().forShard(settings)).orElse(settings);
            ShardResult o = onAgent(() -> agent().runShard(merged, plan, shard, runId(), environment,
                    store.shardDir(shard)));
            return new ResultPublisher(getContext(), agent(), policy).publishShard(shard, o);
        }
    }

    @Extension
    public static class DescriptorImpl extends SelfTestDescriptor {

        public DescriptorImpl() {
            super("selfTest", "SelfTestStep.DisplayName");
        }

        public ListBoxModel doFillFrameworkItems() {
            return Choices.items(Choices.FRAMEWORK);
        }

        public ListBoxModel doFillRuntimeItems() {
            return Choices.items(Choices.RUNTIME);
        }

        // the form's checks are the checks of settings(), so the snippet generator and the Pipeline agree

        public FormValidation doCheckShards(@QueryParameter String value) {
            return number("shards", value, 1, SelfTestOptions.MAX_SHARDS);
        }

        public FormValidation doCheckWorkers(@QueryParameter String value) {
            return number("workers", value, 0, SelfTestOptions.MAX_WORKERS);
        }

        public FormValidation doCheckShard(@QueryParameter String value) {
            return number("shard", value, 0, SelfTestOptions.MAX_SHARDS - 1);
        }

        public FormValidation doCheckTimeout(@QueryParameter String value) {
            return Choices.form("timeout", SelfTestParameters.timeoutProblem(value));
        }

        public FormValidation doCheckImageArchive(@QueryParameter String value) {
            return Choices.form("imageArchive", SelfTestParameters.imageArchiveProblem(value));
        }

        private static FormValidation number(String field, String value, long min, long max) {
            Long n = Choices.formNumber(value, min);
            return Choices.form(field, n == null ? Optional.of("'" + value + "' is not a whole number")
                    : Choices.below(field, n, min).or(() -> Choices.above(field, n, max)));
        }
    }
}
