package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.container.CliResult;
import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.container.ContainerSpec;
import io.jenkins.plugins.selftest.engine.container.ContainerSpec.Mount;
import io.jenkins.plugins.selftest.engine.process.LaunchSpec;
import io.jenkins.plugins.selftest.engine.process.LaunchedProcess;
import io.jenkins.plugins.selftest.engine.process.ProcessLauncher;
import io.jenkins.plugins.selftest.engine.process.ShellWords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A shard in a container that shares no filesystem with us (a remote engine, or copies asked for): the container is
 * created, the workspace and the shard's tests file copied in ({@code /workspace}, {@code /selftest}), started
 * attached, and its reports copied out into the shard's reports directory. The container is removed at the end
 * whatever happened; a failed copy out or removal is a problem of the shard.
 */
record CopiedContainerShardRunner(SelfTestOptions options, ContainerRuntime runtime, List<Mount> mounts,
                                  RunControl control) implements ShardRunner {

    private static final Duration COPY_TIMEOUT = Duration.ofMinutes(10);
    private static final String WORK = "/workspace";

    CopiedContainerShardRunner {
        mounts = List.copyOf(mounts);
    }

    @Override
    public ShardExecution run(ShardJob job) throws IOException {
        String script = job.script(options, null);
        ContainerSpec s = job.container(options, mounts)
                .env(job.environment(options, "/selftest/tests.txt", "/selftest/reports"))
                .workingDir(WORK)
                .command(List.of("/bin/sh", "-c", script))
                .build();
        if (options.framework() == Framework.MAVEN && options.mavenHome().isPresent()) {
            job.dir().logLine(job.index(), MavenRepository.describeCopied(options.mavenHome().get()));
        }
        Path stage = job.dir().dir().resolve("in");
        Files.createDirectories(stage.resolve("reports"));
        Files.copy(job.dir().testsFile(), stage.resolve("tests.txt"));
        CliResult created = runtime.exec(runtime.createArgs(s), ContainerRuntime.CALL_TIMEOUT);
        if (!created.ok()) {
            throw new IOException("cannot create container " + s.name() + ": " + created.firstLine());
        }
        List<String> problems = new ArrayList<>();
        Optional<Integer> exit;
        boolean aborted;
        try {
            copyWorkspaceIn(s.name());
            CliResult c = runtime.copy(stage.toString(), s.name() + ":/selftest", COPY_TIMEOUT);
            if (!c.ok()) {
                throw new IOException("cannot copy " + stage + " into container " + s.name() + ": " + c.firstLine());
            }
            LaunchedProcess p = control.start(() -> runtime.startAttached(s.name(), job.dir().log()));
            exit = control.await(p, options.timeout());
            aborted = control.isAborted();
            if (!aborted) { // an aborted shard's reports are of no use; the finally removes its container
                copyReportsOut(s.name(), exit, job.dir().reports()).ifPresent(problems::add);
            }
        } finally {
            CliResult rm = runtime.remove(s.name());
            if (!rm.ok()) {
                problems.add("cannot remove container " + s.name() + ": " + rm.firstLine());
            }
        }
        return new ShardExecution(exit, !aborted && exit.isEmpty(), 0, problems);
    }

    /** Stops a timed-out container and copies its reports out; the problem when the copy fails. */
    private Optional<String> copyReportsOut(String container, Optional<Integer> exit, Path reports) throws IOException {
        if (exit.isEmpty()) {
            runtime.kill(container);
        }
        CliResult out = runtime.copy(container + ":/selftest/reports/.", reports.toString(), COPY_TIMEOUT);
        return out.ok() ? Optional.empty()
                : Optional.of("cannot copy the reports out of container " + container + ": " + out.firstLine());
    }

    /**
     * Copies the workspace into the container. When the report directory lies inside the workspace it is left out
     * (earlier reports and other shards' files are no business of the shard): the workspace goes as a tar stream
     * ({@code tar --exclude ... | <cli> cp - container:dir}); otherwise with a plain {@code cp}.
     */
    private void copyWorkspaceIn(String container) throws IOException {
        Path ws = options.workspace();
        CliResult r;
        if (options.reportDir().startsWith(ws) && !options.reportDir().equals(ws)) {
            String exclude = "./" + ws.relativize(options.reportDir());
            String cli = ShellWords.join(runtime.command(List.of("cp", "-", container + ":" + WORK)));
            String script = "tar -C " + ShellWords.quote(ws.toString()) + " --exclude=" + ShellWords.quote(exclude)
                    + " -cf - . | " + cli;
            LaunchSpec spec = LaunchSpec.shell(script).output(LaunchSpec.Output.pipe()).build();
            LaunchedProcess p = control.start(() -> ProcessLauncher.start(spec));
            String out;
            Optional<Integer> code;
            try (var in = p.process().getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                code = control.awaitHelper(p, COPY_TIMEOUT);
            } finally {
                control.finished(p);
            }
            r = new CliResult(code.orElse(-1), out.strip(), code.isEmpty());
        } else {
            r = runtime.copy(ws + "/.", container + ":" + WORK, COPY_TIMEOUT);
        }
        if (!r.ok()) {
            throw new IOException("cannot copy workspace " + ws + " into container " + container + ": " + r.firstLine());
        }
    }
}
