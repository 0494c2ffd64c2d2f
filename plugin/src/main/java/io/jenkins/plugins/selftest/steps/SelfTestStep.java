package io.jenkins.plugins.selftest.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.selftest.Messages;
import io.jenkins.plugins.selftest.agent.SelfTestSettings;
import io.jenkins.plugins.selftest.engine.supervisor.Durations;
import java.time.Duration;
import java.util.ArrayList;
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
import org.kohsuke.stapler.QueryParameter;

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
        this.shards = shards;
    }

    public int getWorkers() {
        return workers;
    }

    /** Total parallelism, divided over the shards (each at least one); 0 means one per shard. */
    @DataBoundSetter
    public void setWorkers(int workers) {
        this.workers = workers;
    }

    public String getFramework() {
        return framework;
    }

    @DataBoundSetter
    public void setFramework(String framework) {
        this.framework = Choices.canonical(framework, Choices.FRAMEWORK);
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
        this.runtime = Choices.canonical(runtime, Choices.RUNTIME);
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
        this.shard = shard;
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        SelfTestSettings settings = settings();
        return shard == null ? SelfTestExecution.run(this, settings, context)
                : SelfTestExecution.shard(this, settings, shard, context);
    }

    /** {@link #settings(String)} of {@code selfTest}. */
    SelfTestSettings settings() throws AbortException {
        return settings("selfTest");
    }

    /**
     * The parameters as the agent needs them, checked together: every bad one is a line of the exception.
     *
     * @param functionName the name the Pipeline called the step by ({@code selfTest}, {@code selfTestPlan}), which
     *                     every message starts with
     * @throws AbortException naming the step, each bad field, its value and the fix
     */
    SelfTestSettings settings(String functionName) throws AbortException {
        List<String> problems = new ArrayList<>();
        Choices.below("shards", shards, 1).ifPresent(problems::add);
        Choices.below("workers", workers, 0).ifPresent(problems::add);
        if (shard != null) {
            Choices.below("shard", shard, 0).ifPresent(problems::add);
        }
        Choices.notOneOf("framework", framework, Choices.FRAMEWORK).ifPresent(problems::add);
        Choices.notOneOf("runtime", runtime, Choices.RUNTIME).ifPresent(problems::add);
        Optional<Duration> limit = timeout(timeout);
        if (limit.isEmpty()) {
            problems.add(Messages.get("SelfTestStep.BadTimeout", timeout));
        }
        if ("custom".equals(framework) && (command == null || command.isBlank())) {
            problems.add(Messages.get("SelfTestStep.CustomNeedsCommand"));
        }
        if (!"none".equals(runtime) && image != null && image.isBlank()) {
            problems.add(Messages.get("SelfTestStep.BlankImage", runtime));
        }
        for (String[] field : new String[][] {{"coverageExec", coverageExec}, {"coverageClasses", coverageClasses},
                {"coverageSources", coverageSources}}) {
            for (String p : list(field[1])) {
                if (p.startsWith("/") || p.equals("..") || p.startsWith("../") || p.contains("/../")) {
                    problems.add(Messages.get("SelfTestStep.OutsideWorkspace", field[0], p));
                }
            }
        }
        Choices.check(functionName, problems);
        return new SelfTestSettings(framework, Optional.ofNullable(blankToNull(command)), shards,
                workers == 0 ? shards : Math.max(workers, shards), list(tests), list(excludes), runtime,
                Optional.ofNullable(blankToNull(image)), Optional.ofNullable(blankToNull(dockerHost)),
                limit.orElseThrow().toSeconds(), coverage, list(coverageExec), list(coverageClasses), list(coverageSources),
                orphans, orphansRecursive);
    }

    /** The per-shard time limit, 30 minutes when blank; empty when it is not a positive duration. */
    static Optional<Duration> timeout(String text) {
        try {
            Duration d = Durations.parse(text == null || text.isBlank() ? "30m" : text);
            return d.isZero() || d.isNegative() ? Optional.empty() : Optional.of(d);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
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

        // the form's checks are the checks of settings(), so the snippet generator and the Pipeline agree

        public FormValidation doCheckShards(@QueryParameter String value) {
            Long n = Choices.formNumber(value, 1);
            return Choices.form("shards", n == null ? Optional.of(notANumber(value)) : Choices.below("shards", n, 1));
        }

        public FormValidation doCheckWorkers(@QueryParameter String value) {
            Long n = Choices.formNumber(value, 0);
            return Choices.form("workers", n == null ? Optional.of(notANumber(value)) : Choices.below("workers", n, 0));
        }

        public FormValidation doCheckShard(@QueryParameter String value) {
            Long n = Choices.formNumber(value, 0);
            return Choices.form("shard", n == null ? Optional.of(notANumber(value)) : Choices.below("shard", n, 0));
        }

        public FormValidation doCheckTimeout(@QueryParameter String value) {
            return Choices.form("timeout", timeout(value).isPresent() ? Optional.empty()
                    : Optional.of(Messages.get("SelfTestStep.BadTimeout", value)));
        }

        private static String notANumber(String value) {
            return "'" + value + "' is not a whole number";
        }
    }
}
