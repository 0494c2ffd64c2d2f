package io.jenkins.plugins.selftest.restapi;

import io.jenkins.plugins.selftest.engine.coverage.Counter;
import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.coverage.PackageCoverage;
import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.history.ShardRecord;
import io.jenkins.plugins.selftest.engine.junit.TestCaseResult;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.orphans.Orphan;
import io.jenkins.plugins.selftest.engine.orphans.OrphanReport;
import io.jenkins.plugins.selftest.engine.report.HtmlReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The REST API's view of a self-test result ({@code .../selfTest/api/json}): maps and lists of strings, numbers and
 * booleans only, because Stapler's exporter writes those as they are and knows nothing of the engine's records.
 * Absent figures (coverage not measured, no previous build) are {@code null}. Stateless.
 */
public final class ResultsModel {

    private ResultsModel() {
    }

    /** Counts, runtime, coverage ratios (0-1) with the change in line coverage against {@code previous}, orphans. */
    public static Map<String, Object> summary(RunRecord r, Optional<RunRecord> previous) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runId", r.runId());
        m.put("startedAt", r.startedAt().toString());
        m.put("runtimeSeconds", r.runtimeSeconds());
        m.put("complete", r.complete());
        m.put("total", r.total());
        m.put("passed", r.passed());
        m.put("failed", r.failed());
        m.put("errors", r.errors());
        m.put("skipped", r.skipped());
        m.put("lineCoverage", r.lineCoverage().orElse(null));
        m.put("instructionCoverage", r.instructionCoverage().orElse(null));
        m.put("branchCoverage", r.branchCoverage().orElse(null));
        m.put("lineCoverageChange", lineCoverageChange(r, previous).orElse(null));
        m.put("orphans", r.orphanTotal());
        m.put("orphansCovered", r.orphanCovered());
        m.put("orphansUncovered", r.orphanUncovered());
        m.put("containerFailures", r.containerFailures());
        m.put("containerTimeouts", r.containerTimeouts());
        return m;
    }

    /** The change of the line coverage ratio against {@code previous}; empty unless both measured it. */
    public static Optional<Double> lineCoverageChange(RunRecord r, Optional<RunRecord> previous) {
        return r.lineCoverage().flatMap(now -> previous.flatMap(RunRecord::lineCoverage).map(before -> now - before));
    }

    public static List<Map<String, Object>> shards(RunRecord r) {
        return r.shards().stream().map(ResultsModel::shard).toList();
    }

    private static Map<String, Object> shard(ShardRecord s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", s.index());
        m.put("tests", s.tests());
        m.put("passed", s.passed());
        m.put("failed", s.failed());
        m.put("skipped", s.skipped());
        m.put("runtimeSeconds", s.runtimeSeconds());
        m.put("outcome", s.outcome().label());
        return m;
    }

    /**
     * Failed and errored tests with their messages, as bounded as on the page ({@link HtmlReport#forPage}: at most
     * {@value HtmlReport#MAX_LISTED_CASES}, stack traces cut at 16 KiB).
     */
    public static List<Map<String, Object>> failures(RunDetails details) {
        return HtmlReport.forPage(details).tests().cases().stream()
                .filter(TestCaseResult::isFailure)
                .map(ResultsModel::failure)
                .toList();
    }

    private static Map<String, Object> failure(TestCaseResult c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("className", c.className());
        m.put("name", c.name());
        m.put("status", c.status().name());
        m.put("durationSeconds", c.durationSeconds());
        m.put("message", c.message().orElse(null));
        m.put("details", c.details().orElse(null));
        m.put("reportFile", c.reportFile());
        return m;
    }

    /**
     * A test's report file as pages and the API show it, never a path of the agent: relative to the run's report
     * directory ({@code <workspace>@tmp/selftest-<run>/}, archived as {@code artifact/selftest/}), e.g.
     * {@code shards/shard-0/reports/TEST-com.example.FooTest.xml}; a file elsewhere by its name. Windows paths too.
     */
    public static String reportFile(String path) {
        String p = path.replace('\\', '/');
        int tmp = p.lastIndexOf(REPORT_DIR_MARK);
        if (tmp >= 0) {
            int end = p.indexOf('/', tmp + REPORT_DIR_MARK.length());
            if (end >= 0 && end + 1 < p.length()) {
                return p.substring(end + 1);
            }
        }
        int shards = p.lastIndexOf("/shards/shard-");
        if (shards >= 0) {
            return p.substring(shards + 1);
        }
        boolean absolute = p.startsWith("/") || p.matches("[A-Za-z]:/.*");
        return absolute ? p.substring(p.lastIndexOf('/') + 1) : p;
    }

    /** Where the plugin's report directories are on an agent: {@code <workspace>@tmp/selftest-<run>/}. */
    private static final String REPORT_DIR_MARK = "@tmp/selftest-";

    /** {@code details} with every test's {@link #reportFile(String)}; the same object when nothing changes. */
    public static RunDetails withRelativeReportFiles(RunDetails details) {
        if (details.tests() == null || details.tests().cases().stream()
                .allMatch(c -> c.reportFile().equals(reportFile(c.reportFile())))) {
            return details;
        }
        List<TestCaseResult> cases = details.tests().cases().stream()
                .map(c -> new TestCaseResult(c.className(), c.name(), c.durationSeconds(), c.status(), c.flaky(),
                        c.message(), c.details(), c.systemOut(), reportFile(c.reportFile())))
                .toList();
        return new RunDetails(details.record(),
                new TestSuiteResult(cases, details.tests().problems(), details.tests().detailsDropped()),
                details.coverage(), details.orphans());
    }

    /**
     * Totals and one entry per package; {@code measured} is false when the run measured no coverage; {@code language}
     * is {@code java} (JaCoCo) or {@code python} (coverage.py: lines, branches and modules as {@code clazz}).
     */
    public static Map<String, Object> coverage(CoverageSummary c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("measured", !c.isEmpty());
        m.put("language", c.language());
        m.putAll(counters(c.instruction(), c.line(), c.branch(), c.method(), c.clazz()));
        m.put("packages", c.packages().stream().map(ResultsModel::packageCoverage).toList());
        m.put("warnings", c.warnings());
        return m;
    }

    private static Map<String, Object> packageCoverage(PackageCoverage p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.putAll(counters(p.instruction(), p.line(), p.branch(), p.method(), p.clazz()));
        return m;
    }

    private static Map<String, Object> counters(Counter instruction, Counter line, Counter branch, Counter method,
                                                Counter clazz) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("instruction", counter(instruction));
        m.put("line", counter(line));
        m.put("branch", counter(branch));
        m.put("method", counter(method));
        m.put("class", counter(clazz));
        return m;
    }

    private static Map<String, Object> counter(Counter c) {
        Map<String, Object> m = new LinkedHashMap<>();
        long total = c.covered() + c.missed();
        m.put("covered", c.covered());
        m.put("missed", c.missed());
        m.put("ratio", total == 0 ? null : (double) c.covered() / total);
        return m;
    }

    public static Map<String, Object> orphans(OrphanReport o, RunRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total", r.orphanTotal());
        m.put("covered", r.orphanCovered());
        m.put("uncovered", r.orphanUncovered());
        m.put("classes", o.orphans().stream().map(ResultsModel::orphan).toList());
        m.put("problems", o.problems());
        return m;
    }

    private static Map<String, Object> orphan(Orphan o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("className", o.className());
        m.put("viaOrphan", o.viaOrphan());
        m.put("covered", o.covered());
        return m;
    }
}
