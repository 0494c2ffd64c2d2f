package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.container.CliResult;
import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.container.ContainerSpec;
import io.jenkins.plugins.selftest.engine.container.ContainerSpec.Mount;
import io.jenkins.plugins.selftest.engine.process.LaunchedProcess;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A shard in a container of a local engine, with the workspace (and a report directory outside it) bind-mounted at
 * the same paths, so reports land where a local shard would leave them. Maven shards get the Maven user home mounted
 * and run offline, without a network, against its repository ({@link MavenRepository}, filled by the warm-up in the
 * same image); the first line of the shard's log says which repository that was. The container removes itself at
 * its end ({@code --rm}); at the timeout it is removed here, and a failed removal is counted.
 *
 * @param repository the Maven repository of the run's warm-up ({@link Preparation#warmUpOfflineMaven}); without one
 *                   (no Maven user home) Maven resolves as usual, in the container
 */
record MountedContainerShardRunner(SelfTestOptions options, ContainerRuntime runtime, List<Mount> mounts,
                                   Optional<MavenRepository> repository, RunControl control) implements ShardRunner {

    /** How much of the end of a failed shard's log is searched for Maven's offline-resolution error. */
    private static final int LOG_TAIL = 64 * 1024;

    MountedContainerShardRunner {
        mounts = List.copyOf(mounts);
    }

    @Override
    public ShardExecution run(ShardJob job) throws IOException {
        Optional<MavenRepository> repo = repository.filter(r -> options.framework() == Framework.MAVEN);
        String script = job.script(options, repo.map(r -> r.home().toString()).orElse(null));
        ContainerSpec.Builder spec = bindWorkspace(job.container(options, mounts), options,
                repo.map(MavenRepository::home))
                .env(job.environment(options, job.dir().testsFile().toString(), job.dir().reports().toString()))
                .command(List.of("/bin/sh", "-c", script));
        if (repo.isPresent()) {
            spec.network("none");
            job.dir().logLine(job.index(), repo.get().describe());
        }
        ContainerSpec s = spec.build();
        LaunchedProcess p = control.start(() -> runtime.run(s, job.dir().log()));
        return finish(s.name(), p, job, repo);
    }

    /**
     * The workspace (and a report directory outside it) at their own paths as the working directory, and the Maven
     * user home, when given, read-write at its own path: how every container of a run on a local engine sees the
     * project, the shards' and the warm-up's alike.
     */
    static ContainerSpec.Builder bindWorkspace(ContainerSpec.Builder spec, SelfTestOptions options,
                                               Optional<Path> mavenHome) {
        spec.mount(options.workspace(), options.workspace().toString(), false)
                .workingDir(options.workspace().toString());
        if (!options.reportDir().startsWith(options.workspace())) {
            spec.mount(options.reportDir(), options.reportDir().toString(), false);
        }
        mavenHome.ifPresent(home -> spec.mount(home, home.toString(), false).env("MAVEN_USER_HOME", home.toString()));
        return spec;
    }

    private ShardExecution finish(String name, LaunchedProcess p, ShardJob job, Optional<MavenRepository> repo)
            throws IOException {
        Optional<Integer> exit = control.await(p, options.timeout());
        if (control.isAborted()) {
            runtime.remove(name); // the abort removes it too; whichever comes first
            return new ShardExecution(exit, false, 0, List.of());
        }
        List<String> problems = new ArrayList<>();
        int failures = 0;
        if (exit.isEmpty()) {
            CliResult rm = runtime.remove(name);
            if (!rm.ok()) {
                failures++;
                problems.add("cannot remove timed-out container " + name + ": " + rm.firstLine());
            }
        }
        if (repo.isPresent() && exit.filter(code -> code != 0).isPresent() && missedOffline(job.dir().log())) {
            problems.add("shard " + job.index() + ": Maven could not resolve offline from its " + repo.get().describe()
                    + "; see " + job.dir().log());
        }
        return new ShardExecution(exit, exit.isEmpty(), failures, problems);
    }

    /** Whether the end of a shard's log has Maven's error for an artifact missing from the local repository offline. */
    private static boolean missedOffline(Path log) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(0, f.length() - LOG_TAIL);
            byte[] tail = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(tail);
            return new String(tail, StandardCharsets.UTF_8).contains("in offline mode");
        } catch (IOException e) {
            return false;
        }
    }
}
