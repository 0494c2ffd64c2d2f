package io.jenkins.plugins.selftest.engine.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The command presets a shard runs, as a {@code /bin/sh} script. Every preset sees the shard's variables in its
 * environment ({@code SELFTEST_SHARD_INDEX}, {@code SELFTEST_SHARD_COUNT}, {@code SELFTEST_WORKERS},
 * {@code SELFTEST_TESTS_FILE}, {@code SELFTEST_REPORTS_DIR}) and leaves JUnit XML (and JaCoCo exec files) in
 * {@code SELFTEST_REPORTS_DIR}.
 */
public enum Framework {
    /**
     * Surefire on the shard's classes, {@code forkCount} = the shard's workers, the JaCoCo agent attached when coverage
     * is on.
     */
    MAVEN(List.of("target/test-classes"), List.of("target/classes"), List.of("src/main/java")),
    /** Gradle's {@code test} task with {@code --tests} per class. */
    GRADLE(List.of("build/classes/java/test"), List.of("build/classes/java/main"), List.of("src/main/java")),
    /** pytest with {@code -n workers} (pytest-xdist) and {@code --junitxml}. */
    PYTEST(List.of(), List.of(), List.of()),
    /** A user template run by {@code /bin/sh} with the variables above. */
    CUSTOM(List.of("target/test-classes"), List.of("target/classes"), List.of("src/main/java"));

    /** The JaCoCo version whose agent the maven preset attaches (the one the engine reads exec files with). */
    public static final String JACOCO_VERSION = "0.8.12";

    /** Packages the maven preset's JaCoCo agent leaves alone (test frameworks and Surefire itself). */
    static final String AGENT_EXCLUDES = "org.junit.*:junit.*:org.opentest4j.*:org.apiguardian.*:org.assertj.*"
            + ":org.hamcrest.*:org.mockito.*:net.bytebuddy.*:org.testng.*:org.apache.maven.surefire.*";

    private final List<String> testClassDirs;
    private final List<String> mainClassDirs;
    private final List<String> sourceDirs;

    Framework(List<String> testClassDirs, List<String> mainClassDirs, List<String> sourceDirs) {
        this.testClassDirs = testClassDirs;
        this.mainClassDirs = mainClassDirs;
        this.sourceDirs = sourceDirs;
    }

    /** Default compiled test class directories, relative to the workspace. */
    public List<String> testClassDirs() {
        return testClassDirs;
    }

    public List<String> mainClassDirs() {
        return mainClassDirs;
    }

    public List<String> sourceDirs() {
        return sourceDirs;
    }

    /**
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Framework parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown framework '" + name + "': use maven, gradle, pytest or custom", e);
        }
    }

    /** Source globs used to find tests when there are no compiled test classes (pytest). */
    public List<String> sourceGlobs() {
        return this == PYTEST ? List.of("**/test_*.py", "**/*_test.py", "test_*.py", "*_test.py") : List.of();
    }

    /** The Maven launcher of a workspace: its own {@code ./mvnw} when it has one, else {@code mvn}. */
    static String maven(Path workspace) {
        return Files.isExecutable(workspace.resolve("mvnw")) ? "./mvnw" : "mvn";
    }

    /**
     * The shell script of one shard.
     *
     * @param tests          the shard's test ids (also in SELFTEST_TESTS_FILE)
     * @param offlineRepo    for maven: a Maven user home whose repository to use offline ({@link MavenRepository}:
     *                       {@code -o -Dmaven.repo.local=HOME/repository}, its settings.xml), or null to let Maven
     *                       resolve as usual
     * @param template       the custom command (only for {@link #CUSTOM})
     * @param coverage       measure coverage: for maven, attach the JaCoCo agent; off, no preset measures it
     */
    public String script(Path workspace, List<String> tests, String offlineRepo, String template, boolean coverage) {
        return switch (this) {
            case MAVEN -> mavenScript(workspace, tests, offlineRepo, coverage);
            case GRADLE -> (Files.isExecutable(workspace.resolve("gradlew")) ? "./gradlew" : "gradle")
                    + " test --continue --max-workers=\"$SELFTEST_WORKERS\" "
                    + tests.stream().map(t -> "--tests " + quote(t)).collect(Collectors.joining(" "))
                    + "; rc=$?; mkdir -p \"$SELFTEST_REPORTS_DIR\"; "
                    + "cp build/test-results/test/*.xml \"$SELFTEST_REPORTS_DIR\"/ 2>/dev/null; exit $rc";
            case PYTEST -> "if [ \"$SELFTEST_WORKERS\" -gt 1 ]; then n=\"-n $SELFTEST_WORKERS\"; else n=; fi; "
                    + "exec python3 -m pytest $n --junitxml=\"$SELFTEST_REPORTS_DIR/junit-$SELFTEST_SHARD_INDEX.xml\" "
                    + tests.stream().map(Framework::quote).collect(Collectors.joining(" "));
            case CUSTOM -> {
                if (template == null || template.isBlank()) {
                    throw new IllegalArgumentException("framework custom needs a command template (--command), e.g. "
                            + "'make test SHARD=$SELFTEST_SHARD_INDEX OUT=$SELFTEST_REPORTS_DIR'");
                }
                yield template;
            }
        };
    }

    private static String mavenScript(Path workspace, List<String> tests, String offlineRepo, boolean coverage) {
        String offline = offlineRepo == null ? "" : new MavenRepository(Path.of(offlineRepo), true, "").mavenOptions();
        String list = String.join(",", tests);
        StringBuilder sh = new StringBuilder();
        // Surefire's reportsDirectory has no user property: the shard's own XML files are taken from
        // target/surefire-reports afterwards (each class runs in one shard only, so shards never clash).
        sh.append("for c in ").append(tests.stream().map(Framework::quote).collect(Collectors.joining(" ")))
                .append("; do find . -path \"*/surefire-reports/TEST-$c.xml\" -delete 2>/dev/null; done; ");
        // Maven's own JVM only starts plugins: C1-only JIT and serial GC make that start markedly cheaper when
        // several shards start at once on few cores (the user's MAVEN_OPTS win when set).
        sh.append("MAVEN_OPTS=\"${MAVEN_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}\" ");
        sh.append(maven(workspace)).append(" -B -Dstyle.color=never").append(offline);
        if (coverage) {
            sh.append(" org.jacoco:jacoco-maven-plugin:").append(JACOCO_VERSION).append(":prepare-agent surefire:test")
                    .append(" -Djacoco.destFile=\"$SELFTEST_REPORTS_DIR/jacoco-$SELFTEST_SHARD_INDEX.exec\"")
                    // coverage is computed for the project's main classes only: instrumenting the test frameworks
                    // would cost every fork CPU time for nothing
                    .append(" -Djacoco.excludes=").append(quote(AGENT_EXCLUDES));
        } else {
            sh.append(" surefire:test");
        }
        sh.append(" -Dtest=").append(quote(list))
                .append(" -DforkCount=\"$SELFTEST_WORKERS\" -DreuseForks=true")
                .append(" -DtempDir=selftest-shard-$SELFTEST_SHARD_INDEX")
                .append(" -Dsurefire.failIfNoSpecifiedTests=false -DtrimStackTrace=false; rc=$?; ");
        sh.append("mkdir -p \"$SELFTEST_REPORTS_DIR\"; for c in ")
                .append(tests.stream().map(Framework::quote).collect(Collectors.joining(" ")))
                .append("; do find . -path \"*/surefire-reports/TEST-$c.xml\" -exec cp {} \"$SELFTEST_REPORTS_DIR\"/ \\; ; done; exit $rc");
        return sh.toString();
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
