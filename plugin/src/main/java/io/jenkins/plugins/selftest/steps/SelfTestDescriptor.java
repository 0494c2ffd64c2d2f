package io.jenkins.plugins.selftest.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import io.jenkins.plugins.selftest.Messages;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.kohsuke.stapler.QueryParameter;

/**
 * What the descriptors of the {@code selfTest} steps share: a function name, a display name from
 * {@code Messages.properties}, and the context they run in (a workspace on a node, within a build).
 */
abstract class SelfTestDescriptor extends StepDescriptor {

    private final String functionName;
    private final String displayNameKey;

    SelfTestDescriptor(String functionName, String displayNameKey) {
        this.functionName = functionName;
        this.displayNameKey = displayNameKey;
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @NonNull
    @Override
    public String getDisplayName() {
        return Messages.get(displayNameKey);
    }

    /** The build arguments' check, as {@code settings()} makes it: the framework says what is refused. */
    public FormValidation doCheckArgs(@QueryParameter String value, @QueryParameter String framework) {
        return Choices.form("args", SelfTestParameters.argsProblem(framework, value));
    }

    /** The build, its workspace, launcher, log and environment: what the executions and their agent use. */
    @Override
    public Set<? extends Class<?>> getRequiredContext() {
        return Set.of(Run.class, FilePath.class, Launcher.class, TaskListener.class, EnvVars.class);
    }
}
