package io.jenkins.plugins.selftest.steps;

import org.jenkinsci.plugins.workflow.steps.Step;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * A step that runs or plans the test suite ({@code selfTest}, {@code selfTestPlan}): the parameters that decide the
 * tests (framework, command, args, tests, excludes, shards, workers) and the reports (coverage, orphans). Every subclass
 * uses every one of them, so none is inherited only to be refused; each adds its own (where and how a shard runs,
 * what the timeout bounds). Pipeline's flat syntax ({@code selfTest(shards: 2)}) finds parameters on a step's class and
 * its superclasses, which is why they are setters here and not a nested value. The values live in one
 * {@link SelfTestParameters}, which keeps their defaults and checks for all three selfTest steps.
 */
public abstract class SelfTestSuiteStep extends Step {

    final SelfTestParameters parameters = new SelfTestParameters();

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

    /** Total parallelism, divided over the shards (each at least one); 0 means one per shard. */
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

    /** For {@code framework: 'custom'}: the command template each shard runs. */
    @DataBoundSetter
    public void setCommand(String command) {
        parameters.setCommand(command);
    }

    public String getArgs() {
        return parameters.getArgs();
    }

    /**
     * Build arguments for the preparation and every shard ({@code '-Pci -DskipITs'}), split as {@code /bin/sh} would:
     * on Maven's, Gradle's or pytest's command line, a custom command's {@code $SELFTEST_ARGS}.
     */
    @DataBoundSetter
    public void setArgs(String args) {
        parameters.setArgs(args);
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
}
