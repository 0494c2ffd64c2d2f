package io.jenkins.plugins.selftest.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jenkins.plugins.selftest.engine.container.Containers;
import io.jenkins.plugins.selftest.engine.coverage.Counter;
import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import io.jenkins.plugins.selftest.engine.junit.JUnitParser;
import io.jenkins.plugins.selftest.engine.junit.TestCaseResult;
import io.jenkins.plugins.selftest.engine.junit.TestStatus;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.orphans.Orphan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Maven runs of a multi-module reactor (projects/reactor: a parent and aggregator, {@code money},
 * {@code ledger} needing {@code money} and its test-jar, the aggregator {@code apps} with {@code report} needing
 * {@code ledger}; the parent enforces the Maven version, and binds build-helper, whose property and an argLine the
 * tests read), compared in the same test with what a plain {@code mvn test} and jacoco-maven-plugin's own report of
 * the same project say.
 */
class MavenReactorIT {

    static final Path FIXTURE = Path.of("src", "test", "resources", "projects", "reactor").toAbsolutePath();

    /** The reference: {@code mvn test} with JaCoCo's agent into one exec file, then its report of each module. */
    record Reference(TestSuiteResult tests, Counter line, Counter branch) {
    }

    @TempDir
    static Path shared;
    static Path workspace;
    static Reference reference;

    @BeforeAll
    static void plainMavenRun() throws Exception {
        workspace = copy(FIXTURE, shared.resolve("ws"));
        Path exec = shared.resolve("reference.exec");
        String jacoco = "org.jacoco:jacoco-maven-plugin:" + Framework.JACOCO_VERSION;
        mvn(workspace, shared.resolve("reference-test.log"), jacoco + ":prepare-agent", "test",
                "-Dmaven.test.failure.ignore=true", "-Djacoco.destFile=" + exec);
        mvn(workspace, shared.resolve("reference-report.log"), jacoco + ":report", "-Djacoco.dataFile=" + exec);
        List<Path> reports = new ArrayList<>();
        Counter line = Counter.EMPTY;
        Counter branch = Counter.EMPTY;
        for (String module : List.of("money", "ledger", "apps/report")) {
            reports.add(workspace.resolve(module).resolve("target/surefire-reports"));
            List<String> csv = Files.readAllLines(workspace.resolve(module).resolve("target/site/jacoco/jacoco.csv"));
            for (String row : csv.subList(1, csv.size())) {
                // GROUP,PACKAGE,CLASS,INSTRUCTION_MISSED,INSTRUCTION_COVERED,BRANCH_MISSED,BRANCH_COVERED,LINE_MISSED,LINE_COVERED,...
                String[] c = row.split(",");
                branch = branch.plus(new Counter(Long.parseLong(c[6]), Long.parseLong(c[5])));
                line = line.plus(new Counter(Long.parseLong(c[8]), Long.parseLong(c[7])));
            }
        }
        reference = new Reference(JUnitParser.parse(reports), line, branch);
        // what the fixture is: every module tested, a failure, a skipped test; the run below is compared with it
        assertThat(reference.tests().total()).isEqualTo(26);
        assertThat(reference.tests().failed()).isEqualTo(1);
        assertThat(reference.tests().skipped()).isEqualTo(1);
        assertThat(reference.line().covered()).isPositive();
        assertThat(reference.branch().missed()).isPositive();
    }

    @Test
    void shardsOfAReactorFindEveryModulesTestsAndGiveMavensCountsAndJacocosCoverage(@TempDir Path tmp) throws Exception {
        SelfTestOptions options = SelfTestOptions.builder(workspace).shards(3).workers(3)
                .reportDir(tmp.resolve("report")).history(tmp.resolve("history.jsonl")).build();
        assertThat(options.testClassDirs()).containsExactly(workspace.resolve("money/target/test-classes"),
                workspace.resolve("ledger/target/test-classes"), workspace.resolve("apps/report/target/test-classes"));
        new SelfTestRun(options).prepare();
        Map<Path, FileTime> classes = classFileTimes(workspace);

        RunSummary s = new SelfTestRun(SelfTestOptions.builder(workspace).shards(3).workers(3).prepare(false)
                .reportDir(tmp.resolve("report")).history(tmp.resolve("history.jsonl")).build()).run(RunListener.NONE);

        assertThat(s.shards()).hasSize(3);
        assertThat(s.shards()).as(s.problems().toString()).allSatisfy(shard ->
                assertThat(shard.outcome()).isIn(ShardOutcome.OK, ShardOutcome.FAILED));
        assertThat(s.tests().total()).as(() -> shardLogs(s, tmp.resolve("report"))).isEqualTo(reference.tests().total());
        assertThat(s.tests().failed() + s.tests().errors()).isEqualTo(reference.tests().failed() + reference.tests().errors());
        assertThat(s.tests().skipped()).isEqualTo(reference.tests().skipped());
        assertThat(s.tests().passed()).isEqualTo(reference.tests().passed());
        assertThat(s.tests().cases()).filteredOn(c -> c.className().endsWith("BuildSettingsTest"))
                .hasSize(3).extracting(TestCaseResult::status).containsOnly(TestStatus.PASSED);
        assertThat(s.coverage().line().ratio() * 100).isCloseTo(reference.line().ratio() * 100, within(0.1));
        assertThat(s.coverage().branch().ratio() * 100).isCloseTo(reference.branch().ratio() * 100, within(0.1));
        assertThat(s.coverage().line().total()).isEqualTo(reference.line().total());
        assertThat(s.orphans().orphans()).extracting(Orphan::className)
                .contains("org.example.reactor.money.rates.RateFeed", "org.example.reactor.report.CsvExport");
        assertThat(classFileTimes(workspace)).as("shards compile nothing and leave the compiler's state alone").isEqualTo(classes);
        // a test uses the JDK's HTTP client: plain prepare-agent instruments it, the shards' agents leave the JDK alone
        assertThat(execClasses(shared.resolve("reference.exec"))).anyMatch(c -> c.startsWith("java/net/http/"));
        List<String> measured = new ArrayList<>();
        for (int i = 0; i < s.shards().size(); i++) {
            Path exec = ShardDirectory.of(tmp.resolve("report"), i).reports().resolve("jacoco-" + i + ".exec");
            measured.addAll(execClasses(exec));
        }
        assertThat(measured).contains("org/example/reactor/money/Money", "org/example/reactor/ledger/Ledger")
                .noneMatch(c -> c.startsWith("java/") || c.startsWith("jdk/") || c.startsWith("sun/"));
        // and the test frameworks: plain prepare-agent instruments JUnit and Surefire too, the shards' agents only
        // the packages whose coverage is reported (with the same figures, above)
        assertThat(execClasses(shared.resolve("reference.exec"))).anyMatch(c -> c.startsWith("org/junit/"))
                .anyMatch(c -> c.startsWith("org/apache/maven/surefire/"));
        assertThat(measured).allMatch(c -> c.startsWith("org/example/reactor/"));
    }

    /** The names of the classes an exec file has execution data of. */
    static List<String> execClasses(Path exec) throws IOException {
        org.jacoco.core.tools.ExecFileLoader loader = new org.jacoco.core.tools.ExecFileLoader();
        loader.load(exec.toFile());
        return loader.getExecutionDataStore().getContents().stream().map(org.jacoco.core.data.ExecutionData::getName).toList();
    }

    @Test
    void podmanShardsOfAReactorRunOfflineAndGiveTheSameCounts(@TempDir Path tmp) throws Exception {
        Containers.assumePodman();
        String runId = "it-" + UUID.randomUUID().toString().substring(0, 8);
        RunSummary s = new SelfTestRun(SelfTestOptions.builder(workspace).shards(2).workers(2).useContainer(true)
                .runId(runId).args(List.of("-Pstrict", "-Dexpected.mode=strict"))
                .reportDir(tmp.resolve("report")).history(tmp.resolve("history.jsonl")).build()).run(RunListener.NONE);

        assertThat(s.mode()).startsWith("podman containers");
        assertThat(s.containerFailures()).as(s.problems().toString()).isZero();
        assertThat(s.tests().total()).isEqualTo(reference.tests().total());
        assertThat(s.tests().failed() + s.tests().errors()).isEqualTo(reference.tests().failed() + reference.tests().errors());
        assertThat(s.tests().skipped()).isEqualTo(reference.tests().skipped());
        assertThat(s.coverage().line().ratio() * 100).isCloseTo(reference.line().ratio() * 100, within(0.1));
        assertThat(Containers.ofRun(runId)).isEmpty();
    }

    @Test
    void buildArgumentsReachTheShardsProfilesAndProperties(@TempDir Path tmp) throws Exception {
        SelfTestOptions.Builder b = SelfTestOptions.builder(workspace).shards(1).workers(1).coverage(false)
                .filter(new io.jenkins.plugins.selftest.engine.shard.TestFilter(List.of("*BuildSettingsTest"), List.of()))
                .reportDir(tmp.resolve("report"));
        // the test expects the mode the property names: only the profile -Pstrict sets it so
        RunSummary withProfile = new SelfTestRun(b.args(List.of("-Pstrict", "-Dexpected.mode=strict")).build()).run(RunListener.NONE);
        RunSummary withoutProfile = new SelfTestRun(b.args(List.of("-Dexpected.mode=strict")).build()).run(RunListener.NONE);

        assertThat(withProfile.tests().total()).isEqualTo(3);
        assertThat(withProfile.allPassed()).as(withProfile.problems().toString()).isTrue();
        assertThat(withoutProfile.tests().failures()).singleElement()
                .satisfies(c -> assertThat(c.name()).startsWith("modeIsTheBuildsOwn"));
    }

    /**
     * A shard whose class list is longer than Linux lets one argument be (128 KiB, about 2,500 classes of a large
     * reactor) starts, and real Maven runs exactly its classes: the list reaches Surefire from a file, never from a
     * command line. Its reports directory has a blank in its path, which MAVEN_OPTS cannot carry.
     */
    @Test
    void aShardWithMoreClassesThanOneArgumentCanHoldRunsExactlyThem(@TempDir Path tmp) throws Exception {
        List<String> tests = new ArrayList<>(List.of("org.example.reactor.money.MoneyTest", "org.example.reactor.ledger.LedgerTest"));
        for (int i = 0; tests.size() < 4_000; i++) {
            tests.add("org.example.reactor.generated.area" + i % 40 + ".scenarios.NotInThisReactor" + i + "IntegrationTest");
        }
        assertThat(String.join(",", tests).length()).as("longer than one argument may be").isGreaterThan(128 * 1024);
        Path reports = tmp.resolve("shard 0/reports");
        Path testsFile = Files.write(Files.createDirectories(reports.getParent()).resolve("tests.txt"), tests);
        String script = Framework.MAVEN.script(workspace, tests, null, null, false, List.of(), List.of());
        Process p = FrameworkTest.shardScript(workspace, script, reports, testsFile).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("shard.log").toFile()).start();

        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(tmp.resolve("shard.log"));
        assertThat(p.exitValue()).as(log).isZero();
        try (Stream<Path> files = Files.list(reports)) {
            assertThat(files.map(f -> f.getFileName().toString())).as(log).containsExactlyInAnyOrder(
                    "TEST-org.example.reactor.money.MoneyTest.xml", "TEST-org.example.reactor.ledger.LedgerTest.xml");
        }
        TestSuiteResult ran = JUnitParser.parse(List.of(reports));
        assertThat(ran.total()).isEqualTo(reference.tests().cases().stream()
                .filter(c -> c.className().endsWith(".MoneyTest") || c.className().endsWith(".LedgerTest")).count());
    }

    /** The problems and each shard's Maven lines that say what ran, for a failure's message. */
    static String shardLogs(RunSummary s, Path report) {
        StringBuilder b = new StringBuilder("problems: " + s.problems());
        for (int i = 0; i < s.shards().size(); i++) {
            Path log = ShardDirectory.of(report, i).log();
            b.append("\n--- shard ").append(i).append(": ").append(s.shards().get(i).tests());
            try (Stream<String> lines = Files.lines(log)) {
                lines.filter(l -> l.contains("Tests run") || l.contains("compil") || l.contains("Compil")
                        || l.contains("ERROR") || l.contains("BUILD") || l.startsWith("[INFO] ---")).forEach(l -> b.append("\n").append(l));
            } catch (IOException | java.io.UncheckedIOException e) {
                b.append("\n(no log: ").append(e.getMessage()).append(")");
            }
        }
        return b.toString();
    }

    /**
     * What shards sharing a workspace must never write: class files, and the compiler's incremental state
     * ({@code target/maven-status}), which concurrent shards would read half-written and take for changed sources.
     */
    static Map<Path, FileTime> classFileTimes(Path root) throws IOException {
        Map<Path, FileTime> times = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class")
                    || p.toString().contains("maven-status") && Files.isRegularFile(p))::iterator) {
                times.put(root.relativize(f), Files.getLastModifiedTime(f));
            }
        }
        assertThat(times).isNotEmpty();
        assertThat(times.keySet()).anyMatch(p -> p.toString().endsWith("inputFiles.lst"));
        return times;
    }

    /** Copies a fixture project, leaving out anything built. */
    static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path rel = from.relativize(f);
                if (rel.toString().contains("target")) {
                    continue;
                }
                Path dest = to.resolve(rel.toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(f, dest);
                }
            }
        }
        return to;
    }

    /** The host's {@code mvn} (the fixture has no wrapper), output to a log; fails the test when Maven does. */
    static void mvn(Path dir, Path log, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("mvn", "-B"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("mvn %s within 10 minutes", command).isTrue();
        assertThat(p.exitValue()).as("mvn %s; see %s", command, log).isZero();
    }
}
