package io.jenkins.plugins.selftest.cli;

import io.jenkins.plugins.selftest.engine.container.ContainerSpec;
import io.jenkins.plugins.selftest.engine.metrics.SelfTestMetrics;
import io.jenkins.plugins.selftest.engine.orphans.OrphanOptions;
import io.jenkins.plugins.selftest.engine.run.Framework;
import io.jenkins.plugins.selftest.engine.run.ImageArchive;
import io.jenkins.plugins.selftest.engine.run.SelfTestOptions;
import io.jenkins.plugins.selftest.engine.run.SelfTestRun;
import io.jenkins.plugins.selftest.engine.shard.TestFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options {@code run} and {@code run-scheduled} share (a picocli mixin). */
final class RunOptions {

    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "The project directory (default: the current directory), optionally followed by test source "
                    + "globs relative to it (e.g. 'src/test/java/**/*Test.java', 'tests/**/test_*.py'); without globs "
                    + "the tests are the compiled test classes (Maven, Gradle) or test_*.py files (pytest).")
    List<String> paths = new ArrayList<>();

    @Option(names = "--shards", defaultValue = "2", description = "Number of shards (containers or processes). Default: ${DEFAULT-VALUE}.")
    int shards;

    @Option(names = "--workers", description = "Total parallelism, divided over the shards, at least 1 each "
            + "(Surefire forkCount, pytest -n). Default: the number of shards.")
    Integer workers;

    @Option(names = "--use-container", description = "Run each shard in its own container instead of a local process.")
    boolean useContainer;

    @Option(names = "--fallback-to-local", description = "With --use-container: when the runtime or the image does not "
            + "work, run the shards as local processes (and say so) instead of failing.")
    boolean fallbackToLocal;

    @Option(names = "--container-runtime", defaultValue = "podman", description = "docker or podman (or a path to one). Default: ${DEFAULT-VALUE}.")
    String containerRuntime;

    @Option(names = "--container-image", defaultValue = SelfTestOptions.DEFAULT_IMAGE,
            description = "Image for container shards. Default: ${DEFAULT-VALUE} (scripts/build-test-image.sh).")
    String containerImage;

    @Option(names = "--image-archive", paramLabel = "FILE", description = "With --use-container: load the images of "
            + "this archive (podman save / docker save) first, for agents without registry access; the shards use "
            + "--container-image when given, else the image the archive holds. Inside the project directory. "
            + "Default: env " + ImageArchive.VARIABLE + " (or " + ImageArchive.LEGACY_VARIABLE + ").")
    String imageArchive;

    @Option(names = "--docker-host", description = "Remote engine (tcp://..., ssh://..., unix://...): podman --url / docker -H. "
            + "Default: DOCKER_HOST or CONTAINER_HOST, else the local engine.")
    String dockerHost;

    @Option(names = "--mount", paramLabel = ContainerSpec.Mount.SPELLING, description = "Bind-mount a host path into "
            + "every container shard (repeatable): read-only unless :rw, at the same path unless CONTAINER is given. "
            + "Only these and what the default image needs (/usr, some of /etc) are mounted; image labels mount nothing.")
    List<String> mounts = new ArrayList<>();

    @Option(names = "--copy-workspace", description = "Copy the workspace into containers and reports out (automatic for remote engines).")
    boolean copyWorkspace;

    @Option(names = "--framework", defaultValue = "maven", description = "maven, gradle, pytest or custom. Default: ${DEFAULT-VALUE}.")
    String framework;

    @Option(names = "--command", description = "Shell template of the custom framework; sees SELFTEST_SHARD_INDEX, "
            + "SELFTEST_SHARD_COUNT, SELFTEST_WORKERS, SELFTEST_TESTS_FILE, SELFTEST_REPORTS_DIR.")
    String command;

    @Option(names = "--args", paramLabel = "ARGS", description = "Build arguments for the preparation and every shard, "
            + "split as /bin/sh would (e.g. '-Pci -DskipITs'): on Maven's, Gradle's or pytest's command line, a custom "
            + "command's $SELFTEST_ARGS. Arguments that choose tests, modules or workers are refused. "
            + "Default: env " + SelfTestRun.ARGS + ".")
    String args;

    @Option(names = "--timeout", defaultValue = "30m", converter = DurationConverter.class,
            description = "Per-shard time limit (90s, 20m, 1h); the shard's process tree or container is killed at it. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--history", defaultValue = ".selftest/history.jsonl", description = "History file (JSON lines): "
            + "timings for planning, one record appended per run. Default: ${DEFAULT-VALUE}.")
    Path history;

    @Option(names = "--report-dir", defaultValue = ".selftest/report", description = "Report directory. Default: ${DEFAULT-VALUE}.")
    Path reportDir;

    @Option(names = "--metrics-port", description = "Serve the Prometheus gauges on this port (/metrics) while the command runs.")
    Integer metricsPort;

    @Option(names = "--metrics-bind", paramLabel = "ADDRESS", defaultValue = SelfTestMetrics.DEFAULT_BIND,
            description = "Address the metrics endpoint listens on; it has no authentication, so only this machine "
                    + "reaches it unless you give another (0.0.0.0: every interface). Default: ${DEFAULT-VALUE}.")
    String metricsBind;

    @Option(names = "--include-orphans", arity = "0..1", fallbackValue = ".selftest/orphans.json", paramLabel = "FILE",
            description = "Use a saved orphan list (read when present, rewritten after a scan). Default file when given without one: ${FALLBACK-VALUE}.")
    Path includeOrphans;

    @Option(names = "--discover-orphans", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Scan the bytecode for orphans when no saved list is used (env SELFTEST_DISCOVER_ORPHANS). Default: ${DEFAULT-VALUE}.")
    boolean discoverOrphans;

    @Option(names = "--refresh-orphans", description = "Scan anew even when the saved orphan list exists.")
    boolean refreshOrphans;

    @Option(names = "--recursive-orphans", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also report main classes reachable only through orphans (env SELFTEST_RECURSIVE_ORPHANS). Default: ${DEFAULT-VALUE}.")
    boolean recursiveOrphans;

    @Option(names = "--no-orphans", description = "No orphan report (env SELFTEST_DISABLE_ORPHANS=1).")
    boolean noOrphans;

    @Option(names = "--include", split = ",", description = "Only tests matching these globs (e.g. '*IT', 'com.acme.**').")
    List<String> includes = new ArrayList<>();

    @Option(names = "--exclude", split = ",", description = "Leave out tests matching these globs.")
    List<String> excludes = new ArrayList<>();

    @Option(names = "--env", paramLabel = "NAME=VALUE", description = "Extra environment variable for every shard (repeatable).")
    Map<String, String> env = new java.util.LinkedHashMap<>();

    @Option(names = "--lock-file", description = "Serialise container runs of several selftest processes through this lock file.")
    Path lockFile;

    @Option(names = "--run-id", description = "Id of the run in container labels (selftest.run) and the history. Default: time stamp + random.")
    String runId;

    @Option(names = "--no-prepare", description = "Do not compile the project first (mvn test-compile / gradle testClasses).")
    boolean noPrepare;

    /**
     * The metrics endpoint of {@code --metrics-port} on {@code --metrics-bind}, or null without a port.
     *
     * @throws IOException naming the address and port when they cannot be bound
     */
    AutoCloseable serveMetrics(SelfTestMetrics metrics) throws IOException {
        return metricsPort == null ? null : metrics.serve(metricsBind, metricsPort);
    }

    /**
     * The engine options for this command line.
     *
     * @throws IllegalArgumentException with a one-line reason (bad path, bad framework, bad mount)
     */
    SelfTestOptions toOptions(Map<String, String> environment) {
        Path cwd = Path.of("").toAbsolutePath();
        Path workspace = cwd;
        List<String> globs = new ArrayList<>(paths);
        if (!paths.isEmpty() && !paths.get(0).contains("*")) {
            Path p = cwd.resolve(paths.get(0));
            if (!Files.isDirectory(p)) {
                throw new IllegalArgumentException("path " + p + " is not a directory: give the project directory, "
                        + "optionally followed by test globs");
            }
            workspace = p;
            globs.remove(0);
        }
        Framework fw = Framework.parse(framework);
        List<String> buildArgs = buildArgs(fw, environment);
        OrphanOptions orphans = new OrphanOptions(!noOrphans, discoverOrphans, refreshOrphans, recursiveOrphans,
                Optional.ofNullable(includeOrphans).map(cwd::resolve));
        orphans = OrphanOptions.fromEnvironment(environment, orphans);
        SelfTestOptions.Builder b = SelfTestOptions.builder(workspace)
                .framework(fw)
                .command(command)
                .shards(shards)
                .workers(workers == null ? shards : workers)
                .useContainer(useContainer)
                .containerFallback(fallbackToLocal)
                .runtime(containerRuntime)
                .image(containerImage)
                .host(dockerHost)
                .copyWorkspace(copyWorkspace)
                .timeout(timeout)
                .history(cwd.resolve(history))
                .reportDir(cwd.resolve(reportDir))
                .paths(globs)
                .filter(new TestFilter(includes, excludes))
                .orphans(orphans)
                .env(env)
                .hostEnvironment(environment)
                .prepare(!noPrepare)
                .runId(runId)
                .mounts(mounts())
                .args(buildArgs);
        if (lockFile != null) {
            b.lockFile(cwd.resolve(lockFile));
        }
        if (imageArchive != null) {
            b.imageArchive(new ImageArchive(cwd.resolve(imageArchive).toString(), "--image-archive"));
        }
        return b.build();
    }

    /** {@code --args}, else the environment's {@code SELFTEST_ARGS}, split and checked for the framework. */
    private List<String> buildArgs(Framework fw, Map<String, String> environment) {
        boolean given = args != null;
        String line = given ? args : environment.get(SelfTestRun.ARGS);
        try {
            return fw.parseArgs(line);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((given ? "--args " : SelfTestRun.ARGS + " ") + e.getMessage()
                    + (given ? "" : " (or give --args)"), e);
        }
    }

    private List<ContainerSpec.Mount> mounts() {
        List<ContainerSpec.Mount> parsed = new ArrayList<>();
        for (String m : mounts) {
            try {
                parsed.add(ContainerSpec.Mount.parse(m));
            } catch (IllegalArgumentException e) {
                // the engine's "mount '...' ..." becomes the option's "--mount '...' ..."
                throw new IllegalArgumentException("--" + e.getMessage(), e);
            }
        }
        return parsed;
    }
}
