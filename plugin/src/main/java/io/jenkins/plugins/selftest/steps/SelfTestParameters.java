package io.jenkins.plugins.selftest.steps;

import hudson.AbortException;
import io.jenkins.plugins.selftest.Messages;
import io.jenkins.plugins.selftest.agent.SelfTestSettings;
import io.jenkins.plugins.selftest.engine.container.ContainerSpec.Mount;
import io.jenkins.plugins.selftest.engine.run.Framework;
import io.jenkins.plugins.selftest.engine.run.SelfTestOptions;
import io.jenkins.plugins.selftest.engine.supervisor.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The parameters of the {@code selfTest} steps as the Pipeline gave them, in one place: their defaults, the spelling
 * they are kept in, their checks, and the {@link SelfTestSettings} and {@link FailurePolicy} they make. Each step holds
 * one and offers the Pipeline only the parameters it uses, as {@code @DataBoundSetter}s of its own that hand the value
 * on (Pipeline's flat syntax, {@code selfTest(shards: 2)}, finds parameters only on the step's class and its
 * superclasses): so no step has a parameter it then refuses, and all check a parameter alike.
 *
 * <p>Setters keep what they are given, a bad value included, for {@link #settings(String)} to report (see
 * {@link Choices}).
 * Not thread-safe: a step is filled and started on one thread.
 */
final class SelfTestParameters {

    /** The time limit of a shard (and of the plan's preparation) when none is given. */
    static final String DEFAULT_TIMEOUT = "30m";

    private int shards = 1;
    private int workers;
    private String framework = Choices.spelling(Framework.MAVEN);
    private String command;
    private String args;
    private String tests;
    private String excludes;
    private String image;
    private String runtime = Choices.NO_RUNTIME;
    private String dockerHost;
    private String mounts;
    private String imageArchive;
    private String timeout = DEFAULT_TIMEOUT;
    private boolean coverage = true;
    private String coverageExec;
    private String coverageClasses;
    private String coverageSources;
    private boolean orphans = true;
    private boolean orphansRecursive;
    private boolean failOnError = true;
    private boolean unstableOnFailures = true;
    /** {@code selfTest(shard: n)}; null for the whole run. */
    private Integer shard;

    int getShards() {
        return shards;
    }

    void setShards(int shards) {
        this.shards = shards;
    }

    int getWorkers() {
        return workers;
    }

    void setWorkers(int workers) {
        this.workers = workers;
    }

    String getFramework() {
        return framework;
    }

    void setFramework(String framework) {
        this.framework = Choices.canonical(framework, Choices.FRAMEWORK);
    }

    String getCommand() {
        return command;
    }

    void setCommand(String command) {
        this.command = command;
    }

    String getArgs() {
        return args;
    }

    void setArgs(String args) {
        this.args = args;
    }

    String getTests() {
        return tests;
    }

    void setTests(String tests) {
        this.tests = tests;
    }

    String getExcludes() {
        return excludes;
    }

    void setExcludes(String excludes) {
        this.excludes = excludes;
    }

    String getImage() {
        return image;
    }

    void setImage(String image) {
        this.image = image;
    }

    String getRuntime() {
        return runtime;
    }

    void setRuntime(String runtime) {
        this.runtime = Choices.canonical(runtime, Choices.RUNTIME);
    }

    String getDockerHost() {
        return dockerHost;
    }

    void setDockerHost(String dockerHost) {
        this.dockerHost = dockerHost;
    }

    String getImageArchive() {
        return imageArchive;
    }

    void setImageArchive(String imageArchive) {
        this.imageArchive = imageArchive;
    }

    String getMounts() {
        return mounts;
    }

    void setMounts(String mounts) {
        this.mounts = mounts;
    }

    String getTimeout() {
        return timeout;
    }

    void setTimeout(String timeout) {
        this.timeout = timeout;
    }

    boolean isCoverage() {
        return coverage;
    }

    void setCoverage(boolean coverage) {
        this.coverage = coverage;
    }

    String getCoverageExec() {
        return coverageExec;
    }

    void setCoverageExec(String coverageExec) {
        this.coverageExec = coverageExec;
    }

    String getCoverageClasses() {
        return coverageClasses;
    }

    void setCoverageClasses(String coverageClasses) {
        this.coverageClasses = coverageClasses;
    }

    String getCoverageSources() {
        return coverageSources;
    }

    void setCoverageSources(String coverageSources) {
        this.coverageSources = coverageSources;
    }

    boolean isOrphans() {
        return orphans;
    }

    void setOrphans(boolean orphans) {
        this.orphans = orphans;
    }

    boolean isOrphansRecursive() {
        return orphansRecursive;
    }

    void setOrphansRecursive(boolean orphansRecursive) {
        this.orphansRecursive = orphansRecursive;
    }

    boolean isFailOnError() {
        return failOnError;
    }

    void setFailOnError(boolean failOnError) {
        this.failOnError = failOnError;
    }

    boolean isUnstableOnFailures() {
        return unstableOnFailures;
    }

    void setUnstableOnFailures(boolean unstableOnFailures) {
        this.unstableOnFailures = unstableOnFailures;
    }

    Integer getShard() {
        return shard;
    }

    void setShard(Integer shard) {
        this.shard = shard;
    }

    /**
     * What is wrong with the values, one line a problem ({@code <field>: '<value>' <what is wrong>; <the fix>}), without
     * the step's name; empty when all are good.
     */
    private List<String> problems() {
        List<String> problems = new ArrayList<>();
        Choices.below("shards", shards, 1).ifPresent(problems::add);
        Choices.above("shards", shards, SelfTestOptions.MAX_SHARDS).ifPresent(problems::add);
        Choices.below("workers", workers, 0).ifPresent(problems::add);
        Choices.above("workers", workers, SelfTestOptions.MAX_WORKERS).ifPresent(problems::add);
        if (shard != null) {
            Choices.below("shard", shard, 0).ifPresent(problems::add);
        }
        Choices.notOneOf("framework", framework, Choices.FRAMEWORK).ifPresent(problems::add);
        Choices.notOneOf("runtime", runtime, Choices.RUNTIME).ifPresent(problems::add);
        timeoutProblem(timeout).ifPresent(problems::add);
        argsProblem(framework, args).ifPresent(problems::add);
        if (Choices.spelling(Framework.CUSTOM).equals(framework) && (command == null || command.isBlank())) {
            problems.add(Messages.get("SelfTestStep.CustomNeedsCommand"));
        }
        if (!Choices.NO_RUNTIME.equals(runtime) && image != null && image.isBlank()) {
            problems.add(Messages.get("SelfTestStep.BlankImage", runtime));
        }
        problems.addAll(badMounts(mounts));
        imageArchiveProblem(imageArchive).ifPresent(problems::add);
        problems.addAll(outsideWorkspace("coverageExec", coverageExec));
        problems.addAll(outsideWorkspace("coverageClasses", coverageClasses));
        problems.addAll(outsideWorkspace("coverageSources", coverageSources));
        return problems;
    }

    /**
     * The settings the agent runs with, once the values are checked together: every bad one is a line of the
     * exception.
     *
     * @param step the name the Pipeline called the step by ({@code selfTest}, {@code selfTestPlan}), which every line
     *             starts with
     * @throws AbortException naming the step, each bad field, its value and the fix
     */
    SelfTestSettings settings(String step) throws AbortException {
        Choices.check(step, problems());
        long limit = timeout(timeout).orElseThrow().toSeconds();
        return new SelfTestSettings(framework, Optional.ofNullable(blankToNull(command)), shards,
                workers == 0 ? shards : Math.max(workers, shards), list(tests), list(excludes), runtime,
                Optional.ofNullable(blankToNull(image)), Optional.ofNullable(blankToNull(dockerHost)), limit, coverage,
                list(coverageExec), list(coverageClasses), list(coverageSources), orphans, orphansRecursive,
                list(mounts), Framework.parse(framework).parseArgs(args), Optional.ofNullable(blankToNull(imageArchive)));
    }

    /** What failures do to the build and the step. */
    FailurePolicy failurePolicy() {
        return new FailurePolicy(failOnError, unstableOnFailures);
    }

    /** The time limit, {@value #DEFAULT_TIMEOUT} when blank; empty when it is not a positive duration. */
    static Optional<Duration> timeout(String text) {
        try {
            Duration d = Durations.parse(text == null || text.isBlank() ? DEFAULT_TIMEOUT : text);
            return d.isZero() || d.isNegative() ? Optional.empty() : Optional.of(d);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The problem of a timeout, without the step's name; the form's check says the same. */
    static Optional<String> timeoutProblem(String text) {
        return timeout(text).isPresent() ? Optional.empty() : Optional.of(Messages.get("SelfTestStep.BadTimeout", text));
    }

    /**
     * The problem of build arguments for a framework ({@link Framework#parseArgs}: bounded, split as {@code /bin/sh}
     * would, nothing that breaks sharding), without the step's name; the form's check says the same. A framework
     * that is none of the choices has its own problem.
     */
    static Optional<String> argsProblem(String framework, String args) {
        Framework fw;
        try {
            fw = Framework.parse(framework == null || framework.isBlank() ? Choices.spelling(Framework.MAVEN) : framework);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        try {
            fw.parseArgs(args);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(Messages.get("SelfTestStep.BadArgs", e.getMessage()));
        }
    }

    /**
     * A problem for each entry of a comma-separated list of paths or patterns that leads out of the workspace. Only
     * the spelling is checked here, so that a Pipeline fails before it reaches an agent; the agent resolves every
     * entry in the workspace with the one workspace check ({@code WorkspaceFiles}).
     */
    private static List<String> outsideWorkspace(String field, String commaSeparated) {
        return list(commaSeparated).stream()
                .filter(p -> p.startsWith("/") || p.equals("..") || p.startsWith("../") || p.contains("/../"))
                .map(p -> Messages.get("SelfTestStep.OutsideWorkspace", field, p)).toList();
    }

    /** The problem of an image archive's path, without the step's name; the form's check says the same. */
    static Optional<String> imageArchiveProblem(String path) {
        return outsideWorkspace("imageArchive", path).stream().findFirst();
    }

    /** A problem for each mount that the engine's one parser ({@link Mount#parse}) refuses, in its words. */
    private static List<String> badMounts(String commaSeparated) {
        List<String> problems = new ArrayList<>();
        for (String m : list(commaSeparated)) {
            try {
                Mount.parse(m);
            } catch (IllegalArgumentException e) {
                problems.add("mounts: " + e.getMessage());
            }
        }
        return problems;
    }

    private static List<String> list(String commaSeparated) {
        if (commaSeparated == null) {
            return List.of();
        }
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
