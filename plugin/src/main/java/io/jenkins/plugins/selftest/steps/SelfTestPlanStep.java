package io.jenkins.plugins.selftest.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.selftest.Messages;
import io.jenkins.plugins.selftest.agent.SelfTestSettings;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code def shards = selfTestPlan(shards: 4, workers: 8)}: prepares the workspace, plans the shards with the timings
 * of earlier builds, keeps the plan with the build and returns it to the Pipeline as a list of maps ({@code index},
 * {@code tests}, {@code workers}, {@code estimatedSeconds}) for {@code parallel} + {@code node}; each branch runs
 * {@code selfTest(shard: s.index)}, and {@code selfTestPublish()} merges them.
 *
 * <p>Takes only the parameters of {@code selfTest} that the plan decides, for every shard and for the publish: those
 * that decide the tests (framework, command, tests, excludes, shards, workers) and the reports (coverage, orphans),
 * and the timeout of the preparation. Where and how a shard runs ({@code image}, {@code runtime},
 * {@code dockerHost}, its {@code timeout}) belongs to each {@code selfTest(shard: n)}, what failures do to the build
 * ({@code failOnError}, {@code unstableOnFailures}) to {@code selfTestPublish}: the plan has no such parameters, so a
 * Pipeline that passes them is told so instead of having them ignored. Not a subclass of {@link SelfTestStep} for
 * that reason (Pipeline finds {@code @DataBoundSetter}s on superclasses too); the values are held and checked by a
 * {@link SelfTestStep} all the same, so both steps check them alike. The help of each field is the same as
 * {@code selfTest}'s (a test keeps the copies equal), except {@code timeout}'s.
 */
public class SelfTestPlanStep extends Step {

    private final SelfTestStep parameters = new SelfTestStep();

    @DataBoundConstructor
    public SelfTestPlanStep() {
    }

    public int getShards() {
        return parameters.getShards();
    }

    @DataBoundSetter
    public void setShards(int shards) {
        parameters.setShards(shards);
    }

    public int getWorkers() {
        return parameters.getWorkers();
    }

    @DataBoundSetter
    public void setWorkers(int workers) {
        parameters.setWorkers(workers);
    }

    public String getFramework() {
        return parameters.getFramework();
    }

    @DataBoundSetter
    public void setFramework(String framework) {
        parameters.setFramework(framework);
    }

    public String getCommand() {
        return parameters.getCommand();
    }

    @DataBoundSetter
    public void setCommand(String command) {
        parameters.setCommand(command);
    }

    public String getTests() {
        return parameters.getTests();
    }

    @DataBoundSetter
    public void setTests(String tests) {
        parameters.setTests(tests);
    }

    public String getExcludes() {
        return parameters.getExcludes();
    }

    @DataBoundSetter
    public void setExcludes(String excludes) {
        parameters.setExcludes(excludes);
    }

    public String getTimeout() {
        return parameters.getTimeout();
    }

    /** How long preparing the workspace (compiling the tests) may take, e.g. {@code 30m}. */
    @DataBoundSetter
    public void setTimeout(String timeout) {
        parameters.setTimeout(timeout);
    }

    public boolean isCoverage() {
        return parameters.isCoverage();
    }

    @DataBoundSetter
    public void setCoverage(boolean coverage) {
        parameters.setCoverage(coverage);
    }

    public String getCoverageExec() {
        return parameters.getCoverageExec();
    }

    @DataBoundSetter
    public void setCoverageExec(String coverageExec) {
        parameters.setCoverageExec(coverageExec);
    }

    public String getCoverageClasses() {
        return parameters.getCoverageClasses();
    }

    @DataBoundSetter
    public void setCoverageClasses(String coverageClasses) {
        parameters.setCoverageClasses(coverageClasses);
    }

    public String getCoverageSources() {
        return parameters.getCoverageSources();
    }

    @DataBoundSetter
    public void setCoverageSources(String coverageSources) {
        parameters.setCoverageSources(coverageSources);
    }

    public boolean isOrphans() {
        return parameters.isOrphans();
    }

    @DataBoundSetter
    public void setOrphans(boolean orphans) {
        parameters.setOrphans(orphans);
    }

    public boolean isOrphansRecursive() {
        return parameters.isOrphansRecursive();
    }

    @DataBoundSetter
    public void setOrphansRecursive(boolean orphansRecursive) {
        parameters.setOrphansRecursive(orphansRecursive);
    }

    /** The plan's settings, checked as {@code selfTest} checks them. */
    SelfTestSettings settings() throws AbortException {
        return parameters.settings("selfTestPlan");
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return execution(context);
    }

    /** The plan's execution (failures of the plan itself fail the step). */
    SelfTestExecution execution(StepContext context) throws AbortException {
        return SelfTestExecution.plan(parameters, settings(), context);
    }

    @Extension
    public static class DescriptorImpl extends StepDescriptor {

        @Override
        public String getFunctionName() {
            return "selfTestPlan";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.get("SelfTestPlanStep.DisplayName");
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, FilePath.class, Launcher.class, TaskListener.class, EnvVars.class);
        }

        public ListBoxModel doFillFrameworkItems() {
            return Choices.items(Choices.FRAMEWORK);
        }
    }
}
