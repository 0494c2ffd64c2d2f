package io.jenkins.plugins.selftest.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameworkTest {

    @Test
    void mavenRunsTheLifecycleToTestOnTheShardsClassesWithForksAndTheJacocoAgent(@TempDir Path ws) {
        String sh = Framework.MAVEN.script(ws, List.of("a.BTest", "a.CTest"), "/home/u/.m2", null, true, List.of(), List.of());

        assertThat(sh).contains("mvn -B").contains("-o -Dmaven.repo.local='/home/u/.m2/repository'")
                .contains("jacoco-maven-plugin:" + Framework.JACOCO_VERSION + ":prepare-agent")
                .contains(" test -Dmaven.main.skip=true").doesNotContain("surefire:test").doesNotContain(" -pl ")
                .contains("-Dmaven.main.skip=true").contains("-Dmaven.test.failure.ignore=true")
                .contains("-Dmaven.compiler.useIncrementalCompilation=false")
                .contains("-Djacoco.destFile=\"$SELFTEST_REPORTS_DIR/jacoco-$SELFTEST_SHARD_INDEX.exec\"")
                .contains("-Djacoco.exclClassLoaders='sun.reflect.DelegatingClassLoader:jdk.internal.loader.ClassLoaders$PlatformClassLoader'")
                .as("the classes are in the shard's tests file, not in the script").doesNotContain("BTest")
                .contains("MAVEN_OPTS=\"${MAVEN_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC} @$a\" mvn -B")
                .contains("-DforkCount=\"$SELFTEST_WORKERS\"")
                .endsWith("exit $rc");
    }

    @Test
    void mavensAgentInstrumentsOnlyThePackagesOfTheReportedClasses(@TempDir Path ws) throws Exception {
        Path classes = java.nio.file.Files.createDirectories(ws.resolve("target/classes/org/example/calc"));
        java.nio.file.Files.writeString(classes.resolve("Calculator.class"), "");

        assertThat(Framework.MAVEN.script(ws, List.of("a.BTest"), null, null, true, List.of(ws.resolve("target/classes")), List.of()))
                .contains("-Djacoco.exclClassLoaders='sun.reflect.DelegatingClassLoader:jdk.internal.loader.ClassLoaders$PlatformClassLoader"
                        + ",includes=org.example.calc.*'");
        assertThat(Framework.MAVEN.script(ws, List.of("a.BTest"), null, null, false, List.of(ws.resolve("target/classes")), List.of()))
                .doesNotContain("includes").doesNotContain("jacoco");
    }

    /**
     * The script's own plumbing around Maven, run by sh with a stand-in {@code ./mvnw} that writes a report for each
     * class of {@code -Dtest} as a real JVM reads it from {@code MAVEN_OPTS} (the real Maven runs in
     * {@code MavenReactorIT}): the shard's stale reports are gone before the build, its new ones are copied after it,
     * nothing of another class is touched or taken, and the argument file is gone at the end; also when the reports
     * directory has a blank in its path, which MAVEN_OPTS cannot carry (the file is then made in /tmp).
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"shard/reports", "my shard/reports"})
    void aMavenShardTakesExactlyItsOwnClassesReportsFoundInOneWalk(String reportsDir, @TempDir Path tmp) throws Exception {
        Path ws = java.nio.file.Files.createDirectories(tmp.resolve("ws"));
        // a module whose directory has a blank and a quote: the reports' paths go to rm and cp in batches
        Path reports = ws.resolve("it's core/target/surefire-reports");
        java.nio.file.Files.createDirectories(reports);
        java.nio.file.Files.writeString(reports.resolve("TEST-a.BTest.xml"), "stale");
        java.nio.file.Files.writeString(reports.resolve("TEST-a.BTestSuite.xml"), "another class");
        java.nio.file.Files.writeString(reports.resolve("TEST-x.Other Test.xml"), "another shard's");
        Path mvnw = ws.resolve("mvnw");
        java.nio.file.Files.writeString(mvnw, String.join("\n", "#!/bin/sh",
                "list=$(java $MAVEN_OPTS -XshowSettings:properties -version 2>&1 | sed -n 's/^ *test = //p')",
                "for c in $(echo \"$list\" | tr , ' '); do",
                "  f=\"it's core/target/surefire-reports/TEST-$c.xml\"",
                "  [ -e \"$f\" ] && echo \"$c\" >> \"$SELFTEST_REPORTS_DIR/../stale-seen\"",
                "  echo \"new $c\" > \"$f\"",
                "done", "exit 1", ""));
        java.nio.file.Files.setPosixFilePermissions(mvnw, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = tmp.resolve(reportsDir);
        java.nio.file.Files.createDirectories(out.getParent());
        String sh = Framework.MAVEN.script(ws, List.of("a.BTest", "a.CTest"), null, null, false, List.of(), List.of());

        Path testsFile = java.nio.file.Files.writeString(out.resolveSibling("tests.txt"), "a.BTest\na.CTest\n");
        List<String> tmpBefore = tmpArgumentFiles();
        Process p = shardScript(ws, sh, out, testsFile).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(p.waitFor()).as(log).isEqualTo(1); // the build's own exit code
        assertThat(out.resolveSibling("stale-seen")).as("a stale report of the shard's class was left for the build").doesNotExist();
        try (var listed = java.nio.file.Files.list(out)) {
            assertThat(listed.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("TEST-a.BTest.xml", "TEST-a.CTest.xml");
        }
        assertThat(out.resolve("TEST-a.BTest.xml")).hasContent("new a.BTest");
        assertThat(reports.resolve("TEST-a.BTestSuite.xml")).hasContent("another class");
        assertThat(reports.resolve("TEST-x.Other Test.xml")).hasContent("another shard's");
        assertThat(out.resolve("maven-tests.args")).doesNotExist();
        assertThat(tmpArgumentFiles()).isEqualTo(tmpBefore);
    }

    /**
     * A shard's script as a shard runs it ({@code sh -c} in the workspace) with one worker and the shard's variables:
     * its reports directory and tests file; without a {@code MAVEN_OPTS} of the machine running the test.
     */
    static ProcessBuilder shardScript(Path ws, String script, Path reports, Path testsFile) {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", script).directory(ws.toFile());
        pb.environment().remove("MAVEN_OPTS");
        pb.environment().putAll(java.util.Map.of("SELFTEST_REPORTS_DIR", reports.toString(), "SELFTEST_WORKERS", "1",
                "SELFTEST_SHARD_INDEX", "0", "SELFTEST_TESTS_FILE", testsFile.toString()));
        return pb;
    }

    private static List<String> tmpArgumentFiles() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(Path.of("/tmp"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("selftest-tests.")).sorted().toList();
        }
    }

    @Test
    void withoutCoverageNoPresetAttachesAnAgentOrWritesExecFiles(@TempDir Path ws) {
        String sh = Framework.MAVEN.script(ws, List.of("a.BTest"), "/home/u/.m2", null, false, List.of(), List.of());

        assertThat(sh).contains("mvn -B").contains(" test -Dmaven.main.skip=true")
                .doesNotContain("jacoco").doesNotContain(".exec");
        assertThat(Framework.PYTEST.script(ws, List.of("tests/test_a.py"), null, null, false, List.of(), List.of()))
                .doesNotContain("--cov").doesNotContain("coverage");
    }

    @Test
    void mavenUsesTheProjectsWrapperWhenThereIsOne(@TempDir Path ws) throws Exception {
        java.nio.file.Files.writeString(ws.resolve("mvnw"), "#!/bin/sh\n");
        ws.resolve("mvnw").toFile().setExecutable(true);
        assertThat(Framework.MAVEN.script(ws, List.of("T"), null, null, true, List.of(), List.of())).contains("./mvnw -B").doesNotContain(" -o ");
    }

    @Test
    void pytestGetsWorkersJunitXmlAndEachTestFileAsAnArgumentOfItsOwn(@TempDir Path ws) throws Exception {
        String sh = Framework.PYTEST.script(ws, List.of("tests/test_a.py"), null, null, false, List.of(), List.of("-q"));
        assertThat(sh).contains("-n $SELFTEST_WORKERS").contains("--junitxml=\"$SELFTEST_REPORTS_DIR/junit-$SELFTEST_SHARD_INDEX.xml\"")
                .as("the test files are read from the tests file, not written into the script").doesNotContain("test_a");

        // a stand-in python prints its arguments, one a line: blanks, quotes and wildcards arrive as they are
        List<String> tests = List.of("tests/test_a.py", "tests/it's.py", "tests/with blank/test_b.py", "tests/test_*.py");
        List<String> argv = runWithStandIn(ws, sh, tests, "SELFTEST_PYTHON", "python");
        assertThat(argv).startsWith("-m", "pytest").contains("-q").endsWith(tests.toArray(String[]::new));
    }

    @Test
    void gradlePassesEachClassAsTestsFilter(@TempDir Path ws) throws Exception {
        String sh = Framework.GRADLE.script(ws, List.of("a.BTest"), null, null, true, List.of(), List.of());
        assertThat(sh).contains("gradle --no-daemon --init-script \"$g/init.gradle\" test --continue --max-workers=\"$SELFTEST_WORKERS\" \"$@\"")
                .doesNotContain("a.BTest");
        assertThat(Framework.GRADLE.script(ws, List.of("a.BTest"), null, null, true, List.of(), List.of("--daemon")))
                .as("the user's choice of daemon stands alone").contains("gradle --init-script \"$g/init.gradle\" '--daemon' test")
                .doesNotContain("--no-daemon");

        java.nio.file.Files.writeString(ws.resolve("gradlew"), "#!/bin/sh\n");
        ws.resolve("gradlew").toFile().setExecutable(true);
        List<String> argv = runWithStandIn(ws, Framework.GRADLE.script(ws, List.of("x"), null, null, true, List.of(), List.of()),
                List.of("a.BTest", "a.C*Test"), null, "gradlew");
        assertThat(argv).endsWith("--tests", "a.BTest", "--tests", "a.C*Test");
    }

    /**
     * Runs a shard's script with {@code tests} in its tests file and a stand-in for the build tool ({@code tool} in
     * the workspace, or named by {@code variable}) that writes its arguments one a line; those arguments.
     */
    private static List<String> runWithStandIn(Path ws, String script, List<String> tests, String variable, String tool)
            throws Exception {
        Path standIn = ws.resolve(tool);
        java.nio.file.Files.writeString(standIn, "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$SELFTEST_REPORTS_DIR/argv\"\n");
        java.nio.file.Files.setPosixFilePermissions(standIn, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path reports = java.nio.file.Files.createDirectories(ws.resolve("out"));
        Path testsFile = java.nio.file.Files.write(ws.resolve("tests.txt"), tests);
        // a file the wildcard of a test id would match if the shell expanded it
        java.nio.file.Files.writeString(ws.resolve("a.CxTest"), "");
        ProcessBuilder pb = shardScript(ws, script, reports, testsFile).redirectErrorStream(true);
        if (variable != null) {
            pb.environment().put(variable, standIn.toString());
        }
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(log).isZero();
        return java.nio.file.Files.readAllLines(reports.resolve("argv"));
    }

    @Test
    void pytestWithCoverageMeasuresTheSourceRootsWithPytestCovAndLeavesCoveragePyJson(@TempDir Path ws) {
        String sh = Framework.PYTEST.script(ws, List.of("tests/test_a.py"), null, null, true, List.of(), List.of());

        assertThat(sh).contains("py=\"${SELFTEST_PYTHON:-python3}\"")
                .contains("--cov --cov-branch --cov-report= \"--cov-config=$r/coveragerc\"")
                .contains("relative_files = True").contains("$SELFTEST_COVERAGE_SOURCES")
                .contains("export COVERAGE_FILE=\"$r/.coverage\"")
                .contains("-m coverage json -q --rcfile=\"$r/coveragerc\" -o \"$r/coverage-$SELFTEST_SHARD_INDEX.json\"")
                .contains("has no pytest-cov: install it (Debian: python3-pytest-cov")
                .endsWith("exit $rc");
    }

    @Test
    void inAReactorAShardRunsOnlyTheModulesHoldingItsTestsAndWhatTheyNeed(@TempDir Path ws) throws Exception {
        pom(ws, "", "<packaging>pom</packaging><modules><module>a</module><module>apps</module></modules>");
        pom(ws, "a", "");
        pom(ws, "apps", "<packaging>pom</packaging><modules><module>c</module></modules>");
        pom(ws, "apps/c", "");
        testClass(ws, "a", "x.ATest");
        testClass(ws, "apps/c", "y.CTest");

        assertThat(Framework.MAVEN.script(ws, List.of("y.CTest"), null, null, false, List.of(), List.of())).contains(" test -pl 'apps/c' -am -D");
        assertThat(Framework.MAVEN.script(ws, List.of("y.CTest", "x.ATest"), null, null, false, List.of(), List.of())).contains(" -pl 'a,apps/c' -am ");
        assertThat(Framework.MAVEN.script(ws, List.of("y.CTest", "z.Elsewhere"), null, null, false, List.of(), List.of()))
                .as("a test in no module: the whole reactor, filtered").doesNotContain(" -pl ");
        assertThat(Framework.MAVEN.defaultDirs(ws, Framework.MAVEN.mainClassDirs()))
                .containsExactly("a/target/classes", "apps/c/target/classes");
        assertThat(Framework.GRADLE.defaultDirs(ws, Framework.GRADLE.mainClassDirs())).isEqualTo(Framework.GRADLE.mainClassDirs());
    }

    @Test
    void aReactorPomWithADoctypeOrAModuleOutsideTheWorkspaceIsLeftOut(@TempDir Path ws) throws Exception {
        pom(ws, "", "<packaging>pom</packaging><modules><module>a</module><module>../evil</module><module>b</module></modules>");
        pom(ws, "a", "");
        java.nio.file.Files.createDirectories(ws.resolve("b"));
        java.nio.file.Files.writeString(ws.resolve("b/pom.xml"), "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><project>&x;</project>");

        MavenReactor reactor = MavenReactor.read(ws);
        assertThat(reactor.modules()).extracting(MavenReactor.Module::path).containsExactly("", "a");
        assertThat(reactor.problems()).anySatisfy(p -> assertThat(p).contains("'../evil' leads out of the workspace"))
                .anySatisfy(p -> assertThat(p).contains("module 'b'"));
    }

    @Test
    void buildArgumentsGoOnEveryPresetsCommandLineQuoted(@TempDir Path ws) {
        List<String> args = List.of("-Pci", "-Dgreeting=it's here");
        assertThat(Framework.MAVEN.script(ws, List.of("a.BTest"), null, null, true, List.of(), args))
                .contains("mvn -B -Dstyle.color=never '-Pci' '-Dgreeting=it'\\''s here' ");
        assertThat(Framework.GRADLE.script(ws, List.of("a.BTest"), null, null, true, List.of(), List.of("--offline")))
                .contains(" gradle --no-daemon --init-script \"$g/init.gradle\" '--offline' test ");
        assertThat(Framework.PYTEST.script(ws, List.of("tests/test_a.py"), null, null, false, List.of(), List.of("-x")))
                .contains("junit-$SELFTEST_SHARD_INDEX.xml\" '-x' \"$@\"");
        assertThat(Framework.CUSTOM.script(ws, List.of("x"), null, "make $SELFTEST_ARGS", true, List.of(), args)).isEqualTo("make $SELFTEST_ARGS");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "MAVEN  | -Pci -Dtest=FooTest  | '-Dtest=FooTest' chooses the tests: selftest gives each shard its own; use tests/excludes (--include/--exclude) instead",
            "MAVEN  | -D it.test=X         | '-D' chooses the tests",
            "MAVEN  | -pl core             | '-pl' chooses the modules",
            "MAVEN  | --projects=core      | '--projects=core' chooses the modules",
            "MAVEN  | -rf :core            | '-rf' skips modules that hold tests: leave it out",
            "MAVEN  | -f other/pom.xml     | '-f' runs another POM: give that project's directory as the workspace instead",
            "PYTEST | -n 4                 | '-n' sets the pytest workers: give workers instead",
            "PYTEST | -n4                  | '-n4' sets the pytest workers",
            "PYTEST | --numprocesses=auto  | '--numprocesses=auto' sets the pytest workers",
            "PYTEST | --junitxml=x.xml     | '--junitxml=x.xml' writes the JUnit report elsewhere",
            "PYTEST | -p no:xdist          | '-p' turns off pytest-xdist",
            "GRADLE | --tests '*Foo'       | '--tests' chooses the tests",
            "MAVEN  | -Dx='open            | has an unclosed '"})
    void buildArgumentsThatWouldBreakShardingAreRefusedNamingTheFix(Framework framework, String args, String message) {
        assertThatThrownBy(() -> framework.parseArgs(args)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void otherBuildArgumentsAreSplitAsTheShellWould() {
        assertThatThrownBy(() -> Framework.MAVEN.parseArgs("-X ".repeat(300))).hasMessageContaining("at most");
        assertThatThrownBy(() -> SelfTestOptions.builder(Path.of("/tmp")).args(List.of("-pl", "a")).build())
                .hasMessageContaining("chooses the modules");

        assertThat(Framework.MAVEN.parseArgs("-Pci -DskipITs -Drat.skip \"-Dname=a b\"")).containsExactly("-Pci", "-DskipITs", "-Drat.skip", "-Dname=a b");
        assertThat(Framework.MAVEN.parseArgs("-Dtests.extra=1 -Dtesting=x")).hasSize(2);
        assertThat(Framework.PYTEST.parseArgs("-x -p no:cacheprovider --maxfail=2")).hasSize(4);
        assertThat(Framework.CUSTOM.parseArgs("-Dtest=Foo -n 3")).hasSize(3);
        assertThat(Framework.MAVEN.parseArgs("  ")).isEmpty();
    }

    private static void pom(Path ws, String dir, String body) throws Exception {
        java.nio.file.Files.createDirectories(ws.resolve(dir));
        java.nio.file.Files.writeString(ws.resolve(dir).resolve("pom.xml"), "<project><modelVersion>4.0.0</modelVersion>"
                + "<profiles><profile><modules><module>never</module></modules></profile></profiles>" + body + "</project>");
    }

    private static void testClass(Path ws, String module, String className) throws Exception {
        Path f = ws.resolve(module).resolve("target/test-classes").resolve(className.replace('.', '/') + ".class");
        java.nio.file.Files.createDirectories(f.getParent());
        java.nio.file.Files.write(f, new byte[] {(byte) 0xCA, (byte) 0xFE});
    }

    @Test
    void customNeedsATemplate(@TempDir Path ws) {
        assertThat(Framework.CUSTOM.script(ws, List.of("x"), null, "make SHARD=$SELFTEST_SHARD_INDEX", true, List.of(), List.of())).isEqualTo("make SHARD=$SELFTEST_SHARD_INDEX");
        assertThatThrownBy(() -> Framework.CUSTOM.script(ws, List.of("x"), null, " ", true, List.of(), List.of())).hasMessageContaining("--command");
        assertThatThrownBy(() -> Framework.parse("ant")).hasMessageContaining("maven, gradle, pytest or custom");
    }
}
