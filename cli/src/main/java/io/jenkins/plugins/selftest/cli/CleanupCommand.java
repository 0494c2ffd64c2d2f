package io.jenkins.plugins.selftest.cli;

import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.container.Reaper;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code selftest cleanup}: remove containers labelled {@code selftest=true} (of one run, or all). */
@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = "Remove stale selftest containers (label selftest=true) left by interrupted runs.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:nothing left", "1:some containers could not be listed or removed", "2:usage or setup error (missing runtime)"})
final class CleanupCommand implements Callable<Integer> {

    @Option(names = "--container-runtime", defaultValue = "podman", description = "docker or podman. Default: ${DEFAULT-VALUE}.")
    String containerRuntime;

    @Option(names = "--docker-host", description = "Remote engine (podman --url / docker -H). Default: DOCKER_HOST or CONTAINER_HOST.")
    String dockerHost;

    @Option(names = "--retries", defaultValue = "3", description = "Retries of a failing list or remove, 1s apart. Default: ${DEFAULT-VALUE}.")
    int retries;

    @Option(names = "--run", description = "Only the containers of this run id (label selftest.run).")
    String runId;

    @Override
    public Integer call() {
        if (retries < 0) {
            System.err.println("selftest cleanup: --retries must be 0 or more");
            return SelftestCommand.EXIT_USAGE;
        }
        ContainerRuntime rt;
        try {
            rt = ContainerRuntime.of(containerRuntime, Optional.ofNullable(dockerHost), System.getenv());
            rt.checkAvailable();
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("selftest cleanup: " + e.getMessage());
            return SelftestCommand.EXIT_USAGE;
        }
        Reaper.Result r = new Reaper(rt).reap(Optional.ofNullable(runId), retries, Duration.ofSeconds(1));
        r.problems().forEach(p -> System.err.println("problem: " + p));
        System.out.println("selftest cleanup: removed " + r.removed().size() + " container(s)"
                + (r.failures() > 0 ? ", " + r.failures() + " failure(s)" : ""));
        return r.clean() ? 0 : 1;
    }
}
