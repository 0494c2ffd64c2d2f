package io.jenkins.plugins.selftest.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import org.junit.jupiter.api.Test;

class StepDescriptorsTest {

    @Test
    void supervisedServiceIsABlockStepNamedForThePipeline() {
        SupervisedServiceStep.DescriptorImpl d = new SupervisedServiceStep.DescriptorImpl();
        assertThat(d.getFunctionName()).isEqualTo("supervisedService");
        assertThat(d.takesImplicitBlockArgument()).isTrue();
        assertThat(d.getDisplayName()).isNotBlank();
        assertThat(java.util.Set.<Class<?>>copyOf(d.getRequiredContext())).containsExactlyInAnyOrder(
                Run.class, FilePath.class, Launcher.class, TaskListener.class, EnvVars.class);
    }

    @Test
    void selfTestIsNamedForThePipeline() {
        SelfTestStep.DescriptorImpl d = new SelfTestStep.DescriptorImpl();
        assertThat(d.getFunctionName()).isEqualTo("selfTest");
        assertThat(d.getDisplayName()).isNotBlank();
    }

    @Test
    void singleServiceShapeBecomesOneService() {
        SupervisedServiceStep step = new SupervisedServiceStep();
        step.setName("api");
        step.setCommand("java -jar app.jar");
        step.setRestart("ALWAYS");
        assertThat(step.effectiveServices()).singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo("api"))
                .satisfies(s -> assertThat(s.getRestart()).isEqualTo("always"));
    }

    @Test
    void settersKeepABadValueForStartToReport() {
        // structs wraps an exception thrown by a setter into a stack trace: StepValidationTest has the messages
        ServiceDefinition d = new ServiceDefinition();
        d.setRestart("sometimes");
        d.setMaxRestarts(-2);
        assertThat(d.getRestart()).isEqualTo("sometimes");
        assertThat(d.getMaxRestarts()).isEqualTo(-2);
        SelfTestStep s = new SelfTestStep();
        s.setRuntime("lxc");
        s.setShards(0);
        s.setShard(-1);
        assertThat(s.getRuntime()).isEqualTo("lxc");
        assertThat(s.getShards()).isZero();
        assertThat(s.getShard()).isEqualTo(-1);
        SupervisedServiceStep step = new SupervisedServiceStep();
        step.setOnGiveUp("panic");
        assertThat(step.problems()).containsExactly("onGiveUp: 'panic' is not one of fail, unstable, ignore; pick one of those");
    }

    @Test
    void theImageArchiveFieldIsCheckedAsTheStepChecksIt() {
        // doCheckImageArchive is Choices.form over this (FormValidation itself answers only in a real Jenkins)
        assertThat(SelfTestParameters.imageArchiveProblem("images/java17.tar")).isEmpty();
        assertThat(SelfTestParameters.imageArchiveProblem(null)).isEmpty();
        assertThat(SelfTestParameters.imageArchiveProblem("../java17.tar")).contains("imageArchive: '../java17.tar' "
                + "leads out of the workspace; give a path or pattern relative to the workspace");
        SelfTestStep s = new SelfTestStep();
        s.setImageArchive("images/java17.tar");
        assertThat(s.getImageArchive()).isEqualTo("images/java17.tar");
    }

    @Test
    void dropDownsOfferEveryChoice() {
        assertThat(new SupervisedServiceStep.DescriptorImpl().doFillRestartItems()).hasSize(3);
        assertThat(Choices.RESTART).as("the default first, so that a new form shows it")
                .containsExactly("on-failure", "always", "never");
        assertThat(new SupervisedServiceStep.DescriptorImpl().doFillOnGiveUpItems()).hasSize(3);
        assertThat(new SelfTestStep.DescriptorImpl().doFillFrameworkItems()).hasSize(4);
        assertThat(new SelfTestStep.DescriptorImpl().doFillRuntimeItems()).hasSize(3);
    }

    @Test
    void bothServiceFormsOfferAndCheckTheirSharedFieldsWithTheSameCode() throws Exception {
        java.util.Set<String> shared = new java.util.TreeSet<>(formFields(SupervisedServiceStep.class));
        shared.retainAll(formFields(ServiceDefinition.class));
        assertThat(shared).contains("restart", "maxRestarts", "startSeconds", "stopTimeout", "port", "ports", "volumes",
                "runtime", "dockerHost");
        int served = 0;
        for (String field : shared) {
            String name = Character.toUpperCase(field.charAt(0)) + field.substring(1);
            for (String method : java.util.List.of("doCheck" + name, "doFill" + name + "Items")) {
                // where Jenkins looks for them (Descriptor.getCheckMethod, calcFillSettings): Class.getMethods()
                java.util.Optional<java.lang.reflect.Method> single = publicMethod(SupervisedServiceStep.DescriptorImpl.class, method);
                assertThat(single).as(method).isEqualTo(publicMethod(ServiceDefinition.DescriptorImpl.class, method));
                served += single.isPresent() ? 1 : 0;
            }
        }
        assertThat(served).as("checks and drop-downs of the shared fields").isEqualTo(9);
    }

    private static java.util.Optional<java.lang.reflect.Method> publicMethod(Class<?> type, String name) {
        return java.util.Arrays.stream(type.getMethods()).filter(m -> m.getName().equals(name)).findFirst();
    }

    private static java.util.List<String> formFields(Class<?> type) throws java.io.IOException {
        String config = new String(type.getClassLoader().getResourceAsStream(type.getName().replace('.', '/')
                + "/config.jelly").readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return java.util.regex.Pattern.compile("field=\"(\\w+)\"").matcher(config).results().map(r -> r.group(1)).toList();
    }

    @Test
    void everyFormFieldHasHelp() throws Exception {
        for (Class<?> type : java.util.List.of(SupervisedServiceStep.class, ServiceDefinition.class, BackoffSettings.class,
                ReadinessSettings.class, SelfTestStep.class)) {
            String dir = type.getName().replace('.', '/') + "/";
            String config = new String(type.getClassLoader().getResourceAsStream(dir + "config.jelly").readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("field=\"(\\w+)\"").matcher(config);
            int fields = 0;
            while (m.find()) {
                fields++;
                assertThat(type.getClassLoader().getResource(dir + "help-" + m.group(1) + ".html"))
                        .as("help for %s.%s", type.getSimpleName(), m.group(1)).isNotNull();
            }
            assertThat(fields).as("fields in %s/config.jelly", type.getSimpleName()).isGreaterThan(2);
        }
    }
}
