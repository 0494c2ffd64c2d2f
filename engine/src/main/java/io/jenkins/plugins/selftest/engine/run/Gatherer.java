package io.jenkins.plugins.selftest.engine.run;

import io.jenkins.plugins.selftest.engine.coverage.CoverageAggregator;
import io.jenkins.plugins.selftest.engine.coverage.CoverageInput;
import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.coverage.PythonCoverage;
import io.jenkins.plugins.selftest.engine.coverage.PythonSources;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.orphans.OrphanReport;
import io.jenkins.plugins.selftest.engine.orphans.OrphanScanner;
import io.jenkins.plugins.selftest.engine.orphans.PythonOrphanScanner;
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
