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
import java.util.stream.IntStream;

/**
 * The one set of sample results of the tests that show results (the CLI's report page, the plugin's pages and REST
 * API): a long history of records, and a last run with hostile texts wherever a build could put them: a test name
 * that is an {@code img} element, a class name with quotes, a message with markup that closes a {@code div} and
 * opens a {@code script}, a stack trace that closes the page's data {@code script}, markup in the output, in a
 * package name, in an orphan class and in a coverage warning.
 */
public final class SampleResults {

    public static final String HOSTILE_NAME = "<img src=x onerror=alert(1)>";
    public static final String HOSTILE_CLASS = "com.example.\"Quoted\"'Single'";
    public static final String HOSTILE_MESSAGE = "expected <b>bold</b> & \"quoted\" but was '</div><script>alert(2)</script>'";
    public static final String HOSTILE_DETAILS = "java.lang.AssertionError: <i>trace</i>\n\tat com.example.X.y(X.java:1)\n"
            + "</script><script>document.title='XSS2'</script> & more";
    /** Name of the package {@link #withPackageWithoutBranches} adds. */
    public static final String NO_BRANCH_PACKAGE = "com.example.nobranches";

    private SampleResults() {
    }

    /** Build {@code i}'s record: counts, coverage and runtime vary smoothly, some runs fail, some lack coverage. */
    public static RunRecord record(int i) {
        int failed = i % 7 == 0 ? 3 : i % 5 == 0 ? 1 : 0;
        int skipped = 2 + i % 3;
        int total = 120 + i / 4;
        Optional<Double> line = i % 23 == 0 ? Optional.empty() : Optional.of(0.55 + 0.3 * Math.min(i, 200) / 200.0);
        return RunRecord.builder("build-" + i, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(3600L * i))
                .runtimeSeconds(40 + 15 * Math.sin(i / 9.0) + i % 4)
                .complete(i % 31 != 0)
                .tests(total, total - failed - skipped, failed, 0, skipped)
                .coverage(line, line.map(v -> v - 0.05), line.map(v -> v - 0.15))
                .shards(List.of(new ShardRecord(0, total / 2, total / 2 - failed, failed, 0, 20, failed > 0 ? "failed" : "ok"),
                        new ShardRecord(1, total - total / 2, total - total / 2 - skipped, 0, skipped, 22.5, "ok")))
                .orphans(2, 1, 1)
                .containers(i % 11 == 0 ? 1 : 0, 0)
                .classDurations(Map.of("a.ATest", 3.0))
                .build();
    }

    /** The records of builds 0 to {@code runs - 1}, oldest first. */
    public static List<RunRecord> history(int runs) {
        return IntStream.range(0, runs).mapToObj(SampleResults::record).toList();
    }

    /**
     * A run with two failures (the first with {@link #HOSTILE_NAME}, {@link #HOSTILE_CLASS},
     * {@link #HOSTILE_MESSAGE} and {@link #HOSTILE_DETAILS}) and a passing test, two problems, coverage by package
     * and two orphans.
     */
    public static RunDetails hostileDetails(RunRecord record) {
        List<TestCaseResult> cases = List.of(
                new TestCaseResult(HOSTILE_CLASS, HOSTILE_NAME, 0.5, TestStatus.FAILED, false, Optional.of(HOSTILE_MESSAGE),
                        Optional.of(HOSTILE_DETAILS), Optional.of("out <b>not bold</b>"), "TEST-evil.xml"),
                new TestCaseResult("com.example.CalculatorTest", "dividesByZero", 0.1, TestStatus.ERROR, false,
                        Optional.of("ArithmeticException: / by zero"), Optional.of("java.lang.ArithmeticException: / by zero"),
                        Optional.empty(), "TEST-com.example.CalculatorTest.xml"),
                new TestCaseResult("com.example.CalculatorTest", "adds", 0.1, TestStatus.PASSED, false, Optional.empty(),
                        Optional.empty(), Optional.of("passing output is not shown"), "TEST-com.example.CalculatorTest.xml"));
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

    /** {@code details} with one more test, {@code com.example.RetryTest.flakes}, that passed on a rerun. */
    public static RunDetails withFlakyTest(RunDetails details) {
        List<TestCaseResult> cases = new ArrayList<>(details.tests().cases());
        cases.add(new TestCaseResult("com.example.RetryTest", "flakes", 0.1, TestStatus.PASSED, true, Optional.of("timed out"),
                Optional.empty(), Optional.empty(), "TEST-com.example.RetryTest.xml"));
        return new RunDetails(details.record(), new TestSuiteResult(cases, details.tests().problems()), details.coverage(),
                details.orphans());
    }

    /** {@code details} with one more package, whose code has no branches at all (records, plain getters). */
    public static RunDetails withPackageWithoutBranches(RunDetails details) {
        CoverageSummary c = details.coverage();
        List<PackageCoverage> packages = new ArrayList<>(c.packages());
        packages.add(new PackageCoverage(NO_BRANCH_PACKAGE, new Counter(40, 0), new Counter(12, 0), new Counter(0, 0),
                new Counter(6, 0), new Counter(2, 0)));
        return new RunDetails(details.record(), details.tests(), new CoverageSummary(c.instruction(), c.line(),
                c.branch(), c.method(), c.clazz(), packages, c.coveredClasses(), c.warnings()), details.orphans());
    }
}
