package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.container.ContainerRuntime;
import io.jenkins.plugins.selftest.engine.container.ContainerSpec;
import io.jenkins.plugins.selftest.engine.process.LaunchSpec;
import io.jenkins.plugins.selftest.engine.process.ProcessLauncher;
import io.jenkins.plugins.selftest.engine.process.ShellWords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * The stage before planning: compiles the project once, locally (Maven: {@code test-compile}; Gradle:
 * {@code testClasses}, with the build arguments), so that test classes exist and shards only run tests; and, for Maven shards in containers,
 * resolves once what they need offline, in a container of the run's image. Output goes to {@value #LOG} in the report
 * directory. Its processes are the run's ({@link RunControl}): an abort stops them.
 */
final class Preparation {

    /** The log of the preparation, in the report directory. */
    static final String LOG = "prepare.log";

    private final SelfTestOptions options;
    private final RunControl control;

    Preparation(SelfTestOptions options, RunControl control) {
        this.options = options;
        this.control = control;
    }

    /**
     * Compiles the project, unless the framework has nothing to compile or {@link SelfTestOptions#prepare()} is off.
     *
     * @throws SetupException when the build fails, naming the log
     */
    void prepare() throws IOException {
        String args = Framework.spliced(options.args());
        String script = switch (options.framework()) {
            case MAVEN -> Framework.maven(options.workspace()) + " -B -q" + args + " test-compile";
            case GRADLE -> Framework.gradle(options.workspace()) + Framework.daemonOff(options.args()) + " -q" + args
                    + " testClasses";
            default -> null;
        };
        if (script == null || !options.prepare()) {
            return;
        }
        Path log = options.reportDir().resolve(LOG);
        Files.createDirectories(options.reportDir());
        Files.deleteIfExists(log);
        LaunchSpec spec = LaunchSpec.shell(script).workingDir(options.workspace())
                .env(options.environment()).output(LaunchSpec.Output.toFile(log)).build();
        RunControl.Ended ended = control.awaitWhole(control.start(() -> ProcessLauncher.start(spec)), options.timeout());
        if (!ended.leftovers().isEmpty()) {
            Files.writeString(log, "selftest: stopped what the preparation left running: "
                    + String.join(", ", ended.leftovers()) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        int code = ended.exit().orElse(-1);
        control.throwIfAborted();
        if (code != 0) {
            String tail = Files.exists(log) ? lastLine(log) : "";
            throw new SetupException("preparing " + options.workspace() + " with '" + script + "' failed (exit "
                    + code + "): see " + log + (tail.isBlank() ? "" : " - " + tail));
        }
    }

    /**
     * Fills the Maven repository that container shards with a bind-mounted workspace run offline against
     * ({@link MavenRepository}: the Maven user home's, mounted at its own path), with the same Maven as the shards: in
     * a container of the run's image, online, with the goals the shards run. The host's Maven may be another version
     * than the image's, with other default plugin versions, so what it resolved is not enough (#11: shards ended
     * {@code Cannot access central ... in offline mode}). Surefire resolves its test-framework provider only when a
     * test runs, so Surefire runs on one test class with a method filter that matches nothing: everything is
     * resolved and no test runs. Its output goes to {@value #LOG}. The container is the run's (labelled with it,
     * stopped by an abort). Failing is only a note: the shards still try offline, and a shard that misses something
     * names the repository. Says in one line which repository the shards use.
     *
     * @return the repository the shards use; empty for runs that do not run Maven in containers of a local engine
     */
    Optional<MavenRepository> warmUpOfflineMaven(Setup setup, String runId, RunListener listener) {
        if (setup.runtime().isEmpty() || options.framework() != Framework.MAVEN || options.mavenHome().isEmpty()) {
            return Optional.empty();
        }
        if (setup.copiesWorkspace(options)) {
            listener.note("container shards: " + MavenRepository.describeCopied(options.mavenHome().get()));
            return Optional.empty();
        }
        Path home = options.mavenHome().get();
        MavenRepository online = new MavenRepository(home, false, "warm-up");
        // what the shards run - JaCoCo's agent (with coverage) and the lifecycle up to test - in every module, with a
        // method filter that matches no test: every plugin the lifecycle binds and every module's Surefire provider
        // (resolved only when a test JVM starts) come into the repository, and no test runs
        String jacoco = options.coverage()
                ? " org.jacoco:jacoco-maven-plugin:" + Framework.JACOCO_VERSION + ":prepare-agent" : "";
        String script = Framework.maven(options.workspace()) + " -B -q" + online.mavenOptions()
                + Framework.spliced(options.args()) + jacoco + " test -Dtest=" + ShellWords.quote("*#selftestWarmUp")
                + " -Dmaven.main.skip=true -Dmaven.test.failure.ignore=true"
                + " -Dsurefire.failIfNoSpecifiedTests=false -DfailIfNoTests=false";
        Path log = options.reportDir().resolve(LOG);
        ContainerRuntime runtime = setup.runtime().get();
        boolean filled = false;
        try {
            Files.createDirectories(online.repository()); // an agent that never ran Maven starts an empty one
            Files.createDirectories(options.reportDir());
            Files.writeString(log, "selftest: filling " + online.repository() + " in " + options.image() + ": "
                    + script + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ContainerSpec spec = MountedContainerShardRunner.bindWorkspace(
                            ShardJob.container(options, runId, "prepare", setup.mounts()), options, Optional.of(home))
                    .env(options.environment())
                    .command(List.of("/bin/sh", "-c", script))
                    .build();
            Optional<Integer> exit = control.await(control.start(() -> runtime.run(spec, log)), options.timeout());
            if (exit.isEmpty()) {
                runtime.remove(spec.name()); // timed out (an abort removes the run's containers itself)
            }
            filled = exit.orElse(-1) == 0;
            if (!filled && !control.isAborted()) {
                listener.note("filling " + online.repository() + " with the Maven of " + options.image() + " failed"
                        + exit.map(c -> " (exit " + c + ")").orElse(" (timed out)") + ": see " + log
                        + "; the shards try offline anyway");
            }
        } catch (IOException e) {
            listener.note("cannot fill " + online.repository() + " with the Maven of " + options.image() + ": "
                    + e.getMessage() + "; the shards try offline anyway");
        }
        MavenRepository shards = MavenRepository.forShards(home, filled);
        listener.note("container shards: " + shards.describe());
        return Optional.of(shards);
    }

    /** The last non-blank line of a log, or empty. */
    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
