package io.jenkins.plugins.selftest.agent;

import io.jenkins.plugins.selftest.engine.orphans.OrphanOptions;
import io.jenkins.plugins.selftest.engine.run.Framework;
import io.jenkins.plugins.selftest.engine.run.SelfTestOptions;
import io.jenkins.plugins.selftest.engine.shard.TestFilter;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated parameters of a {@code selfTest} (or {@code selfTestPlan}) step, as plain values that cross the
 * remoting channel as JSON; {@link #toOptions} turns them into the engine's options on the agent, where the workspace
 * paths and globs mean something. Immutable.
 *
 * @param workers          total parallelism (already defaulted to one per shard)
 * @param runtime          {@code none}, {@code docker} or {@code podman}
 * @param image            empty: the engine's default image
 * @param dockerHost       empty: {@code DOCKER_HOST}/{@code CONTAINER_HOST} of the build's environment
 * @param timeoutSeconds   per shard
 * @param coverageExec     globs (workspace-relative) of extra JaCoCo exec files
 * @param coverageClasses  globs of main class directories; empty: the framework's default
 * @param coverageSources  globs of source directories; empty: the framework's default
 */
public record SelfTestSettings(String framework, Optional<String> command, int shards, int workers,
                               List<String> tests, List<String> excludes, String runtime, Optional<String> image,
                               Optional<String> dockerHost, long timeoutSeconds, boolean coverage,
                               List<String> coverageExec, List<String> coverageClasses, List<String> coverageSources,
                               boolean orphans, boolean orphansRecursive) {

    public SelfTestSettings {
        command = command == null ? Optional.empty() : command;
        image = image == null ? Optional.empty() : image;
        dockerHost = dockerHost == null ? Optional.empty() : dockerHost;
        tests = tests == null ? List.of() : List.copyOf(tests);
        excludes = excludes == null ? List.of() : List.copyOf(excludes);
        coverageExec = coverageExec == null ? List.of() : List.copyOf(coverageExec);
        coverageClasses = coverageClasses == null ? List.of() : List.copyOf(coverageClasses);
        coverageSources = coverageSources == null ? List.of() : List.copyOf(coverageSources);
    }

    /**
     * The settings of one shard of this plan run with {@code here}: the plan's test selection and report settings,
     * the runtime, image, engine and timeout of the agent that runs the shard.
     */
    public SelfTestSettings forShard(SelfTestSettings here) {
        return new SelfTestSettings(framework, command, shards, workers, tests, excludes, here.runtime(), here.image(),
                here.dockerHost(), here.timeoutSeconds(), coverage, coverageExec, coverageClasses, coverageSources,
                orphans, orphansRecursive);
    }

    /** Whether class, source or exec settings are globs, which resolve only once the project is compiled. */
    public boolean hasGlobs() {
        return java.util.stream.Stream.of(coverageClasses, coverageSources, coverageExec).flatMap(List::stream)
                .anyMatch(g -> g.contains("*") || g.contains("?"));
    }

    public boolean useContainer() {
        return !"none".equals(runtime);
    }

    /**
     * The engine options for a run in {@code workspace} with reports in {@code reportDir}.
     *
     * @param environment the build's environment: given to every shard, and read for {@code DOCKER_HOST},
     *                    {@code DOCKER_CONFIG}, {@code DOCKER_CERT_PATH}, {@code CONTAINER_HOST} by the container CLI
     */
    public SelfTestOptions toOptions(Path workspace, Path reportDir, Optional<Path> history,
                                     Map<String, String> environment, String runId, boolean prepare) throws IOException {
        Framework fw = Framework.parse(framework);
        SelfTestOptions.Builder b = SelfTestOptions.builder(workspace)
                .framework(fw)
                .command(command.orElse(null))
                .shards(shards)
                .workers(Math.max(workers, 1))
                .useContainer(useContainer())
                .runtime(useContainer() ? runtime : "podman")
                .host(dockerHost.orElse(null))
                .timeout(java.time.Duration.ofSeconds(timeoutSeconds))
                .reportDir(reportDir)
                .filter(new TestFilter(tests, excludes))
                .orphans(orphans ? new OrphanOptions(true, true, false, orphansRecursive, Optional.empty())
                        : OrphanOptions.DISABLED)
                .env(environment)
                .hostEnvironment(environment)
                .runId(runId)
                .prepare(prepare);
        image.ifPresent(b::image);
        history.ifPresent(b::history);
        if (!coverageClasses.isEmpty()) {
            b.mainClassDirs(directories(workspace, coverageClasses));
        }
        if (!coverageSources.isEmpty()) {
            b.sourceDirs(directories(workspace, coverageSources));
        }
        if (coverage && !coverageExec.isEmpty()) {
            b.extraExecFiles(files(workspace, coverageExec, false));
        }
        return b.build();
    }

    /** Directories under {@code workspace} matching any glob; a plain relative path is taken as it is. */
    static List<Path> directories(Path workspace, List<String> globs) throws IOException {
        List<Path> found = new ArrayList<>();
        for (String g : globs) {
            if (!g.contains("*") && !g.contains("?")) {
                found.add(inside(workspace, g));
            }
        }
        found.addAll(files(workspace, globs.stream().filter(g -> g.contains("*") || g.contains("?")).toList(), true));
        return found.stream().distinct().toList();
    }

    /** Regular files (or directories) under {@code workspace} whose workspace-relative path matches a glob. */
    static List<Path> files(Path workspace, List<String> globs, boolean dirs) throws IOException {
        if (globs.isEmpty() || !Files.isDirectory(workspace)) {
            return List.of();
        }
        List<PathMatcher> matchers = globs.stream().map(g -> {
            inside(workspace, g.replace("*", "x").replace("?", "x"));
            return FileSystems.getDefault().getPathMatcher("glob:" + g);
        }).toList();
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(workspace, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                if (!dir.equals(workspace) && (name.equals(".git") || name.equals("node_modules"))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (dirs && !dir.equals(workspace) && matches(dir)) {
                    found.add(dir);
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!dirs && attrs.isRegularFile() && matches(file)) {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            private boolean matches(Path p) {
                Path rel = workspace.relativize(p);
                // "**/x" also matches "x" at the top, as in Ant patterns
                return matchers.stream().anyMatch(m -> m.matches(rel))
                        || globs.stream().anyMatch(g -> g.startsWith("**/")
                        && FileSystems.getDefault().getPathMatcher("glob:" + g.substring(3)).matches(rel));
            }
        });
        found.sort(null);
        return found;
    }

    /** {@code relative} resolved in {@code workspace}; a path leading out of it is refused. */
    static Path inside(Path workspace, String relative) {
        Path p = workspace.resolve(relative).normalize();
        if (!p.startsWith(workspace.normalize())) {
            throw new IllegalArgumentException("'" + relative + "' leads out of the workspace " + workspace
                    + ": give a path inside it");
        }
        return p;
    }
}
