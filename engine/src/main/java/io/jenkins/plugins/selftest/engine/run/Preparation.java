package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.process.LaunchSpec;
import io.jenkins.plugins.selftest.engine.process.ProcessLauncher;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The stage before planning: compiles the project once, locally (Maven: {@code test-compile}; Gradle:
 * {@code testClasses}, with the build arguments), so that test classes exist and shards only run tests; and, for Maven shards in containers,
 * resolves once what they need offline. Output goes to {@value #LOG} in the report directory. Its processes are the
 * run's ({@link RunControl}): an abort stops them.
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
            case GRADLE -> Framework.gradle(options.workspace()) + " -q" + args + " testClasses";
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
        int code = control.await(control.start(() -> ProcessLauncher.start(spec)), options.timeout()).orElse(-1);
        control.throwIfAborted();
        if (code != 0) {
            String tail = Files.exists(log) ? lastLine(log) : "";
            throw new SetupException("preparing " + options.workspace() + " with '" + script + "' failed (exit "
                    + code + "): see " + log + (tail.isBlank() ? "" : " - " + tail));
        }
    }

    /**
     * Container shards run Maven offline against the mounted {@code ~/.m2}; Surefire resolves its JUnit provider only
     * when a test runs, which a {@code -DskipTests} build never did on a fresh machine. So run Surefire once locally
     * on one test class with a method filter that matches nothing, which resolves everything and runs no test.
     * Failing is only a note: the shards then say what is missing.
     */
    void warmUpOfflineMaven(ShardPlan plan, Setup setup, RunListener listener) {
        Optional<Path> m2 = options.mavenHome().filter(Files::isDirectory);
        if (setup.runtime().isEmpty() || setup.copiesWorkspace(options) || options.framework() != Framework.MAVEN
                || m2.isEmpty()
                || Files.isDirectory(m2.get().resolve("repository/org/apache/maven/surefire/surefire-junit-platform"))) {
            return;
        }
        // the goals the shards run, so that everything they need is resolved: JaCoCo's agent only with coverage
        String jacoco = options.coverage()
                ? " org.jacoco:jacoco-maven-plugin:" + Framework.JACOCO_VERSION + ":prepare-agent" : "";
        String script = Framework.maven(options.workspace()) + " -B -q" + Framework.spliced(options.args()) + jacoco + " surefire:test -Dtest="
                + Framework.quote(plan.shard(0).tests().get(0) + "#selftestWarmUp") + " -Dsurefire.failIfNoSpecifiedTests=false";
        Path log = options.reportDir().resolve(LOG);
        try {
            LaunchSpec spec = LaunchSpec.shell(script).workingDir(options.workspace())
                    .output(LaunchSpec.Output.toFile(log)).build();
            if (control.await(control.start(() -> ProcessLauncher.start(spec)), options.timeout()).orElse(-1) != 0) {
                listener.note("resolving Surefire's provider for offline container shards failed; see " + log);
            }
        } catch (IOException e) {
            listener.note("cannot resolve Surefire's provider for offline container shards: " + e.getMessage());
        }
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
