package io.jenkins.plugins.selftest.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.selftest.Messages;
import java.io.Serializable;
import java.util.List;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/** One service of {@code supervisedService(services: [[name: 'db', command: '...'], ...])}. */
public class ServiceDefinition extends AbstractDescribableImpl<ServiceDefinition> implements Serializable {

    private static final long serialVersionUID = 1L;

    private String name;
    private String command;
    private String restart = "on-failure";
    private int maxRestarts = 5;
    private BackoffSettings backoff;
    private String startSeconds = "0s";
    private ReadinessSettings ready;
    private String stopTimeout = "10s";
    private List<String> env = List.of();
    private String dir;
    private List<String> dependsOn = List.of();

    @DataBoundConstructor
    public ServiceDefinition() {
    }

    public String getName() {
        return name;
    }

    @DataBoundSetter
    public void setName(String name) {
        this.name = name;
    }

    public String getCommand() {
        return command;
    }

    @DataBoundSetter
    public void setCommand(String command) {
        this.command = command;
    }

    public String getRestart() {
        return restart;
    }

    /** {@code always}, {@code on-failure} (default) or {@code never}. */
    @DataBoundSetter
    public void setRestart(String restart) {
        this.restart = Choices.oneOf("restart", restart, Choices.RESTART);
    }

    public int getMaxRestarts() {
        return maxRestarts;
    }

    @DataBoundSetter
    public void setMaxRestarts(int maxRestarts) {
        this.maxRestarts = Choices.atLeast("maxRestarts", maxRestarts, 0);
    }

    public BackoffSettings getBackoff() {
        return backoff;
    }

    @DataBoundSetter
    public void setBackoff(BackoffSettings backoff) {
        this.backoff = backoff;
    }

    public String getStartSeconds() {
        return startSeconds;
    }

    @DataBoundSetter
    public void setStartSeconds(String startSeconds) {
        this.startSeconds = startSeconds;
    }

    public ReadinessSettings getReady() {
        return ready;
    }

    @DataBoundSetter
    public void setReady(ReadinessSettings ready) {
        this.ready = ready;
    }

    public String getStopTimeout() {
        return stopTimeout;
    }

    @DataBoundSetter
    public void setStopTimeout(String stopTimeout) {
        this.stopTimeout = stopTimeout;
    }

    public List<String> getEnv() {
        return env;
    }

    /** {@code ['KEY=value', ...]}, as {@code withEnv}. */
    @DataBoundSetter
    public void setEnv(List<String> env) {
        this.env = env == null ? List.of() : List.copyOf(env);
    }

    public String getDir() {
        return dir;
    }

    @DataBoundSetter
    public void setDir(String dir) {
        this.dir = dir;
    }

    public List<String> getDependsOn() {
        return dependsOn;
    }

    @DataBoundSetter
    public void setDependsOn(List<String> dependsOn) {
        this.dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    }

    @Extension
    @Symbol("service")
    public static class DescriptorImpl extends Descriptor<ServiceDefinition> {
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.get("SupervisedServiceStep.ServiceDisplayName");
        }

        public ListBoxModel doFillRestartItems() {
            return Choices.items(Choices.RESTART);
        }
    }
}
