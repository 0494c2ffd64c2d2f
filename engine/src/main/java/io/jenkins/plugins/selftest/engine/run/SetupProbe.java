package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.container.CliResult;
import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.container.ContainerSpec.Mount;
import io.jenkins.plugins.selftest.engine.container.RunOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The first stage of a run: checks what it needs before anything starts - the workspace, the container runtime and
 * the image, loaded first from an {@link ImageArchive} when the options name one - and checks the shards' mounts.
 * Mounts come from the options and, for the default image, from {@link SelfTestOptions#defaultImageMounts}; never from the image (its labels are the image author's word, and a
 * label must not open a host directory to every shard). With {@link SelfTestOptions#containerFallback()} a runtime or image that
 * does not work switches the run to local processes ({@link Setup#fallbackReason()} says why) instead of failing.
 */
final class SetupProbe {

    private static final Duration SMOKE_TIMEOUT = Duration.ofMinutes(2);
    /** How long loading an image archive may take (a JDK image of a few hundred MB loads in well under a minute). */
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(10);

    private SetupProbe() {
    }

    /**
     * @param requested what the options ask for ({@link Setup#requested})
     * @param runId     the label of the throw-away container a fallback-enabled probe starts
     * @throws SetupException with a one-line reason
     */
    static Setup probe(SelfTestOptions options, Setup requested, String runId) throws SetupException {
        try {
            return probeStrictly(options, requested, runId);
        } catch (SetupException e) {
            if (requested.runtime().isEmpty() || !options.containerFallback()) {
                throw e;
            }
            return requested.fallBack(e.getMessage());
        }
    }

    private static Setup probeStrictly(SelfTestOptions options, Setup requested, String runId) throws SetupException {
        if (!Files.isDirectory(options.workspace())) {
            throw new SetupException("workspace " + options.workspace() + " is not a directory: pass the project "
                    + "directory as the path argument");
        }
        if (requested.runtime().isEmpty()) {
            return requested;
        }
        ContainerRuntime rt = requested.runtime().get();
        try {
            rt.checkAvailable();
            Optional<String> archiveImage = Optional.empty();
            if (options.imageArchive().isPresent()) {
                archiveImage = Optional.of(load(options.imageArchive().get(), options, rt));
                options = options.withImage(archiveImage.get());
            }
            rt.imageLabels(options.image()); // that the image is there; its labels decide nothing
            List<Mount> mounts = mounts(options, rt);
            if (options.containerFallback()) {
                smokeTest(options, rt, mounts, runId);
            }
            return new Setup(requested.runtime(), mounts, requested.fallbackReason(), Optional.empty(), archiveImage);
        } catch (SetupException e) {
            throw e;
        } catch (IOException e) {
            throw new SetupException(e.getMessage(), e);
        }
    }

    /**
     * Loads the archive ({@code podman load} / {@code docker load}) before the image is checked, so that an agent
     * without registry access gets the image from a file; the image to use is the options' when one was named, else
     * the one the archive holds.
     *
     * @throws SetupException one line naming the archive's field
     */
    private static String load(ImageArchive archive, SelfTestOptions options, ContainerRuntime rt)
            throws SetupException {
        Path file = archive.file(options.workspace());
        try {
            return archive.imageToUse(options, rt.load(file, LOAD_TIMEOUT));
        } catch (IOException e) {
            throw new SetupException(archive.field() + ": " + e.getMessage()
                    + " (give an archive written by 'podman save' or 'docker save')", e);
        }
    }

    /**
     * The default image's needs, then the options' mounts; on a local engine every host path of the options must
     * exist (a remote engine's are taken as given).
     */
    private static List<Mount> mounts(SelfTestOptions options, ContainerRuntime rt) throws SetupException {
        List<Mount> mounts = new ArrayList<>();
        if (options.usesDefaultImage()) {
            mounts.addAll(SelfTestOptions.defaultImageMounts(rt.isRemote()));
        }
        for (Mount m : options.mounts()) {
            if (!rt.isRemote() && !Files.exists(m.host())) {
                throw new SetupException("mount " + m.spelling() + ": " + m.host() + " does not exist on this "
                        + "machine: create it or leave the mount out");
            }
            mounts.add(m);
        }
        return mounts;
    }

    /**
     * "Containers when they work": an engine can answer version and inspect and still be unable to start anything
     * (no OCI runtime, no cgroups), so start one throw-away container to be sure.
     */
    private static void smokeTest(SelfTestOptions options, ContainerRuntime rt, List<Mount> mounts, String runId)
            throws IOException {
        List<String> smoke = new ArrayList<>(List.of("run", "--rm", "--network", "none",
                "--label", ContainerRuntime.LABEL + "=true", "--label", ContainerRuntime.RUN_LABEL + "=" + runId));
        RunOwner.current().ifPresent(owner -> owner.labels().forEach((k, v) -> smoke.addAll(List.of("--label", k + "=" + v))));
        mounts.forEach(m -> smoke.addAll(List.of("--volume", m.toOption())));
        smoke.addAll(List.of(options.image(), "/bin/sh", "-c", "true"));
        CliResult r = rt.exec(smoke, SMOKE_TIMEOUT);
        if (!r.ok()) {
            throw new SetupException(rt.kind().executable() + " cannot start a container of " + options.image()
                    + ": " + r.firstLine());
        }
    }
}
