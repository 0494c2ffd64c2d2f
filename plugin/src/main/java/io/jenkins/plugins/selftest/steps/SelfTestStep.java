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
import io.jenkins.plugins.selftest.engine.supervisor.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code selfTest(shards: 4, workers: 8, image: '...', framework: 'maven', timeout: '20m', coverage: true,
 * orphans: true)}: runs the test suite in shards and publishes results, coverage and orphans.
 */
public class SelfTestStep extends Step {

    private int shards = 1;
    private int workers;
    private String framework = "maven";
    private String command;
    private String tests;
    private String excludes;
    private String image;
    private String runtime = "none";
    private String dockerHost;
    private String timeout = "30m";
    private boolean coverage = true;
    private String coverageExec;
    private String coverageClasses;
    private String coverageSources;
    private boolean orphans = true;
    private boolean orphansRecursive;
    private boolean failOnError = true;
    private boolean unstableOnFailures = true;
    private Integer shard;

    @DataBoundConstructor
    public SelfTestStep() {
    }

    public int getShards() {
        return shards;
    }

    @DataBoundSetter
    public void setShards(int shards) {
        this.shards = Choices.atLeast("shards", shards, 1);
    }

    public int getWorkers() {
        return workers;
    }

    /** Total parallelism, divided over the shards (each at least one); 0 means one per shard. */
    @DataBoundSetter
    public void setWorkers(int workers) {
        this.workers = Choices.atLeast("workers", workers, 0);
    }

    public String getFramework() {
        return framework;
    }

    @DataBoundSetter
    public void setFramework(String framework) {
        this.framework = Choices.oneOf("framework", framework, Choices.FRAMEWORK);
    }

    public String getCommand() {
        return command;
    }

    /** For {@code framework: 'custom'}: the command template each shard runs. */
    @DataBoundSetter
    public void setCommand(String command) {
        this.command = command;
    }

    public String getTests() {
        return tests;
    }

    @DataBoundSetter
    public void setTests(String tests) {
        this.tests = tests;
    }

    public String getExcludes() {
        return excludes;
    }

    @DataBoundSetter
    public void setExcludes(String excludes) {
        this.excludes = excludes;
    }

    public String getImage() {
        return image;
    }

    @DataBoundSetter
    public void setImage(String image) {
        this.image = image;
    }

    public String getRuntime() {
        return runtime;
    }

    /** {@code docker}, {@code podman} or {@code none} (local processes, the default). */
    @DataBoundSetter
    public void setRuntime(String runtime) {
        this.runtime = Choices.oneOf("runtime", runtime, Choices.RUNTIME);
    }

    public String getDockerHost() {
        return dockerHost;
    }

    @DataBoundSetter
    public void setDockerHost(String dockerHost) {
        this.dockerHost = dockerHost;
    }

    public String getTimeout() {
        return timeout;
    }

    /** Per shard, e.g. {@code 20m}. */
    @DataBoundSetter
    public void setTimeout(String timeout) {
        this.timeout = timeout;
    }

    public boolean isCoverage() {
        return coverage;
    }

    @DataBoundSetter
    public void setCoverage(boolean coverage) {
        this.coverage = coverage;
    }

    public String getCoverageExec() {
        return coverageExec;
    }

    @DataBoundSetter
    public void setCoverageExec(String coverageExec) {
        this.coverageExec = coverageExec;
    }

    public String getCoverageClasses() {
        return coverageClasses;
    }

    @DataBoundSetter
    public void setCoverageClasses(String coverageClasses) {
        this.coverageClasses = coverageClasses;
    }

    public String getCoverageSources() {
        return coverageSources;
    }

    @DataBoundSetter
    public void setCoverageSources(String coverageSources) {
        this.coverageSources = coverageSources;
    }

    public boolean isOrphans() {
        return orphans;
    }

    @DataBoundSetter
    public void setOrphans(boolean orphans) {
        this.orphans = orphans;
    }

    public boolean isOrphansRecursive() {
        return orphansRecursive;
    }

    @DataBoundSetter
    public void setOrphansRecursive(boolean orphansRecursive) {
        this.orphansRecursive = orphansRecursive;
    }

    public boolean isFailOnError() {
        return failOnError;
    }

    /** Whether a shard that cannot run (bad image, missing runtime) fails the step; default true. */
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

    public Integer getShard() {
        return shard;
    }

    /**
     * Runs only this shard (0-based index) of the plan {@code selfTestPlan} made earlier in this build; its results
     * are kept with the build until {@code selfTestPublish()} merges all shards. Unset: the whole run.
     */
    @DataBoundSetter
    public void setShard(Integer shard) {
        this.shard = shard == null ? null : Choices.atLeast("shard", shard, 0);
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        SelfTestSettings settings = settings();
        return shard == null ? SelfTestExecution.run(this, settings, context)
                : SelfTestExecution.shard(this, settings, shard, context);
    }

    /**
     * The parameters as the agent needs them, checked together.
     *
     * @throws AbortException naming the field and the fix
     */
    SelfTestSettings settings() throws AbortException {
        Duration limit;
        try {
            limit = Durations.parse(timeout == null || timeout.isBlank() ? "30m" : timeout);
        } catch (IllegalArgumentException e) {
            throw new AbortException(Messages.get("SelfTestStep.BadTimeout", timeout));
        }
        if (limit.isZero() || limit.isNegative()) {
            throw new AbortException(Messages.get("SelfTestStep.BadTimeout", timeout));
        }
        if ("custom".equals(framework) && (command == null || command.isBlank())) {
            throw new AbortException(Messages.get("SelfTestStep.CustomNeedsCommand"));
        }
        if (!"none".equals(runtime) && image != null && image.isBlank()) {
            throw new AbortException(Messages.get("SelfTestStep.BlankImage", runtime));
        }
        for (String[] field : new String[][] {{"coverageExec", coverageExec}, {"coverageClasses", coverageClasses},
                {"coverageSources", coverageSources}}) {
            for (String p : list(field[1])) {
                if (p.startsWith("/") || p.equals("..") || p.startsWith("../") || p.contains("/../")) {
                    throw new AbortException(Messages.get("SelfTestStep.OutsideWorkspace", field[0], p));
                }
            }
        }
        return new SelfTestSettings(framework, Optional.ofNullable(blankToNull(command)), shards,
                workers == 0 ? shards : Math.max(workers, shards), list(tests), list(excludes), runtime,
                Optional.ofNullable(blankToNull(image)), Optional.ofNullable(blankToNull(dockerHost)),
                limit.toSeconds(), coverage, list(coverageExec), list(coverageClasses), list(coverageSources),
                orphans, orphansRecursive);
    }

    static List<String> list(String commaSeparated) {
        if (commaSeparated == null) {
            return List.of();
        }
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Extension
    public static class DescriptorImpl extends StepDescriptor {

        @Override
        public String getFunctionName() {
            return "selfTest";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.get("SelfTestStep.DisplayName");
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, FilePath.class, Launcher.class, TaskListener.class, EnvVars.class);
        }

        public ListBoxModel doFillFrameworkItems() {
            return Choices.items(Choices.FRAMEWORK);
        }

        public ListBoxModel doFillRuntimeItems() {
            return Choices.items(Choices.RUNTIME);
        }
    }
}
