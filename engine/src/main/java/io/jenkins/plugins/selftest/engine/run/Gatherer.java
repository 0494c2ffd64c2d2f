package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.coverage.CoverageAggregator;
import io.jenkins.plugins.selftest.engine.coverage.CoverageInput;
import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.coverage.PythonCoverage;
import io.jenkins.plugins.selftest.engine.coverage.PythonSources;
import io.jenkins.plugins.selftest.engine.files.WorkspaceFiles;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.orphans.OrphanReport;
import io.jenkins.plugins.selftest.engine.orphans.OrphanScanner;
import io.jenkins.plugins.selftest.engine.orphans.PythonOrphanScanner;
import io.jenkins.plugins.selftest.engine.report.HtmlReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The merge stage: the shards' JUnit results into one, their JaCoCo exec files (and the options' extra ones) into one
 * coverage, analysed once, and the orphan scan of the main classes. Problems of each part are kept, never thrown:
 * a run whose coverage cannot be computed still has its test results.
 *
 * <p>With coverage off ({@link SelfTestOptions#coverage()}) the shards attach no agent, the summary has no coverage
 * and no JaCoCo report is written; exec files given anyway ({@link SelfTestOptions#extraExecFiles()}) are still read
 * when orphans are scanned, which tell covered from uncovered orphans by them.
 *
 * <p>For pytest the shards' coverage.py reports are combined instead ({@link PythonCoverage}) and the orphans are
 * modules no test file imports ({@link PythonOrphanScanner}), both under the same source roots
 * ({@link PythonSources}); without coverage, orphans are reported as not covered.
 */
final class Gatherer {

    /** How many of the project's class files the warm-up ({@link #warmUp}) analyses. */
    static final int WARM_UP_CLASSES = 32;

    private final SelfTestOptions options;
    private final String runId;

    Gatherer(SelfTestOptions options, String runId) {
        this.options = options;
        this.runId = runId;
    }

    /** Merges {@code shards} into the run's summary (not yet written anywhere). */
    RunSummary gather(List<FinishedShard> shards, Instant startedAt, double runtimeSeconds, String mode,
                      int extraContainerFailures, List<String> extraProblems) throws IOException {
        List<FinishedShard> sorted = shards.stream().sorted(Comparator.comparingInt(s -> s.result().index())).toList();
        List<ShardResult> results = sorted.stream().map(FinishedShard::result).toList();
        List<String> problems = new ArrayList<>(extraProblems);
        results.forEach(s -> problems.addAll(s.problems()));
        TestSuiteResult tests = TestSuiteResult.merge(sorted.stream().map(s -> s.reports().tests()).toList());
        Files.createDirectories(options.reportDir());
        CoverageSummary coverage;
        OrphanReport orphans;
        if (options.framework() == Framework.PYTEST) {
            PythonSources sources = pythonSources(problems);
            coverage = pythonCoverage(sorted, sources, problems);
            orphans = pythonOrphans(sources, coverage, problems);
        } else {
            List<Path> mainDirs = options.mainClassDirs().stream().filter(Files::isDirectory).toList();
            coverage = coverage(sorted, mainDirs, problems);
            orphans = orphans(mainDirs, coverage, problems);
        }
        int failures = extraContainerFailures + results.stream().mapToInt(ShardResult::containerFailures).sum();
        int timeouts = results.stream().mapToInt(ShardResult::containerTimeouts).sum();
        return RunSummary.of(runId, startedAt, runtimeSeconds, mode, results, tests,
                options.coverage() ? coverage : CoverageSummary.NO_COVERAGE, orphans, failures, timeouts,
                options.reportDir().toString(), problems);
    }

    /**
     * Runs the gathering's coverage analysis and reports once, on a few of the project's class files and into a
     * directory of their own that is deleted afterwards, on a thread of its own while the shards run. In a fresh JVM
     * (the command line's) the first analysis loads and compiles JaCoCo's, ASM's and the reports' code: about 0.2 s
     * that came after the last shard, before the run could end. Nothing of it is kept, and a failure is left to the
     * gathering to meet again. It runs while the build tools start, which leave a core idle for a few seconds (a
     * Maven start is mostly one thread): on two cores and two test processes the run's end took 0.25-0.29 s after the
     * last shard instead of 0.42-0.44 s. Not started where the local test processes outnumber the cores.
     *
     * @param units the run's local test processes (shards times their workers), 0 when its shards run elsewhere
     * @return the thread of the warm-up, when one was started
     */
    static Optional<Thread> warmUp(SelfTestOptions options, int units) {
        if (!options.coverage() || options.framework() == Framework.PYTEST
                || units > Runtime.getRuntime().availableProcessors()) {
            return Optional.empty();
        }
        Thread thread = new Thread(() -> {
            try {
                warmUpNow(options.mainClassDirs());
            } catch (Exception | LinkageError e) {
                // only a warm-up: the gathering reads the same files and loads the same code, and says what is wrong
                // (left to the thread's default handler, this would print a stack trace into the run's output)
            }
        }, "selftest-warm-up");
        thread.setDaemon(true);
        thread.start();
        return Optional.of(thread);
    }

    /** The warm-up itself; returns how many class files it analysed. */
    static int warmUpNow(List<Path> mainDirs) throws IOException {
        Path dir = Files.createTempDirectory("selftest-warm-up");
        try {
            Path classes = dir.resolve("classes");
            int copied = 0;
            for (Path main : mainDirs.stream().filter(Files::isDirectory).toList()) {
                List<Path> files;
                try (Stream<Path> walk = Files.walk(main)) {
                    files = walk.filter(f -> f.toString().endsWith(".class") && Files.isRegularFile(f))
                            .limit(WARM_UP_CLASSES - copied).toList();
                }
                for (Path f : files) {
                    Path to = classes.resolve(main.relativize(f).toString());
                    Files.createDirectories(to.getParent());
                    Files.copy(f, to);
                }
                copied += files.size();
                if (copied >= WARM_UP_CLASSES) {
                    break;
                }
            }
            if (copied > 0) {
                Path report = dir.resolve("report");
                CoverageAggregator.aggregate(new CoverageInput(List.of(), List.of(classes), List.of()), Optional.of(report));
                HtmlReport.write(List.of(), Optional.empty(), report);
            }
            return copied;
        } finally {
            WorkspaceFiles.deleteTree(dir);
        }
    }

    private CoverageSummary coverage(List<FinishedShard> shards, List<Path> mainDirs, List<String> problems) {
        List<Path> execs = Stream.concat(shards.stream().flatMap(s -> s.reports().execFiles().stream()),
                options.extraExecFiles().stream().filter(Files::isRegularFile)).toList();
        boolean wanted = options.coverage() || options.orphans().enabled();
        if (!wanted || execs.isEmpty() || mainDirs.isEmpty()) {
            return CoverageSummary.NO_COVERAGE;
        }
        try {
            CoverageSummary coverage = CoverageAggregator.aggregate(new CoverageInput(execs, mainDirs,
                            options.sourceDirs().stream().filter(Files::isDirectory).toList()),
                    options.coverage() ? Optional.of(options.reportDir()) : Optional.empty());
            if (options.coverage()) {
                problems.addAll(coverage.warnings());
            }
            return coverage;
        } catch (IOException | RuntimeException e) {
            if (options.coverage()) {
                problems.add("coverage could not be computed: " + e.getMessage());
            }
            return CoverageSummary.NO_COVERAGE;
        }
    }

    private PythonSources pythonSources(List<String> problems) {
        try {
            return PythonSources.detect(options.workspace(), options.sourceDirs());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return new PythonSources(List.of(), List.of());
        }
    }

    /** The pytest shards' coverage.py reports combined once ({@link PythonCoverage}); orphans use it too. */
    private CoverageSummary pythonCoverage(List<FinishedShard> shards, PythonSources sources, List<String> problems) {
        if (!options.coverage()) {
            return CoverageSummary.NO_COVERAGE;
        }
        shards.forEach(s -> problems.addAll(s.reports().coverageProblems()));
        List<Path> data = shards.stream().flatMap(s -> s.reports().coverageData().stream()).toList();
        if (data.isEmpty()) {
            if (shards.stream().allMatch(s -> s.reports().coverageProblems().isEmpty())) {
                problems.add("coverage: no pytest shard left coverage data (" + PythonCoverage.DATA_PREFIX
                        + "*.json); see the shard logs");
            }
            return CoverageSummary.NO_COVERAGE;
        }
        try {
            CoverageSummary coverage = PythonCoverage.aggregate(data, options.workspace(), sources,
                    Optional.of(options.reportDir()));
            problems.addAll(coverage.warnings());
            return coverage;
        } catch (IOException | RuntimeException e) {
            problems.add("coverage could not be computed: " + e.getMessage());
            return CoverageSummary.NO_COVERAGE;
        }
    }

    private OrphanReport pythonOrphans(PythonSources sources, CoverageSummary coverage, List<String> problems) {
        if (!options.orphans().enabled()) {
            return OrphanReport.NONE;
        }
        try {
            OrphanReport orphans = PythonOrphanScanner.scan(options.workspace(), sources, options.orphans(), coverage);
            OrphanScanner.write(orphans, options.reportDir());
            problems.addAll(orphans.problems());
            return orphans;
        } catch (IOException | RuntimeException e) {
            problems.add("orphan modules could not be scanned: " + e.getMessage());
            return OrphanReport.NONE;
        }
    }

    private OrphanReport orphans(List<Path> mainDirs, CoverageSummary coverage, List<String> problems) {
        if (!options.orphans().enabled() || mainDirs.isEmpty()) {
            return OrphanReport.NONE;
        }
        try {
            OrphanReport orphans = OrphanScanner.scan(mainDirs,
                    options.testClassDirs().stream().filter(Files::isDirectory).toList(), options.orphans(), coverage);
            OrphanScanner.write(orphans, options.reportDir());
            problems.addAll(orphans.problems());
            return orphans;
        } catch (IOException | RuntimeException e) {
            problems.add("orphans could not be scanned: " + e.getMessage());
            return OrphanReport.NONE;
        }
    }
}
