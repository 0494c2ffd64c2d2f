package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.coverage.AgentIncludes;
import io.jenkins.plugins.selftest.engine.process.ShellWords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

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

    /**
     * Class loaders whose classes the maven preset's JaCoCo agent leaves alone: JaCoCo's own default (reflection's
     * generated accessors) and the JDK's platform class loader, which defines the JDK's modules outside java.base
     * (the HTTP client and server, java.sql, the XML security classes ...). By the loader, not by package names, so
     * that a project whose own packages are called {@code com.sun} or {@code javax} keeps its coverage.
     */
    static final String AGENT_EXCLUDED_LOADERS = "sun.reflect.DelegatingClassLoader:jdk.internal.loader.ClassLoaders$PlatformClassLoader";

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
     * {@link #testClassDirs()}, {@link #mainClassDirs()} or {@link #sourceDirs()} of this workspace: for maven (and
     * custom, whose defaults are Maven's) in a multi-module reactor, those of every module that builds code
     * ({@link MavenReactor}); else the directories themselves.
     */
    List<String> defaultDirs(Path workspace, List<String> dirs) {
        return this == MAVEN || this == CUSTOM ? MavenReactor.read(workspace).expand(dirs) : dirs;
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

    /** What the planned tests are, in messages: "test files" for pytest (its test ids are files), else "test classes". */
    public String testUnits() {
        return this == PYTEST ? "test files" : "test classes";
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
     * @param coveredClasses the class directories whose coverage the run reports: maven's agent instruments only
     *                       their packages ({@link AgentIncludes}; every class when empty)
     * @param args           the user's build arguments ({@link #checkArgs}): maven, gradle and pytest get them on their
     *                       command line, a custom command as {@code $SELFTEST_ARGS}
     */
    public String script(Path workspace, List<String> tests, String offlineRepo, String template, boolean coverage,
                         List<Path> coveredClasses, List<String> args) {
        checkArgs(args);
        String extra = spliced(args);
        return switch (this) {
            case MAVEN -> mavenScript(workspace, tests, offlineRepo, coverage, coveredClasses, extra);
            case GRADLE -> gradleScript(workspace, args, extra);
            case PYTEST -> pytestScript(coverage, extra);
            case CUSTOM -> {
                if (template == null || template.isBlank()) {
                    throw new IllegalArgumentException("framework custom needs a command template (--command), e.g. "
                            + "'make test SHARD=$SELFTEST_SHARD_INDEX OUT=$SELFTEST_REPORTS_DIR'");
                }
                yield template;
            }
        };
    }

    /**
     * A statement adding the lines that {@code filter} makes of {@code $SELFTEST_TESTS_FILE} to the positional
     * parameters, one parameter a line: the shard's tests reach the build tool as arguments of their own. Written into
     * the script they would be in one argument ({@code sh -c}), which Linux limits to 128 KiB; as arguments of their
     * own they may fill the whole argument space (2 MiB with the default stack limit). Split at newlines only and with
     * globbing off, so that a test id keeps its blanks and wildcards.
     */
    private static String addTestsFromFile(String filter) {
        return "set -f; IFS='\n'; set -- \"$@\" $(" + filter + " \"$SELFTEST_TESTS_FILE\"); unset IFS; set +f; ";
    }

    /** Build arguments as they go into a command line: each quoted, after a blank; nothing when there are none. */
    static String spliced(List<String> args) {
        return args.isEmpty() ? "" : " " + ShellWords.join(args);
    }

    /**
     * {@code --no-daemon} unless the user's arguments choose ({@code --daemon} or {@code --no-daemon}): a daemon that
     * outlived its shard would be one of the leftovers a local shard's end stops (and names as a problem), and a
     * container's end kills; without it Gradle runs the build in its own JVM or a single-use daemon that ends with it.
     */
    static String daemonOff(List<String> args) {
        return args.contains("--daemon") || args.contains("--no-daemon") ? "" : " --no-daemon";
    }

    /** The Gradle launcher of a workspace: its own {@code ./gradlew} when it has one, else {@code gradle}. */
    static String gradle(Path workspace) {
        return Files.isExecutable(workspace.resolve("gradlew")) ? "./gradlew" : "gradle";
    }

    /**
     * The build arguments of a line ({@link ShellWords#split}, its bounds), checked for this preset.
     *
     * @throws IllegalArgumentException with one line naming the argument and the fix, without the field's name
     */
    public List<String> parseArgs(String line) {
        List<String> args;
        try {
            args = ShellWords.split(line);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + line + "' " + e.getMessage(), e);
        }
        checkArgs(args);
        return args;
    }

    /**
     * Refuses arguments that would break sharding: selftest chooses each shard's tests, its module list and its
     * parallelism. Maven: {@code -Dtest}, {@code -Dit.test}, {@code -pl}/{@code --projects},
     * {@code -rf}/{@code --resume-from}, {@code -f}/{@code --file}; pytest: {@code -n}/{@code --numprocesses},
     * {@code --junitxml}, {@code -p no:xdist}; Gradle: {@code --tests}. A custom command gets them as they are.
     *
     * @throws IllegalArgumentException with one line naming the argument and the fix, without the field's name
     */
    public void checkArgs(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String next = i + 1 < args.size() ? args.get(i + 1) : "";
            String fix = switch (this) {
                case MAVEN -> mavenArgProblem(a, next);
                case PYTEST -> a.equals("-n") || a.matches("-n\\d+|-nauto|-nlogical") || a.startsWith("--numprocesses")
                        ? "sets the pytest workers: give workers instead"
                        : a.startsWith("--junitxml") || a.startsWith("--junit-xml")
                        ? "writes the JUnit report elsewhere: selftest reads it from the shard's reports directory; leave it out"
                        : (a.equals("-p") && next.equals("no:xdist")) || a.equals("-pno:xdist")
                        ? "turns off pytest-xdist, which runs the shard's workers: give workers: 1 instead" : null;
                case GRADLE -> a.equals("--tests") || a.startsWith("--tests=")
                        ? "chooses the tests: selftest gives each shard its own; use tests/excludes (--include/--exclude) instead" : null;
                case CUSTOM -> null;
            };
            if (fix != null) {
                throw new IllegalArgumentException("'" + a + "' " + fix);
            }
        }
    }

    private static String mavenArgProblem(String a, String next) {
        String property = a.startsWith("-D") ? (a.length() == 2 ? next : a.substring(2)) : null;
        if (property != null && (property.startsWith("test=") || property.equals("test")
                || property.startsWith("it.test=") || property.equals("it.test"))) {
            return "chooses the tests: selftest gives each shard its own; use tests/excludes (--include/--exclude) instead";
        }
        if (a.equals("-pl") || a.startsWith("--projects")) {
            return "chooses the modules: selftest runs each shard in the modules that hold its tests; leave it out";
        }
        if (a.equals("-rf") || a.startsWith("--resume-from")) {
            return "skips modules that hold tests: leave it out";
        }
        if (a.equals("-f") || a.startsWith("--file")) {
            return "runs another POM: give that project's directory as the workspace instead";
        }
        return null;
    }

    /**
     * Maven's lifecycle up to {@code test} (so that what the project binds to it, such as an {@code argLine} set by
     * a plugin, takes effect) in the modules holding the shard's tests and those they depend on ({@code -pl -am} of a
     * reactor, {@link MavenReactor}), with {@code -Dtest} of the shard's classes, which no test of another module
     * matches. Main classes are never compiled ({@code maven.main.skip}): the preparation did that once, and shards
     * share the workspace. A failing test does not end the build ({@code maven.test.failure.ignore}), so every
     * module of the shard runs; the JUnit reports say what failed.
     */
    private static String mavenScript(Path workspace, List<String> tests, String offlineRepo, boolean coverage,
                                      List<Path> coveredClasses, String args) {
        String offline = offlineRepo == null ? "" : new MavenRepository(Path.of(offlineRepo), true, "").mavenOptions();
        List<String> modules = MavenReactor.read(workspace).modulesHolding(workspace, tests);
        StringBuilder sh = new StringBuilder();
        // Surefire's reportsDirectory has no user property: the shard's own XML files are taken from
        // target/surefire-reports afterwards (each class runs in one shard only, so shards never clash). Its classes'
        // reports are found in one walk of the workspace before and one after: the names of their files, made from
        // SELFTEST_TESTS_FILE, go to a list that grep matches the walk's paths against (a walk per class took minutes
        // on a large reactor, and the classes written into the script made it longer than one argument may be)
        sh.append("mkdir -p \"$SELFTEST_REPORTS_DIR\"; names=\"$SELFTEST_REPORTS_DIR/").append(REPORT_NAMES)
                .append("\"; sed 's|.*|/TEST-&.xml|' \"$SELFTEST_TESTS_FILE\" > \"$names\"; ")
                .append(SHARD_REPORTS).append(" | ").append(EACH_BATCH).append("rm -f; ");
        // The classes reach Surefire as -Dtest from a java argument file that MAVEN_OPTS names: Maven's JVM reads it
        // as a system property, which plugins see as they see a -D of the command line. Written in the script or on
        // Maven's command line the list is one argument, which Linux limits to 128 KiB: about 2,500 classes. The file
        // is in the reports directory, or in /tmp when that path has a blank (MAVEN_OPTS is split at blanks).
        sh.append("a=\"$SELFTEST_REPORTS_DIR/").append(TEST_ARGS).append("\"; case \"$a\" in *[[:space:]]*) ")
                .append("a=$(mktemp /tmp/selftest-tests.XXXXXX) || exit 1;; esac; ")
                .append("{ printf '\"-Dtest='; paste -s -d , \"$SELFTEST_TESTS_FILE\" | tr -d '\\n'; printf '\"\\n'; } > \"$a\"; ");
        // Maven's own JVM only starts plugins: C1-only JIT and serial GC make that start markedly cheaper when
        // several shards start at once on few cores (the user's MAVEN_OPTS win when set).
        sh.append("MAVEN_OPTS=\"${MAVEN_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC} @$a\" ");
        sh.append(maven(workspace)).append(" -B -Dstyle.color=never").append(offline).append(args);
        if (coverage) {
            // before the lifecycle, in every module: one exec file per shard, appended to across modules
            sh.append(" org.jacoco:jacoco-maven-plugin:").append(JACOCO_VERSION).append(":prepare-agent")
                    .append(" -Djacoco.destFile=\"$SELFTEST_REPORTS_DIR/jacoco-$SELFTEST_SHARD_INDEX.exec\"")
                    // coverage is computed for the project's main classes only: instrumenting the JDK's modules a
                    // test uses (its HTTP client alone is 500 classes) or the test frameworks would cost every fork
                    // CPU time for nothing (JUnit's and Surefire's classes about a second at each fork's start, and
                    // then every test that runs through them). prepare-agent's includes have no user property, so
                    // they ride on the loaders' one: the plugin passes that value as it is, and the agent splits its
                    // options at every comma followed by a key=, so it reads them as if a POM had set them (a POM's
                    // own includes give way to them)
                    .append(" -Djacoco.exclClassLoaders=").append(ShellWords.quote(AGENT_EXCLUDED_LOADERS
                            + AgentIncludes.of(coveredClasses).map(i -> ",includes=" + i).orElse("")));
        }
        sh.append(" test");
        if (!modules.isEmpty()) {
            sh.append(" -pl ").append(ShellWords.quote(String.join(",", modules))).append(" -am");
        }
        // useIncrementalCompilation=false: test sources are compiled only when newer than their classes, which the
        // preparation made them not be. The incremental check rewrites target/maven-status/.../inputFiles.lst on
        // every build, even with nothing to compile; shards sharing the workspace read it half-written, took that for
        // changed sources and recompiled the module, deleting classes other shards were compiling against or running
        // (seen in CI: a shard's build failing, a test class missing from the counts)
        sh.append(" -Dmaven.main.skip=true -Dmaven.compiler.useIncrementalCompilation=false")
                .append(" -Dmaven.test.failure.ignore=true")
                .append(" -DforkCount=\"$SELFTEST_WORKERS\" -DreuseForks=true")
                .append(" -DtempDir=selftest-shard-$SELFTEST_SHARD_INDEX")
                .append(" -Dsurefire.failIfNoSpecifiedTests=false -DfailIfNoTests=false -DtrimStackTrace=false; rc=$?; ");
        sh.append(SHARD_REPORTS).append(" | ").append(EACH_BATCH)
                .append("sh -c '[ $# -eq 0 ] || exec cp -- \"$@\" \"$0\"' \"$SELFTEST_REPORTS_DIR\"; ")
                .append("rm -f \"$names\" \"$a\"; exit $rc");
        return sh.toString();
    }

    /**
     * Gradle's {@code test} task with {@code --tests} per class, under an init script ({@link #GRADLE_INIT}) that
     * writes every test task's JUnit XML into the shard's reports directory, and its binary results into a directory
     * of the shard's own, removed afterwards. Left where the build puts them, shards sharing a workspace wrote into
     * one {@code build/test-results}: a shard's Gradle failed hashing files another was writing, and a shard's copy
     * took the other's XML (seen: a run counting every test while a shard's classes left no results of their own).
     * The HTML report is off: the run makes its own.
     */
    private static String gradleScript(Path workspace, List<String> args, String extra) {
        StringBuilder sh = new StringBuilder("set --; ").append(addTestsFromFile("awk '{ print \"--tests\"; print }'"));
        sh.append("g=$(mktemp -d /tmp/selftest-gradle.XXXXXX) || exit 1; mkdir -p \"$SELFTEST_REPORTS_DIR\"; printf '%s\\n' ")
                .append(ShellWords.join(GRADLE_INIT.lines().toList())).append(" > \"$g/init.gradle\"; ");
        sh.append(GRADLE_DIR).append("=\"$g\" ").append(gradle(workspace)).append(daemonOff(args))
                .append(" --init-script \"$g/init.gradle\"").append(extra)
                .append(" test --continue --max-workers=\"$SELFTEST_WORKERS\" \"$@\"; rc=$?; rm -rf \"$g\"; exit $rc");
        return sh.toString();
    }

    /** The variable naming a Gradle shard's own directory (its init script, its binary test results). */
    private static final String GRADLE_DIR = "SELFTEST_GRADLE_DIR";

    /**
     * The init script of Gradle shards: each test task's XML in {@code $SELFTEST_REPORTS_DIR/<project>-<task>}, its
     * binary results in the shard's own directory, no HTML report. From Gradle 6.1 through the properties
     * ({@code outputLocation}, {@code binaryResultsDirectory}, {@code required}); before, through the setters the
     * later versions dropped ({@code destination}, {@code binResultsDir}, {@code enabled}: Gradle 4.4 has a
     * {@code binaryResultsDirectory} already, which it does not use). Set once each project is evaluated, so that
     * they stand over what its build script sets (its own results directory would leave the shard without results).
     * A project path becomes one file name of safe characters.
     */
    static final String GRADLE_INIT = """
            def reports = new File(System.getenv("SELFTEST_REPORTS_DIR"))
            def binary = new File(System.getenv("%s"), "binary")
            def legacy = org.gradle.util.GradleVersion.current() < org.gradle.util.GradleVersion.version("6.1")
            allprojects { p ->
                p.afterEvaluate {
                    p.tasks.withType(Test) { t ->
                        def name = ((p.path == ":" ? "" : p.path.substring(1) + "-") + t.name)
                                .replaceAll("[^A-Za-z0-9_.-]", "_")
                        def xml = new File(reports, name)
                        def bin = new File(binary, name)
                        if (legacy) {
                            t.reports.junitXml.destination = xml
                            t.binResultsDir = bin
                            t.reports.html.enabled = false
                        } else {
                            t.reports.junitXml.outputLocation.set(xml)
                            t.binaryResultsDirectory.set(bin)
                            t.reports.html.required.set(false)
                        }
                    }
                }
            }
            """.formatted(GRADLE_DIR);

    /** The java argument file with the shard's {@code -Dtest}, in its reports directory while the shard runs. */
    private static final String TEST_ARGS = "maven-tests.args";

    /** The list of the shard's report file names, in its reports directory while the shard runs. */
    private static final String REPORT_NAMES = "report-names.txt";

    /** The paths of the shard's Surefire reports in the workspace: one walk, matched against {@code $names}. */
    private static final String SHARD_REPORTS =
            "find . -path '*/surefire-reports/TEST-*.xml' -type f 2>/dev/null | grep -F -f \"$names\"";

    /**
     * Runs the command that follows on the paths read, one per line, as few times as the argument limit allows: a
     * process per report file cost 10-15 ms each on a machine whose forks are dear, 1.2 s for the removal and the copy
     * of 48 classes' reports, more than a small suite's tests. ({@code xargs} comes with {@code find}, in findutils and
     * in busybox; {@code -0} keeps blanks and quotes in paths.)
     */
    private static final String EACH_BATCH = "tr '\\n' '\\000' | xargs -0 ";

    /** The variable naming the Python interpreter of pytest shards (default {@code python3} from the PATH). */
    public static final String PYTHON = "SELFTEST_PYTHON";

    /**
     * pytest (with pytest-xdist's {@code -n} when the shard has several workers) writing JUnit XML; with coverage,
     * pytest-cov measures lines and branches of the source roots the engine passes in
     * {@code SELFTEST_COVERAGE_SOURCES} (a coverage rcfile in the reports directory: branch, relative file names,
     * those sources; the data file there too), and coverage.py's own JSON report of the shard is written beside it,
     * so the engine reads plain JSON. A python without pytest-cov runs the tests all the same and leaves one line
     * saying what to install.
     */
    private static String pytestScript(boolean coverage, String extra) {
        StringBuilder sh = new StringBuilder();
        sh.append("py=\"${").append(PYTHON).append(":-python3}\"; r=\"$SELFTEST_REPORTS_DIR\"; mkdir -p \"$r\"; ")
                .append("if [ \"$SELFTEST_WORKERS\" -gt 1 ]; then n=\"-n $SELFTEST_WORKERS\"; else n=; fi; set --; ");
        if (coverage) {
            sh.append("if \"$py\" -c 'import pytest_cov' 2>/dev/null; then ")
                    .append("{ printf '[run]\\nbranch = True\\nrelative_files = True\\nsource =\\n'; ")
                    .append("printf '%s\\n' \"$SELFTEST_COVERAGE_SOURCES\" | tr ':' '\\n' | sed 's/^/    /'; } > \"$r/coveragerc\"; ")
                    .append("export COVERAGE_FILE=\"$r/.coverage\"; ")
                    .append("set -- --cov --cov-branch --cov-report= \"--cov-config=$r/coveragerc\"; ")
                    .append("else echo \"pytest shard $SELFTEST_SHARD_INDEX: coverage is on but $py has no pytest-cov: install it (Debian:"
                            + " python3-pytest-cov, else pip install pytest-cov), set " + PYTHON + " to a python that"
                            + " has it, or turn coverage off\" | tee \"$r/coverage-problem.txt\" >&2; fi; ");
        }
        sh.append("covered=$#; ").append(addTestsFromFile("cat"))
                .append("\"$py\" -m pytest $n --junitxml=\"$SELFTEST_REPORTS_DIR/junit-$SELFTEST_SHARD_INDEX.xml\"")
                .append(extra).append(" \"$@\"; rc=$?; ");
        if (coverage) {
            // coverage.py's own report, inside the shard: the engine combines plain JSON and never needs coverage.py
            sh.append("if [ \"$covered\" -gt 0 ]; then \"$py\" -m coverage json -q --rcfile=\"$r/coveragerc\" ")
                    .append("-o \"$r/coverage-$SELFTEST_SHARD_INDEX.json\" ")
                    .append("|| echo \"pytest shard $SELFTEST_SHARD_INDEX: coverage json failed (see the shard log)\"")
                    .append(" > \"$r/coverage-problem.txt\"; fi; ");
        }
        return sh.append("exit $rc").toString();
    }
}
