package io.jenkins.plugins.selftest.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import io.jenkins.plugins.selftest.Messages;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code def shards = selfTestPlan(shards: 4, workers: 8)}: prepares the workspace, plans the shards with the timings
 * of earlier builds, keeps the plan with the build and returns it to the Pipeline as a list of maps ({@code index},
 * {@code tests}, {@code workers}, {@code estimatedSeconds}) for {@code parallel} + {@code node}; each branch runs
 * {@code selfTest(shard: s.index)}, and {@code selfTestPublish()} merges them. Takes the parameters of
 * {@code selfTest}; those that decide the tests (framework, tests, excludes, shards, workers) and the reports
 * (coverage, orphans) are the plan's, for every shard and for the publish.
 */
public class SelfTestPlanStep extends SelfTestStep {

    @DataBoundConstructor
    public SelfTestPlanStep() {
    }

    @Override
    String functionName() {
        return "selfTestPlan";
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        if (getShard() != null) {
            throw new AbortException(Messages.get("SelfTestStep.ShardWithPlan"));
        }
        return SelfTestExecution.plan(this, settings(), context);
    }

    @Extension
    public static class DescriptorImpl extends SelfTestStep.DescriptorImpl {

        @Override
        public String getFunctionName() {
            return "selfTestPlan";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.get("SelfTestPlanStep.DisplayName");
        }
    }
}
