package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.container.CliResult;
import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.container.ContainerSpec;
import io.jenkins.plugins.selftest.engine.container.ContainerSpec.Mount;
import io.jenkins.plugins.selftest.engine.process.LaunchedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A shard in a container of a local engine, with the workspace (and a report directory outside it) bind-mounted at
 * the same paths, so reports land where a local shard would leave them. Maven shards get {@code ~/.m2} mounted and
 * run offline without a network. The container removes itself at its end ({@code --rm}); at the timeout it is
 * removed here, and a failed removal is counted.
 */
record MountedContainerShardRunner(SelfTestOptions options, ContainerRuntime runtime, List<Mount> mounts,
                                   RunControl control) implements ShardRunner {

    MountedContainerShardRunner {
        mounts = List.copyOf(mounts);
    }

    @Override
    public ShardExecution run(ShardJob job) throws IOException {
        boolean maven = options.framework() == Framework.MAVEN;
        Optional<Path> m2 = options.mavenHome().filter(Files::isDirectory);
        String script = job.script(options, maven ? m2.map(Path::toString).orElse(null) : null);
        ContainerSpec.Builder spec = job.container(options, mounts)
                .env(job.environment(options, job.dir().testsFile().toString(), job.dir().reports().toString()))
                .mount(options.workspace(), options.workspace().toString(), false)
                .workingDir(options.workspace().toString())
                .command(List.of("/bin/sh", "-c", script));
        if (!options.reportDir().startsWith(options.workspace())) {
            spec.mount(options.reportDir(), options.reportDir().toString(), false);
        }
        if (maven && m2.isPresent()) {
            spec.mount(m2.get(), m2.get().toString(), false).env("MAVEN_USER_HOME", m2.get().toString()).network("none");
        }
        ContainerSpec s = spec.build();
        LaunchedProcess p = control.start(() -> runtime.run(s, job.dir().log()));
        return finish(s.name(), p);
    }

    private ShardExecution finish(String name, LaunchedProcess p) throws IOException {
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
        return new ShardExecution(exit, exit.isEmpty(), failures, problems);
    }
}
