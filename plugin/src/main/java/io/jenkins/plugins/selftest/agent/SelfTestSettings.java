package io.jenkins.plugins.selftest.agent;

import io.jenkins.plugins.selftest.engine.container.ContainerSpec.Mount;
import io.jenkins.plugins.selftest.engine.container.RuntimeChoice;
import io.jenkins.plugins.selftest.engine.files.WorkspaceFiles;
import io.jenkins.plugins.selftest.engine.orphans.OrphanOptions;
import io.jenkins.plugins.selftest.engine.run.Framework;
import io.jenkins.plugins.selftest.engine.run.ImageArchive;
import io.jenkins.plugins.selftest.engine.run.SelfTestOptions;
import io.jenkins.plugins.selftest.engine.shard.TestFilter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated parameters of a {@code selfTest} (or {@code selfTestPlan}) step, as plain values that cross the
 * remoting channel as JSON; {@link #toOptions} turns them into the engine's options on the agent, where the workspace
 * paths and globs mean something. Immutable.
 *
 * @param workers          total parallelism (already defaulted to one per shard)
 * @param runtime          {@code none}, {@code docker} or {@code podman} ({@link RuntimeChoice#label()})
 * @param image            empty: the engine's default image
 * @param dockerHost       empty: {@code DOCKER_HOST}/{@code CONTAINER_HOST} of the build's environment
 * @param timeoutSeconds   per shard
 * @param coverage         report coverage ({@link SelfTestOptions#coverage()})
 * @param coverageExec     globs (workspace-relative) of extra JaCoCo exec files
 * @param coverageClasses  globs of main class directories; empty: the framework's default
 * @param coverageSources  globs of source directories; empty: the framework's default
 * @param mounts           host paths of the agent mounted into container shards, each as
 *                         {@link Mount#parse} reads it (none when absent, as in an earlier plan's settings file)
 * @param args             build arguments for the preparation and every shard ({@link SelfTestOptions#args()}), already
 *                         checked; none when absent, as in an earlier plan's settings file
 * @param imageArchive     an image archive in the workspace loaded before the shards start ({@link ImageArchive}, the
 *                         step's {@code imageArchive}); empty: the build's {@code SELFTEST_IMAGE_ARCHIVE}, if any
 */
public record SelfTestSettings(String framework, Optional<String> command, int shards, int workers,
                               List<String> tests, List<String> excludes, String runtime, Optional<String> image,
                               Optional<String> dockerHost, long timeoutSeconds, boolean coverage,
                               List<String> coverageExec, List<String> coverageClasses, List<String> coverageSources,
                               boolean orphans, boolean orphansRecursive, List<String> mounts,
                               List<String> args, Optional<String> imageArchive) {

    public SelfTestSettings {
        command = command == null ? Optional.empty() : command;
        image = image == null ? Optional.empty() : image;
        dockerHost = dockerHost == null ? Optional.empty() : dockerHost;
        tests = tests == null ? List.of() : List.copyOf(tests);
        excludes = excludes == null ? List.of() : List.copyOf(excludes);
        coverageExec = coverageExec == null ? List.of() : List.copyOf(coverageExec);
        coverageClasses = coverageClasses == null ? List.of() : List.copyOf(coverageClasses);
        coverageSources = coverageSources == null ? List.of() : List.copyOf(coverageSources);
        mounts = mounts == null ? List.of() : List.copyOf(mounts); // since 0.1: mounts
        args = args == null ? List.of() : List.copyOf(args); // since 0.1: args
        imageArchive = imageArchive == null ? Optional.empty() : imageArchive; // since 0.1: imageArchive
    }

    /**
     * The settings of one shard of this plan run with {@code here}: the plan's test selection and report settings,
     * and build arguments (the shards build as the plan's preparation did), the runtime, image (and its archive),
     * engine, mounts and timeout of the agent that runs the shard.
     */
    public SelfTestSettings forShard(SelfTestSettings here) {
        return new SelfTestSettings(framework, command, shards, workers, tests, excludes, here.runtime(), here.image(),
                here.dockerHost(), here.timeoutSeconds(), coverage, coverageExec, coverageClasses, coverageSources,
                orphans, orphansRecursive, here.mounts(), args, here.imageArchive());
    }

    /** Whether class, source or exec settings are globs, which resolve only once the project is compiled. */
    public boolean hasGlobs() {
        return java.util.stream.Stream.of(coverageClasses, coverageSources, coverageExec).flatMap(List::stream)
                .anyMatch(g -> g.contains("*") || g.contains("?"));
    }

    /**
     * @throws IllegalArgumentException when {@code runtime} is none of the choices, naming them
     */
    public RuntimeChoice runtimeChoice() {
        return RuntimeChoice.parse(runtime);
    }

    public boolean useContainer() {
        return runtimeChoice().usesContainers();
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
                .runtime(useContainer() ? runtimeChoice().label() : "podman")
                .host(dockerHost.orElse(null))
                .timeout(java.time.Duration.ofSeconds(timeoutSeconds))
                .reportDir(reportDir)
                .filter(new TestFilter(tests, excludes))
                .orphans(orphans ? new OrphanOptions(true, true, false, orphansRecursive, Optional.empty())
                        : OrphanOptions.DISABLED)
                .env(environment)
                .hostEnvironment(environment)
                .runId(runId)
                .prepare(prepare)
                .coverage(coverage)
                .mounts(mounts.stream().map(Mount::parse).toList())
                .args(args);
        image.ifPresent(b::image);
        imageArchive.ifPresent(a -> b.imageArchive(new ImageArchive(a, "imageArchive")));
        history.ifPresent(b::history);
        if (!coverageClasses.isEmpty()) {
            b.mainClassDirs(WorkspaceFiles.directories(workspace, coverageClasses));
        }
        if (!coverageSources.isEmpty()) {
            b.sourceDirs(WorkspaceFiles.directories(workspace, coverageSources));
        }
        if (coverage && !coverageExec.isEmpty()) {
            b.extraExecFiles(WorkspaceFiles.files(workspace, coverageExec));
        }
        return b.build();
    }
}
