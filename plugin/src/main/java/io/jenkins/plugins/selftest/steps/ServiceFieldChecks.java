package io.jenkins.plugins.selftest.steps;

import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import org.kohsuke.stapler.QueryParameter;

/**
 * The snippet generator's drop-down and checks of the fields a service has in both shapes of {@code supervisedService}:
 * the step's own fields (one service) and each {@code service(...)} of {@code services: [...]}. Both descriptors
 * implement it, so the two forms offer and check exactly the same; Jenkins finds {@code doFillXItems} and
 * {@code doCheckX} through {@link Class#getMethods()} and Stapler routes to methods of implemented interfaces.
 *
 * <p>The checks are the Pipeline's ({@link ServiceSpecs#formCheck}): a form accepts exactly what a Jenkinsfile does.
 */
public interface ServiceFieldChecks {

    default ListBoxModel doFillRestartItems() {
        return Choices.items(Choices.RESTART);
    }

    default FormValidation doCheckMaxRestarts(@QueryParameter String value) {
        return ServiceSpecs.formCheck("maxRestarts", value);
    }

    default FormValidation doCheckStartSeconds(@QueryParameter String value) {
        return ServiceSpecs.formCheck("startSeconds", value);
    }

    default FormValidation doCheckStopTimeout(@QueryParameter String value) {
        return ServiceSpecs.formCheck("stopTimeout", value);
    }
}
