package io.jenkins.plugins.selftest.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import io.jenkins.plugins.selftest.Messages;
import io.jenkins.plugins.selftest.engine.supervisor.Backoff;
import io.jenkins.plugins.selftest.engine.supervisor.Durations;
import java.io.Serializable;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * {@code backoff: [initial: '200ms', factor: 2, max: '30s', resetAfter: '10s']}: delay before each restart. The
 * defaults are the engine's ({@link Backoff#DEFAULT}), so that {@code backoff: [max: '1m']} changes only the cap.
 */
public class BackoffSettings extends AbstractDescribableImpl<BackoffSettings> implements Serializable {

    private static final long serialVersionUID = 1L;

    private String initial = Durations.format(Backoff.DEFAULT.initial());
    private double factor = Backoff.DEFAULT.factor();
    private String max = Durations.format(Backoff.DEFAULT.max());
    private String resetAfter = Durations.format(Backoff.DEFAULT.resetAfter());

    @DataBoundConstructor
    public BackoffSettings() {
    }

    public String getInitial() {
        return initial;
    }

    @DataBoundSetter
    public void setInitial(String initial) {
        this.initial = initial;
    }

    public double getFactor() {
        return factor;
    }

    @DataBoundSetter
    public void setFactor(double factor) {
        this.factor = factor;
    }

    public String getMax() {
        return max;
    }

    @DataBoundSetter
    public void setMax(String max) {
        this.max = max;
    }

    public String getResetAfter() {
        return resetAfter;
    }

    @DataBoundSetter
    public void setResetAfter(String resetAfter) {
        this.resetAfter = resetAfter;
    }

    @Extension
    @Symbol("backoff")
    public static class DescriptorImpl extends Descriptor<BackoffSettings> {
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.get("SupervisedServiceStep.BackoffDisplayName");
        }

        public FormValidation doCheckInitial(@QueryParameter String value) {
            return ServiceSpecs.formCheck("backoff.initial", value);
        }

        public FormValidation doCheckFactor(@QueryParameter String value) {
            return ServiceSpecs.formCheck("backoff.factor", value);
        }

        public FormValidation doCheckMax(@QueryParameter String value) {
            return ServiceSpecs.formCheck("backoff.max", value);
        }

        public FormValidation doCheckResetAfter(@QueryParameter String value) {
            return ServiceSpecs.formCheck("backoff.resetAfter", value);
        }
    }
}
