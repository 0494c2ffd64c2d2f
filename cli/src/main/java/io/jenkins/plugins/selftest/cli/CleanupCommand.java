package io.jenkins.plugins.selftest.cli;

import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.container.Reaper;
import io.jenkins.plugins.selftest.engine.run.SelfTestRun;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code selftest cleanup}: remove containers labelled {@code selftest=true} of runs that are over (their owner
 * process is gone), of one run ({@code --run}), or all of them ({@code --all}); and stop the local shard process
 * trees on this machine of runs that are over (of {@code --run}'s run only, when given), whose owner was killed.
 */
@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = "Remove stale selftest containers (label selftest=true) left by interrupted runs; containers "
                + "of runs still going are kept unless --all or --run names them. Local shard process trees of runs "
                + "whose owner is gone (a killed selftest run) are stopped too; those of live runs are never touched.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:nothing left", "1:some containers could not be listed or removed", "2:usage or setup error (missing runtime)"})
final class CleanupCommand implements Callable<Integer> {

    /** How long a killed run's shard tree gets after TERM before KILL. */
    private static final Duration LOCAL_GRACE = Duration.ofSeconds(5);

    @Option(names = "--container-runtime", defaultValue = "podman", description = "docker or podman. Default: ${DEFAULT-VALUE}.")
    String containerRuntime;

    @Option(names = "--docker-host", description = "Remote engine (podman --url / docker -H). Default: DOCKER_HOST or CONTAINER_HOST.")
    String dockerHost;

    @Option(names = "--retries", defaultValue = "3", description = "Retries of a failing list or remove, 1s apart. Default: ${DEFAULT-VALUE}.")
    int retries;

    @Option(names = "--run", description = "Only the containers of this run id (label selftest.run), alive or not.")
    String runId;

    @Option(names = "--all", description = "Every selftest container, also those of runs still going (their shards die).")
    boolean all;

    @Override
    public Integer call() {
        if (retries < 0) {
            System.err.println("selftest cleanup: --retries must be 0 or more");
            return SelftestCommand.EXIT_USAGE;
        }
        if (all && runId != null) {
            System.err.println("selftest cleanup: --all and --run exclude each other: give one of them, or neither "
                    + "to remove only the containers of runs that are over");
            return SelftestCommand.EXIT_USAGE;
        }
        // first, so that a missing container runtime does not keep the local shards of a killed run alive
        List<String> stopped = SelfTestRun.stopOrphanedLocalShards(Optional.ofNullable(runId), LOCAL_GRACE);
        stopped.forEach(c -> System.out.println("stopped local shard tree " + c + " (its run's owner is gone)"));
        if (!stopped.isEmpty()) {
            System.out.println("selftest cleanup: stopped " + stopped.size() + " local shard tree(s)");
        }
        ContainerRuntime rt;
        try {
            rt = ContainerRuntime.of(containerRuntime, Optional.ofNullable(dockerHost), System.getenv());
            rt.checkAvailable();
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("selftest cleanup: " + e.getMessage());
            return SelftestCommand.EXIT_USAGE;
        }
        Reaper reaper = new Reaper(rt);
        Reaper.Result r = all || runId != null ? reaper.reap(Optional.ofNullable(runId), retries, Duration.ofSeconds(1))
                : reaper.reapFinished(retries, Duration.ofSeconds(1));
        r.problems().forEach(p -> System.err.println("problem: " + p));
        r.kept().forEach(k -> System.out.println("kept container " + k + " (--all or --run removes it)"));
        System.out.println("selftest cleanup: removed " + r.removed().size() + " container(s)"
                + (r.failures() > 0 ? ", " + r.failures() + " failure(s)" : ""));
        return r.clean() ? 0 : 1;
    }
}
