package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.container.ContainerSpec.Mount;
import java.util.List;
import java.util.Optional;

/**
 * Where a run's shards run, as far as it is known: before {@link SetupProbe} the runtime the options ask for, after it
 * the runtime that works (none when the run fell back to local processes) and the checked mounts of every shard.
 * Immutable.
 *
 * @param runtime        the container runtime, empty for local processes
 * @param mounts         what every container shard mounts besides the workspace: the default image's needs and the
 *                       options' mounts, checked ({@link SetupProbe}); never anything the image asks for
 * @param fallbackReason why containers were given up for local processes, if they were
 * @param mavenRepository after {@link Preparation#warmUpOfflineMaven}: the repository the Maven shards of a local engine
 *                       run offline against
 * @param archiveImage   the image loaded from the options' {@link ImageArchive} that the shards run in
 */
record Setup(Optional<ContainerRuntime> runtime, List<Mount> mounts, Optional<String> fallbackReason,
             Optional<MavenRepository> mavenRepository, Optional<String> archiveImage) {

    public Setup {
        mounts = List.copyOf(mounts);
    }

    Setup(Optional<ContainerRuntime> runtime, List<Mount> mounts, Optional<String> fallbackReason) {
        this(runtime, mounts, fallbackReason, Optional.empty(), Optional.empty());
    }

    /** This setup, its Maven shards running offline against {@code repository}. */
    Setup withMavenRepository(MavenRepository repository) {
        return new Setup(runtime, mounts, fallbackReason, Optional.of(repository), archiveImage);
    }

    /** What {@code options} ask for, not yet probed. */
    static Setup requested(SelfTestOptions options) {
        return new Setup(options.useContainer()
                ? Optional.of(ContainerRuntime.of(options.runtime(), options.host(), options.hostEnvironment()))
                : Optional.empty(), List.of(), Optional.empty());
    }

    /** Local processes instead of containers, because of {@code reason}. */
    Setup fallBack(String reason) {
        return new Setup(Optional.empty(), List.of(), Optional.of(reason));
    }

    /** Whether shards copy the workspace in and reports out (remote engine, or asked for). */
    public boolean copiesWorkspace(SelfTestOptions options) {
        return runtime.isPresent() && (options.copyWorkspace() || runtime.get().isRemote());
    }

    /** How shards run, for people: "local processes", "podman containers (local engine, workspace bind-mounted)". */
    public String mode(SelfTestOptions options) {
        if (runtime.isEmpty()) {
            return "local processes";
        }
        ContainerRuntime rt = runtime.get();
        return rt.kind().executable() + " containers (" + rt.host().map(h -> "engine " + h).orElse("local engine")
                + ", workspace " + (copiesWorkspace(options) ? "copied in/out" : "bind-mounted") + ", image "
                + options.image() + ")";
    }
}
