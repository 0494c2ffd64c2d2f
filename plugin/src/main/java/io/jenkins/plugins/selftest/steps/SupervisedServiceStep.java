package io.jenkins.plugins.selftest.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.selftest.Messages;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * {@code supervisedService(...) { body }}: keeps helper processes alive while the body runs.
 *
 * <p>Either one service (the service fields of this step) or several ({@code services: [[...], ...]}, each a
 * {@link ServiceDefinition}). All parameters are optional setters because neither shape needs all of them.
 */
public class SupervisedServiceStep extends Step {

    private final ServiceDefinition single = new ServiceDefinition();
    private List<ServiceDefinition> services = List.of();
    private String onGiveUp = "fail";
    private String log = "stream";

    @DataBoundConstructor
    public SupervisedServiceStep() {
    }

    /** The services to supervise: the list, or the single service given through this step's own fields. */
    public List<ServiceDefinition> effectiveServices() {
        return services.isEmpty() ? List.of(single) : services;
    }

    public String getName() {
        return single.getName();
    }

    @DataBoundSetter
    public void setName(String name) {
        single.setName(name);
    }

    public String getCommand() {
        return single.getCommand();
    }

    @DataBoundSetter
    public void setCommand(String command) {
        single.setCommand(command);
    }

    public String getRestart() {
        return single.getRestart();
    }

    @DataBoundSetter
    public void setRestart(String restart) {
        single.setRestart(restart);
    }

    public int getMaxRestarts() {
        return single.getMaxRestarts();
    }

    @DataBoundSetter
    public void setMaxRestarts(int maxRestarts) {
        single.setMaxRestarts(maxRestarts);
    }

    public BackoffSettings getBackoff() {
        return single.getBackoff();
    }

    @DataBoundSetter
    public void setBackoff(BackoffSettings backoff) {
        single.setBackoff(backoff);
    }

    public String getStartSeconds() {
        return single.getStartSeconds();
    }

    @DataBoundSetter
    public void setStartSeconds(String startSeconds) {
        single.setStartSeconds(startSeconds);
    }

    public ReadinessSettings getReady() {
        return single.getReady();
    }

    @DataBoundSetter
    public void setReady(ReadinessSettings ready) {
        single.setReady(ready);
    }

    public String getStopTimeout() {
        return single.getStopTimeout();
    }

    @DataBoundSetter
    public void setStopTimeout(String stopTimeout) {
        single.setStopTimeout(stopTimeout);
    }

    public List<String> getEnv() {
        return single.getEnv();
    }

    @DataBoundSetter
    public void setEnv(List<String> env) {
        single.setEnv(env);
    }

    public String getDir() {
        return single.getDir();
    }

    @DataBoundSetter
    public void setDir(String dir) {
        single.setDir(dir);
    }

    public List<ServiceDefinition> getServices() {
        return services;
    }

    @DataBoundSetter
    public void setServices(List<ServiceDefinition> services) {
        this.services = services == null ? List.of() : List.copyOf(services);
    }

    public String getOnGiveUp() {
        return onGiveUp;
    }

    /** {@code fail} (default): abort the body and fail the build; {@code unstable}; {@code ignore}. */
    @DataBoundSetter
    public void setOnGiveUp(String onGiveUp) {
        this.onGiveUp = Choices.canonical(onGiveUp, Choices.ON_GIVE_UP);
    }

    public String getLog() {
        return log;
    }

    /** {@code stream} (default): each line to the build log as {@code [name] ...}; {@code file}; {@code both}. */
    @DataBoundSetter
    public void setLog(String log) {
        this.log = Choices.canonical(log, Choices.LOG);
    }

    /**
     * Problems of the step's own fields (each {@code <field>: ...}); the services' fields are checked by the engine's
     * spec parser when the execution starts, and reported together with these.
     */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        Choices.notOneOf("onGiveUp", onGiveUp, Choices.ON_GIVE_UP).ifPresent(problems::add);
        Choices.notOneOf("log", log, Choices.LOG).ifPresent(problems::add);
        return problems;
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new SupervisedServiceExecution(this, context);
    }

    @Extension
    public static class DescriptorImpl extends StepDescriptor {

        @Override
        public String getFunctionName() {
            return "supervisedService";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.get("SupervisedServiceStep.DisplayName");
        }

        @Override
        public boolean takesImplicitBlockArgument() {
            return true;
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, FilePath.class, Launcher.class, TaskListener.class, EnvVars.class);
        }

        public ListBoxModel doFillRestartItems() {
            return Choices.items(Choices.RESTART);
        }

        public ListBoxModel doFillOnGiveUpItems() {
            return Choices.items(Choices.ON_GIVE_UP);
        }

        public ListBoxModel doFillLogItems() {
            return Choices.items(Choices.LOG);
        }

        public FormValidation doCheckMaxRestarts(@QueryParameter String value) {
            return ServiceSpecs.formCheck("maxRestarts", value);
        }

        public FormValidation doCheckStartSeconds(@QueryParameter String value) {
            return ServiceSpecs.formCheck("startSeconds", value);
        }

        public FormValidation doCheckStopTimeout(@QueryParameter String value) {
            return ServiceSpecs.formCheck("stopTimeout", value);
        }
    }
}
