package io.jenkins.plugins.selftest.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.selftest.Messages;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code selfTestPublish()}: merges the shards run with {@code selfTest(shard: n)} in this build into one result, as
 * if one {@code selfTest} had run them all: one build action, the reports archived, the build's result set, the
 * summary map returned. Runs in a workspace with the project's class files (coverage and orphans need them).
 */
public class SelfTestPublishStep extends Step {

    private boolean failOnError = true;
    private boolean unstableOnFailures = true;

    @DataBoundConstructor
    public SelfTestPublishStep() {
    }

    public boolean isFailOnError() {
        return failOnError;
    }

    /** A shard that could not run, or never ran, fails the step (after publishing the others); default true. */
    @DataBoundSetter
    public void setFailOnError(boolean failOnError) {
        this.failOnError = failOnError;
    }

    public boolean isUnstableOnFailures() {
        return unstableOnFailures;
    }

    /** Test failures make the build UNSTABLE (default) rather than FAILED. */
    @DataBoundSetter
    public void setUnstableOnFailures(boolean unstableOnFailures) {
        this.unstableOnFailures = unstableOnFailures;
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return SelfTestExecution.publish(this, context);
    }

    @Extension
    public static class DescriptorImpl extends StepDescriptor {

        @Override
        public String getFunctionName() {
            return "selfTestPublish";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.get("SelfTestPublishStep.DisplayName");
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, FilePath.class, Launcher.class, TaskListener.class, EnvVars.class);
        }
    }
}
