package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.container.ContainerSpec.Mount;
import io.jenkins.plugins.selftest.engine.orphans.OrphanOptions;
import io.jenkins.plugins.selftest.engine.shard.TestFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a {@link SelfTestRun} needs. Immutable; build it with {@link #builder(Path)}. Relative directories are
 * resolved against the workspace.
 *
 * @param workspace      the project to test (bind-mounted or copied into containers)
 * @param command        the template of {@link Framework#CUSTOM}
 * @param shards         how many shards to plan (fewer when there are fewer tests)
 * @param workers        total parallelism, divided over the shards
 * @param useContainer   one container per shard instead of a local process
 * @param containerFallback with {@code useContainer}: when the runtime or image does not work, run local processes
 *                       instead (and say so) rather than fail - the CLI's {@code --use-container=auto}
 * @param runtime        {@code podman} or {@code docker}
 * @param image          the container image
 * @param host           an explicit engine address (else {@code DOCKER_HOST}/{@code CONTAINER_HOST})
 * @param copyWorkspace  copy the workspace in and reports out even for a local engine (a remote one always does)
 * @param timeout        per shard; the shard's process tree or container is killed at it
 * @param history        the history file (JSON lines) to plan from and append to
 * @param reportDir      where reports go
 * @param testClassDirs  compiled test classes (defaults by framework)
 * @param mainClassDirs  compiled main classes, for coverage and orphans (defaults by framework)
 * @param sourceDirs     main sources, for the JaCoCo HTML report (defaults by framework)
 * @param paths          test source globs, used instead of compiled classes when given
 * @param environment    extra variables for every shard
 * @param hostEnvironment the environment the engine variables are read from (usually {@code System.getenv()})
 * @param lockFile       serialise container runs across processes through this file
 * @param prepare        compile the project once before planning ({@code mvn test-compile})
 * @param mavenHome      the Maven user home ({@code ~/.m2}) mounted into containers for offline builds
 * @param runId          the id in labels and history (random when empty)
 * @param extraExecFiles JaCoCo exec files merged in addition to the shards' own (e.g. of earlier integration tests)
 * @param coverage       measure coverage: the maven preset attaches the JaCoCo agent, and the run reads the exec
 *                       files into figures and a JaCoCo report; off, no agent is attached, no exec file is written
 *                       and the run's results and reports leave coverage out
 * @param mounts         host paths the user mounts into every container shard ({@link Mount#parse}), besides the
 *                       workspace, {@code ~/.m2} and what the default image needs ({@link #defaultImageMounts}); an
 *                       image never adds mounts of its own
 * @param args           the user's build arguments ({@link Framework#parseArgs}), for the preparation and every shard:
 *                       on Maven's, Gradle's or pytest's command line, a custom command's {@code $SELFTEST_ARGS}
 * @param imageArchive   an image archive loaded before the run checks its image ({@link ImageArchive}); when
 *                       {@code image} is the default, the run uses the image the archive holds
 */
public record SelfTestOptions(Path workspace, Framework framework, Optional<String> command, int shards, int workers,
                              boolean useContainer, boolean containerFallback, String runtime, String image, Optional<String> host,
                              boolean copyWorkspace, Duration timeout, Optional<Path> history, Path reportDir,
                              List<Path> testClassDirs, List<Path> mainClassDirs, List<Path> sourceDirs,
                              List<String> paths, TestFilter filter, OrphanOptions orphans,
                              Map<String, String> environment, Map<String, String> hostEnvironment,
                              Optional<Path> lockFile, boolean prepare, Optional<Path> mavenHome,
                              Optional<String> runId, List<Path> extraExecFiles, boolean coverage,
                              List<Mount> mounts, List<String> args, Optional<ImageArchive> imageArchive) {

    /** The most shards one run may have: each is a container or a process tree on one machine. */
    public static final int MAX_SHARDS = 256;
    /** The most workers (test JVMs or pytest workers) one run may spread over its shards. */
    public static final int MAX_WORKERS = 1024;

    /** The default image, made by scripts/build-test-image.sh. */
    public static final String DEFAULT_IMAGE = "localhost/selftest-java17:latest";
    /** The default per-shard timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
    /**
     * The host paths {@link #DEFAULT_IMAGE} borrows, read-only at the same place: it has no JDK or Maven of its own
     * but the host's {@code /usr} and the {@code /etc} directories they link into.
     */
    static final List<String> DEFAULT_IMAGE_HOST_PATHS = List.of("/usr", "/etc/alternatives", "/etc/java-17-openjdk",
            "/etc/maven", "/etc/ssl/certs");

    public SelfTestOptions {
        Objects.requireNonNull(workspace, "workspace");
        workspace = workspace.toAbsolutePath().normalize();
        Path ws = workspace;
        testClassDirs = testClassDirs.stream().map(ws::resolve).map(Path::normalize).toList();
        mainClassDirs = mainClassDirs.stream().map(ws::resolve).map(Path::normalize).toList();
        sourceDirs = sourceDirs.stream().map(ws::resolve).map(Path::normalize).toList();
        reportDir = reportDir.toAbsolutePath().normalize();
        paths = List.copyOf(paths);
        extraExecFiles = extraExecFiles == null ? List.of()
                : extraExecFiles.stream().map(ws::resolve).map(Path::normalize).toList();
        environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        hostEnvironment = Map.copyOf(hostEnvironment);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        args = args == null ? List.of() : List.copyOf(args);
        framework.checkArgs(args);
        imageArchive = imageArchive == null ? Optional.empty() : imageArchive;
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1, was " + shards);
        }
        if (shards > MAX_SHARDS) {
            throw new IllegalArgumentException("shards must be at most " + MAX_SHARDS + ", was " + shards);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, was " + workers);
        }
        if (workers > MAX_WORKERS) {
            throw new IllegalArgumentException("workers must be at most " + MAX_WORKERS + ", was " + workers);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    /** These options with {@code image} instead (the one an {@link #imageArchive} held). */
    public SelfTestOptions withImage(String image) {
        return new SelfTestOptions(workspace, framework, command, shards, workers, useContainer, containerFallback,
                runtime, image, host, copyWorkspace, timeout, history, reportDir, testClassDirs, mainClassDirs,
                sourceDirs, paths, filter, orphans, environment, hostEnvironment, lockFile, prepare, mavenHome, runId,
                extraExecFiles, coverage, mounts, args, imageArchive);
    }

    /** Whether the image is {@link #DEFAULT_IMAGE} (with or without its {@code :latest} tag). */
    public boolean usesDefaultImage() {
        return image.equals(DEFAULT_IMAGE) || image.equals(DEFAULT_IMAGE.substring(0, DEFAULT_IMAGE.lastIndexOf(':')));
    }

    /**
     * What {@link #DEFAULT_IMAGE} needs mounted, all read-only at the same path: {@link #DEFAULT_IMAGE_HOST_PATHS}
     * and the JDK that {@code /usr/bin/java} leads to when it lives outside {@code /usr}. Those that do not exist on
     * this machine are left out, unless {@code engineElsewhere} (a remote engine's paths cannot be seen from here).
     */
    public static List<Mount> defaultImageMounts(boolean engineElsewhere) {
        List<Path> paths = new ArrayList<>(DEFAULT_IMAGE_HOST_PATHS.stream().map(Path::of).toList());
        if (!engineElsewhere) {
            try {
                Path bin = Path.of("/usr/bin/java").toRealPath().getParent();
                Path jdk = bin == null ? null : bin.getParent();
                if (jdk != null && !jdk.startsWith("/usr")) {
                    paths.add(jdk);
                }
            } catch (IOException e) {
                // no java in /usr/bin: nothing more to borrow
            }
        }
        return paths.stream().filter(p -> engineElsewhere || Files.exists(p))
                .map(p -> new Mount(p, p.toString(), true)).toList();
    }

    public static Builder builder(Path workspace) {
        return new Builder(workspace);
    }

    /** Builder; defaults: maven (class and source directories of every module of a reactor), 1 shard, 1 worker, local processes, podman, the default image, 30 min, coverage. */
    public static final class Builder {
        private final Path workspace;
        private Framework framework = Framework.MAVEN;
        private String command;
        private int shards = 1;
        private int workers = 1;
        private boolean useContainer;
        private boolean containerFallback;
        private String runtime = "podman";
        private String image = DEFAULT_IMAGE;
        private String host;
        private boolean copyWorkspace;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Path history;
        private Path reportDir;
        private List<Path> testClassDirs;
        private List<Path> mainClassDirs;
        private List<Path> sourceDirs;
        private List<String> paths = List.of();
        private TestFilter filter = TestFilter.ALL;
        private OrphanOptions orphans = OrphanOptions.DEFAULTS;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Map<String, String> hostEnvironment = System.getenv();
        private Path lockFile;
        private boolean prepare = true;
        private Path mavenHome = Path.of(System.getProperty("user.home"), ".m2");
        private String runId;
        private List<Path> extraExecFiles = List.of();
        private boolean coverage = true;
        private List<Mount> mounts = List.of();
        private List<String> args = List.of();
        private ImageArchive imageArchive;

        private Builder(Path workspace) {
            this.workspace = workspace;
        }

        public Builder framework(Framework v) { this.framework = v; return this; }
        public Builder command(String v) { this.command = v; return this; }
        public Builder shards(int v) { this.shards = v; return this; }
        public Builder workers(int v) { this.workers = v; return this; }
        public Builder useContainer(boolean v) { this.useContainer = v; return this; }
        public Builder containerFallback(boolean v) { this.containerFallback = v; return this; }
        public Builder runtime(String v) { this.runtime = v; return this; }
        public Builder image(String v) { this.image = v; return this; }
        public Builder host(String v) { this.host = v; return this; }
        public Builder copyWorkspace(boolean v) { this.copyWorkspace = v; return this; }
        public Builder timeout(Duration v) { this.timeout = v; return this; }
        public Builder history(Path v) { this.history = v; return this; }
        public Builder reportDir(Path v) { this.reportDir = v; return this; }
        public Builder testClassDirs(List<Path> v) { this.testClassDirs = v; return this; }
        public Builder mainClassDirs(List<Path> v) { this.mainClassDirs = v; return this; }
        public Builder sourceDirs(List<Path> v) { this.sourceDirs = v; return this; }
        public Builder paths(List<String> v) { this.paths = v; return this; }
        public Builder filter(TestFilter v) { this.filter = v; return this; }
        public Builder orphans(OrphanOptions v) { this.orphans = v; return this; }
        public Builder env(String k, String v) { this.environment.put(k, v); return this; }
        public Builder env(Map<String, String> v) { this.environment.putAll(v); return this; }
        public Builder hostEnvironment(Map<String, String> v) { this.hostEnvironment = v; return this; }
        public Builder lockFile(Path v) { this.lockFile = v; return this; }
        public Builder prepare(boolean v) { this.prepare = v; return this; }
        public Builder mavenHome(Path v) { this.mavenHome = v; return this; }
        public Builder runId(String v) { this.runId = v; return this; }
        public Builder extraExecFiles(List<Path> v) { this.extraExecFiles = v; return this; }
        public Builder coverage(boolean v) { this.coverage = v; return this; }
        public Builder mounts(List<Mount> v) { this.mounts = v; return this; }
        public Builder args(List<String> v) { this.args = v; return this; }
        /** The archive to load; without one, {@link ImageArchive#fromEnvironment} of the host environment. */
        public Builder imageArchive(ImageArchive v) { this.imageArchive = v; return this; }

        public SelfTestOptions build() {
            Path ws = workspace.toAbsolutePath().normalize();
            return new SelfTestOptions(ws, framework, Optional.ofNullable(command), shards, workers, useContainer,
                    containerFallback, runtime, image, Optional.ofNullable(host), copyWorkspace, timeout, Optional.ofNullable(history),
                    reportDir == null ? ws.resolve(".selftest/report") : reportDir,
                    testClassDirs == null ? defaults(ws, framework.testClassDirs()) : testClassDirs,
                    mainClassDirs == null ? defaults(ws, framework.mainClassDirs()) : mainClassDirs,
                    sourceDirs == null ? defaults(ws, framework.sourceDirs()) : sourceDirs,
                    paths, filter, orphans, environment, hostEnvironment, Optional.ofNullable(lockFile), prepare,
                    Optional.ofNullable(mavenHome), Optional.ofNullable(runId), extraExecFiles, coverage, mounts, args,
                    Optional.ofNullable(imageArchive).or(() -> ImageArchive.fromEnvironment(hostEnvironment)));
        }

        /** The framework's directories in this workspace: every module's, in a Maven reactor. */
        private List<Path> defaults(Path ws, List<String> dirs) {
            return framework.defaultDirs(ws, dirs).stream().map(Path::of).toList();
        }
    }
}
