package io.jenkins.plugins.selftest.bench;

import io.jenkins.plugins.selftest.engine.coverage.CoverageAggregator;
import io.jenkins.plugins.selftest.engine.coverage.CoverageInput;
import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.coverage.PythonCoverage;
import io.jenkins.plugins.selftest.engine.coverage.PythonSources;
import io.jenkins.plugins.selftest.engine.history.RunHistory;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.history.TrendSeries;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.junit.JUnitParser;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.process.LaunchSpec;
import io.jenkins.plugins.selftest.engine.process.LaunchedProcess;
import io.jenkins.plugins.selftest.engine.process.ProcessLauncher;
import io.jenkins.plugins.selftest.engine.process.Signal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.jacoco.core.data.ExecutionDataStore;
import org.jacoco.core.data.ExecutionDataWriter;
import org.jacoco.core.data.SessionInfoStore;
import org.jacoco.core.instr.Instrumenter;
import org.jacoco.core.runtime.IRuntime;
import org.jacoco.core.runtime.LoggerRuntime;
import org.jacoco.core.runtime.RuntimeData;

/**
 * Coverage aggregation against JaCoCo's own CLI, on the same exec and class files in the same run.
 *
 * <p>Input: the classes of the engine and of Jackson (taken from this benchmark's jar, about a thousand classes),
 * and one exec file recorded by running an engine workload (JUnit parsing, JSON, history) with those classes
 * instrumented by jacoco-core's runtime in this JVM. Then, best of {@link #RUNS} each:
 * (interleaved) {@code coverage_ms} is {@link CoverageAggregator#aggregate} writing the HTML and XML reports (in this JVM, warm
 * after the first run: {@code coverage_first_ms} is the first, cold one); {@code jacoco_cli_ms} is
 * {@code java -jar jacococli.jar report <exec> --classfiles <dir> --html <dir> --xml <file>} as a separate
 * process, the way a build runs it (JVM start included); {@code coverage_fresh_process_ms} is ours the same way: a
 * fresh JVM ({@code CoverageBench once}) with the JVM flags of the {@code selftest} launcher doing its first, cold
 * aggregation, JVM start included, against the CLI's median ({@code coverage_fresh_ratio}, the figure to compare);
 * {@code coverage_fresh_jvm_defaults_ms} is the same with the JVM's default flags.
 */
public final class CoverageBench {

    static final int RUNS = 5;
    private static final List<String> MEASURED = List.of("io/jenkins/plugins/selftest/engine/", "com/fasterxml/jackson/");

    private CoverageBench() {
    }

    /**
     * {@code java -cp bench.jar io.jenkins.plugins.selftest.bench.CoverageBench [workDir]} prints the figures;
     * {@code ... CoverageBench once <workDir>} aggregates the inputs a previous run left in {@code workDir} once, in
     * this fresh JVM, to compare a cold aggregation with the CLI (for example under {@code /usr/bin/time});
     * {@code ... CoverageBench python-once <dir>} combines the coverage.py reports {@code coverage-*.json} in
     * {@code dir} once, in this fresh JVM (two generated ones are written there first when it has none).
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("once")) {
            Path work = Path.of(args[1]);
            long t0 = System.nanoTime();
            CoverageAggregator.aggregate(new CoverageInput(List.of(work.resolve("bench.exec")), List.of(work.resolve("classes")),
                    List.of()), Optional.of(work.resolve("once")));
            System.out.println("{\"coverage_once_ms\":" + millis(t0) + "}"); // no Jackson: nothing but the aggregation
            return;
        }
        if (args.length == 2 && args[0].equals("python-once")) {
            // coverage.py's reports (coverage-*.json) in the directory, combined once in this fresh JVM, as a pytest
            // run's end does (without its HTML report): what reading them costs a cold command line
            Path work = Files.createDirectories(Path.of(args[1]));
            List<Path> data = pythonReports(work);
            if (data.isEmpty()) {
                writePythonReports(work);
                data = pythonReports(work);
            }
            long t0 = System.nanoTime();
            var summary = PythonCoverage.aggregate(data, work, PythonSources.detect(work, List.of()), Optional.empty());
            System.out.println("{\"python_coverage_once_ms\":" + millis(t0) + ",\"reports\":" + data.size()
                    + ",\"lines_covered\":" + summary.line().covered() + ",\"classes_loaded\":"
                    + java.lang.management.ManagementFactory.getClassLoadingMXBean().getLoadedClassCount() + "}");
            return;
        }
        Path work = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("coverage-bench");
        System.out.println(Json.write(run(work)));
    }

    public static Map<String, Object> run(Path workDir) throws Exception {
        Path jar = ownJar();
        Path classes = workDir.resolve("classes");
        int classCount = extractClasses(jar, classes);
        Path exec = record(jar, workDir.resolve("workload"), workDir.resolve("bench.exec"));
        Path cli = jar.getParent().resolve("lib").resolve("jacococli.jar");
        if (!Files.isRegularFile(cli)) {
            throw new IOException(cli + " is missing - build the benchmark with ./mvnw -pl bench -am package");
        }

        // interleaved, so that load from other processes on the machine hits both sides alike
        List<Long> ours = new ArrayList<>();
        List<Long> theirs = new ArrayList<>();
        List<Long> oursFresh = new ArrayList<>();
        List<Long> oursFreshDefaults = new ArrayList<>();
        CoverageSummary summary = null;
        for (int i = 0; i < RUNS; i++) {
            // ours the way the CLI and an agent meet it: a fresh JVM, its first aggregation, JVM start included
            long t = System.nanoTime();
            once(jar, workDir, CliLauncher.defaultJavaOpts(), workDir.resolve("once-" + i + ".log"));
            oursFresh.add(millis(t));
            t = System.nanoTime();
            once(jar, workDir, List.of(), workDir.resolve("once-defaults-" + i + ".log"));
            oursFreshDefaults.add(millis(t));

            Path out = workDir.resolve("ours-" + i);
            long t0 = System.nanoTime();
            summary = CoverageAggregator.aggregate(new CoverageInput(List.of(exec), List.of(classes), List.of()), Optional.of(out));
            ours.add(millis(t0));

            Path cliOut = workDir.resolve("cli-" + i);
            t0 = System.nanoTime();
            jacocoCli(cli, exec, classes, cliOut, workDir.resolve("cli-" + i + ".log"));
            theirs.add(millis(t0));
        }

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("coverage_ms", ours.stream().min(Comparator.naturalOrder()).orElseThrow());
        figures.put("coverage_first_ms", ours.get(0));
        figures.put("jacoco_cli_ms", theirs.stream().min(Comparator.naturalOrder()).orElseThrow());
        figures.put("coverage_ratio", Math.round(1000.0 * ours.stream().min(Comparator.naturalOrder()).orElseThrow()
                / theirs.stream().min(Comparator.naturalOrder()).orElseThrow()) / 1000.0);
        long freshMedian = oursFresh.stream().sorted().toList().get(RUNS / 2);
        long cliMedian = theirs.stream().sorted().toList().get(RUNS / 2);
        figures.put("coverage_fresh_process_ms", freshMedian);
        figures.put("jacoco_cli_median_ms", cliMedian);
        figures.put("coverage_fresh_ratio", Math.round(1000.0 * freshMedian / cliMedian) / 1000.0);
        figures.put("coverage_fresh_all_ms", oursFresh);
        figures.put("coverage_fresh_jvm_defaults_ms", oursFreshDefaults.stream().sorted().toList().get(RUNS / 2));
        figures.put("coverage_fresh_jvm_defaults_all_ms", oursFreshDefaults);
        figures.put("coverage_classes", classCount);
        figures.put("coverage_line_ratio", Math.round(summary.line().ratio() * 1000) / 1000.0);
        figures.put("coverage_runs", RUNS);
        figures.put("coverage_all_ms", ours);
        figures.put("jacoco_cli_all_ms", theirs);
        return figures;
    }

    private static long millis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** The coverage.py reports in {@code dir} ({@code coverage-*.json}), by name. */
    private static List<Path> pythonReports(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("coverage-.*\\.json")).sorted().toList();
        }
    }

    /**
     * Two coverage.py 7.4 JSON reports (two shards, fixed seed) of 300 modules of 40-400 statements each, a quarter to a
     * third of them missed, a third of the lines with a branch: the size of a mid-sized project's.
     */
    private static void writePythonReports(Path dir) throws IOException {
        java.util.Random random = new java.util.Random(7);
        for (int shard = 0; shard < 2; shard++) {
            Map<String, Object> files = new LinkedHashMap<>();
            for (int i = 0; i < 300; i++) {
                int statements = 40 + random.nextInt(361);
                List<Integer> executed = new ArrayList<>();
                List<Integer> missing = new ArrayList<>();
                for (int line = 1; line <= statements; line++) {
                    (random.nextDouble() < (shard == 0 ? 0.25 : 0.35) ? missing : executed).add(line);
                }
                List<List<Integer>> missedArcs = missing.subList(0, missing.size() / 3).stream().map(l -> List.of(l, l + 2)).toList();
                List<List<Integer>> takenArcs = executed.subList(0, executed.size() / 3).stream().map(l -> List.of(l, l + 1)).toList();
                Map<String, Object> summary = new LinkedHashMap<>();
                summary.put("covered_lines", executed.size());
                summary.put("num_statements", statements);
                summary.put("missing_lines", missing.size());
                summary.put("num_branches", missedArcs.size() + takenArcs.size());
                summary.put("covered_branches", takenArcs.size());
                summary.put("missing_branches", missedArcs.size());
                Map<String, Object> file = new LinkedHashMap<>();
                file.put("executed_lines", executed);
                file.put("summary", summary);
                file.put("missing_lines", missing);
                file.put("excluded_lines", List.of());
                file.put("executed_branches", takenArcs);
                file.put("missing_branches", missedArcs);
                files.put("src/pkg" + (i % 12) + "/mod" + i + ".py", file);
            }
            Files.writeString(dir.resolve("coverage-" + shard + ".json"), Json.write(Map.of(
                    "meta", Map.of("version", "7.4.0", "branch_coverage", true), "files", files)));
        }
    }

    /** {@code CoverageBench once workDir} in a JVM of its own with those flags: one cold aggregation, JVM start included. */
    private static void once(Path jar, Path workDir, List<String> jvmFlags, Path log) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> argv = new ArrayList<>(List.of(java.toString()));
        argv.addAll(jvmFlags);
        argv.addAll(List.of("-cp", jar.toString(), CoverageBench.class.getName(), "once", workDir.toString()));
        LaunchedProcess p = ProcessLauncher.start(LaunchSpec.argv(argv)
                .output(new LaunchSpec.Output.ToFile(log, false)).build());
        if (!p.process().waitFor(10, TimeUnit.MINUTES) || p.process().exitValue() != 0) {
            p.stop(Signal.KILL, Duration.ofSeconds(2));
            throw new IOException("the fresh-process aggregation failed, see " + log);
        }
    }

    private static void jacocoCli(Path cli, Path exec, Path classes, Path out, Path log) throws Exception {
        Files.createDirectories(out);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        LaunchedProcess p = ProcessLauncher.start(LaunchSpec.argv(java.toString(), "-jar", cli.toString(), "report",
                exec.toString(), "--classfiles", classes.toString(), "--html", out.resolve("html").toString(),
                "--xml", out.resolve("jacoco.xml").toString(), "--quiet")
                .output(new LaunchSpec.Output.ToFile(log, false)).build());
        if (!p.process().waitFor(10, TimeUnit.MINUTES)) {
            p.stop(Signal.KILL, Duration.ofSeconds(2));
            throw new IOException("JaCoCo's CLI did not finish in 10 minutes, see " + log);
        }
        if (p.process().exitValue() != 0) {
            throw new IOException("JaCoCo's CLI failed with exit code " + p.process().exitValue() + ": " + Files.readString(log));
        }
    }

    static Path ownJar() throws IOException {
        try {
            Path location = Path.of(CoverageBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(location)) {
                throw new IOException("the coverage benchmark runs from bench/target/bench.jar, not from " + location);
            }
            return location;
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    private static boolean measured(String entry) {
        return entry.endsWith(".class") && !entry.startsWith("META-INF/") && MEASURED.stream().anyMatch(entry::startsWith);
    }

    private static int extractClasses(Path jar, Path target) throws IOException {
        int count = 0;
        try (JarFile jf = new JarFile(jar.toFile())) {
            for (ZipEntry e : jf.stream().filter(e -> measured(e.getName())).toList()) {
                Path to = target.resolve(e.getName());
                Files.createDirectories(to.getParent());
                try (InputStream in = jf.getInputStream(e)) {
                    Files.copy(in, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                count++;
            }
        }
        return count;
    }

    /** Runs {@link Workload} with the measured classes instrumented and writes what it covered. */
    private static Path record(Path jar, Path workloadDir, Path exec) throws Exception {
        IRuntime runtime = new LoggerRuntime();
        Instrumenter instrumenter = new Instrumenter(runtime);
        RuntimeData data = new RuntimeData();
        runtime.startup(data);
        try (JarFile jf = new JarFile(jar.toFile())) {
            Map<String, byte[]> classes = new HashMap<>();
            for (ZipEntry e : jf.stream().filter(e -> measured(e.getName())).toList()) {
                try (InputStream in = jf.getInputStream(e)) {
                    String name = e.getName().substring(0, e.getName().length() - ".class".length()).replace('/', '.');
                    classes.put(name, instrumenter.instrument(in.readAllBytes(), name));
                }
            }
            String workload = Workload.class.getName();
            try (InputStream in = jf.getInputStream(jf.getEntry(workload.replace('.', '/') + ".class"))) {
                classes.put(workload, in.readAllBytes());
            }
            ClassLoader loader = new ChildFirst(classes, CoverageBench.class.getClassLoader());
            loader.loadClass(workload).getMethod("run", Path.class).invoke(null, workloadDir);

            ExecutionDataStore store = new ExecutionDataStore();
            SessionInfoStore sessions = new SessionInfoStore();
            data.collect(store, sessions, false);
            try (OutputStream out = Files.newOutputStream(exec)) {
                ExecutionDataWriter writer = new ExecutionDataWriter(out);
                sessions.accept(writer);
                store.accept(writer);
            }
            return exec;
        } finally {
            runtime.shutdown();
        }
    }

    /** Defines the given classes itself (instrumented), everything else comes from the parent. */
    private static final class ChildFirst extends ClassLoader {
        private final Map<String, byte[]> classes;

        ChildFirst(Map<String, byte[]> classes, ClassLoader parent) {
            super(parent);
            this.classes = classes;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                byte[] b = c == null ? classes.get(name) : null;
                if (b != null) {
                    c = defineClass(name, b, 0, b.length);
                }
                return c != null ? c : super.loadClass(name, resolve);
            }
        }

        @Override
        public InputStream getResourceAsStream(String name) {
            return getParent().getResourceAsStream(name);
        }
    }

    /** What the recorded "test run" executes: engine code paths that also exercise Jackson. Public for reflection. */
    public static final class Workload {
        private Workload() {
        }

        public static void run(Path dir) throws IOException {
            Files.createDirectories(dir);
            StringBuilder xml = new StringBuilder("<testsuite name=\"bench.Suite\">");
            for (int i = 0; i < 200; i++) {
                xml.append("<testcase classname=\"bench.Class").append(i % 20).append("\" name=\"t").append(i)
                        .append("\" time=\"0.").append(i % 9 + 1).append("\">");
                if (i % 17 == 0) {
                    xml.append("<failure message=\"boom\">trace</failure><system-out>out</system-out>");
                } else if (i % 23 == 0) {
                    xml.append("<skipped/>");
                }
                xml.append("</testcase>");
            }
            Path report = Files.writeString(dir.resolve("TEST-bench.xml"), xml.append("</testsuite>").toString());
            TestSuiteResult tests = JUnitParser.parse(List.of(report));
            RunHistory history = RunHistory.load(dir.resolve("history.jsonl"));
            for (int i = 0; i < 20; i++) {
                history.append(RunRecord.builder("bench-" + i, Instant.EPOCH.plusSeconds(i))
                        .tests(tests.total(), tests.passed(), tests.failed(), tests.errors(), tests.skipped())
                        .coverage(Optional.of(0.5), Optional.of(0.4), Optional.empty())
                        .classDurations(tests.classDurations()).runtimeSeconds(i).build());
            }
            List<RunRecord> back = RunHistory.load(dir.resolve("history.jsonl")).records();
            Json.writeAtomically(dir.resolve("trend.json"), TrendSeries.of(back, 10));
            Json.read(Json.write(tests), TestSuiteResult.class);
        }
    }
}
