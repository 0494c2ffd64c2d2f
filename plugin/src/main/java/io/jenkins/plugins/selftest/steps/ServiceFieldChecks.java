package io.jenkins.plugins.selftest.steps;

import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.selftest.Messages;
import java.util.List;
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

    /** A text area's content: one item ({@code env} variable, volume) a line. */
    default String lines(List<String> items) {
        return items == null ? "" : String.join("\n", items);
    }

    /** A text box's content: items ({@code dependsOn} names, ports) separated by commas. */
    default String names(List<String> items) {
        return items == null ? "" : String.join(", ", items);
    }

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

    default FormValidation doCheckPort(@QueryParameter String value) {
        return ServiceSpecs.formCheck("port", value);
    }

    default FormValidation doCheckPorts(@QueryParameter String value) {
        return ServiceSpecs.formCheck("ports", ServiceDefinition.splitNames(value));
    }

    default FormValidation doCheckVolumes(@QueryParameter String value) {
        return ServiceSpecs.formCheck("volumes", ServiceDefinition.splitLines(value));
    }

    default FormValidation doCheckDockerHost(@QueryParameter String value) {
        return ServiceSpecs.formCheck("dockerHost", value);
    }

    /** Empty first: the engine the agent has, as {@code selfTest} picks it; then the container CLIs. */
    default ListBoxModel doFillRuntimeItems() {
        ListBoxModel items = new ListBoxModel();
        items.add(new ListBoxModel.Option(Messages.get("SupervisedServiceStep.RuntimeAuto"), ""));
        Choices.items(Choices.SERVICE_RUNTIME).forEach(items::add);
        return items;
    }
}
