package io.jenkins.plugins.selftest.engine.history;

import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.orphans.OrphanReport;
import java.util.Objects;

/** Everything about one run that a report shows beyond its {@link RunRecord}: tests, coverage and orphans. */
public record RunDetails(RunRecord record, TestSuiteResult tests, CoverageSummary coverage, OrphanReport orphans) {

    public RunDetails {
        Objects.requireNonNull(record, "record");
        tests = Objects.requireNonNullElse(tests, TestSuiteResult.EMPTY);
        coverage = Objects.requireNonNullElse(coverage, CoverageSummary.NO_COVERAGE);
        orphans = Objects.requireNonNullElse(orphans, OrphanReport.NONE);
    }
}
