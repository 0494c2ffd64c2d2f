package io.jenkins.plugins.selftest.engine.report;

import io.jenkins.plugins.selftest.engine.coverage.Counter;
import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.coverage.PackageCoverage;
import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.history.ShardRecord;
import io.jenkins.plugins.selftest.engine.junit.TestCaseResult;
import io.jenkins.plugins.selftest.engine.junit.TestStatus;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.orphans.Orphan;
import io.jenkins.plugins.selftest.engine.orphans.OrphanReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Report inputs: a long history and a last run full of hostile texts. */
final class ReportSamples {

    static final String HOSTILE_NAME = "<script>alert(1)</script>";
    static final String HOSTILE_CLASS = "com.example.\"Quoted\"'Single'";
    static final String HOSTILE_MESSAGE = "<img src=x onerror=\"document.title='XSS'\">";
    static final String HOSTILE_DETAILS = "</script><script>document.title='XSS2'</script> & more";

    private ReportSamples() {
    }

    static List<RunRecord> history(int runs) {
        List<RunRecord> records = new ArrayList<>();
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < runs; i++) {
            int failed = i % 7 == 0 ? 3 : i % 5 == 0 ? 1 : 0;
            int skipped = 2 + i % 3;
            int total = 120 + i / 4;
            Optional<Double> line = i % 23 == 0 ? Optional.empty() : Optional.of(0.55 + 0.3 * i / runs);
            records.add(RunRecord.builder("run-" + i, start.plusSeconds(3600L * i))
                    .runtimeSeconds(40 + 15 * Math.sin(i / 9.0) + i % 4)
                    .complete(i % 31 != 0)
                    .tests(total, total - failed - skipped, failed, 0, skipped)
                    .coverage(line, line.map(v -> v - 0.05), line.map(v -> v - 0.15))
                    .shards(List.of(new ShardRecord(0, total / 2, total / 2 - failed, failed, 0, 20, failed > 0 ? "failed" : "ok"),
                            new ShardRecord(1, total - total / 2, total - total / 2 - skipped, 0, skipped, 22, "ok")))
                    .orphans(4, 1, 3)
                    .classDurations(Map.of("a.ATest", 3.0))
                    .build());
        }
        return records;
    }

    static RunDetails hostileDetails(RunRecord record) {
        List<TestCaseResult> cases = List.of(
                new TestCaseResult(HOSTILE_CLASS, HOSTILE_NAME, 0.5, TestStatus.FAILED, false, Optional.of(HOSTILE_MESSAGE),
                        Optional.of(HOSTILE_DETAILS), Optional.of("out <b>not bold</b>"), "TEST-evil.xml"),
                new TestCaseResult("com.example.CalculatorTest", "dividesByZero", 0.1, TestStatus.ERROR, false,
                        Optional.of("ArithmeticException"), Optional.of("java.lang.ArithmeticException: / by zero"), Optional.empty(),
                        "TEST-com.example.CalculatorTest.xml"),
                new TestCaseResult("com.example.CalculatorTest", "adds", 0.1, TestStatus.PASSED, false, Optional.empty(),
                        Optional.empty(), Optional.of("passing output is not shown"), "TEST-com.example.CalculatorTest.xml"),
                new TestCaseResult("com.example.RetryTest", "flakes", 0.1, TestStatus.PASSED, true, Optional.of("timed out"),
                        Optional.empty(), Optional.empty(), "TEST-com.example.RetryTest.xml"));
        CoverageSummary coverage = new CoverageSummary(new Counter(800, 200), new Counter(160, 40), new Counter(30, 20),
                new Counter(50, 10), new Counter(9, 1),
                List.of(new PackageCoverage("com.example", new Counter(700, 100), new Counter(140, 20), new Counter(25, 5),
                                new Counter(40, 4), new Counter(7, 0)),
                        new PackageCoverage("com.example.<b>evil</b>", new Counter(100, 100), new Counter(20, 20),
                                new Counter(5, 15), new Counter(10, 6), new Counter(2, 1))),
                Set.of("com.example.Calculator"), List.of("3 class(es) do not match the execution data: <x>"));
        OrphanReport orphans = new OrphanReport(List.of(new Orphan("com.example.Legacy", false, true),
                new Orphan("com.example.<i>Helper</i>", true, false)), List.of());
        TestSuiteResult tests = new TestSuiteResult(cases, List.of("TEST-broken.xml: malformed or truncated JUnit XML at line 3"));
        return new RunDetails(record, tests, coverage, orphans);
    }
}
