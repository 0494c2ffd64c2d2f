package io.jenkins.plugins.selftest.restapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.orphans.OrphanReport;
import io.jenkins.plugins.selftest.engine.report.SampleResults;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResultsModelTest {

    /** Regression (issue #8, 10b): failures[].reportFile showed the agent's absolute path. */
    @ParameterizedTest
    @CsvSource({
            "/home/agent/workspace/app@tmp/selftest-3f2a/shards/shard-0/reports/TEST-com.example.FooTest.xml,"
                    + " shards/shard-0/reports/TEST-com.example.FooTest.xml",
            "C:\\jenkins\\workspace\\app@tmp\\selftest-3f2a\\shards\\shard-1\\reports\\TEST-x.xml, shards/shard-1/reports/TEST-x.xml",
            "/var/lib/jenkins/jobs/app/builds/7/selftest/shards/shard-2/reports/TEST-x.xml, shards/shard-2/reports/TEST-x.xml",
            "/tmp/collected/shards/shard-3/reports/TEST-x.xml, shards/shard-3/reports/TEST-x.xml",
            "/home/agent/workspace/app/target/surefire-reports/TEST-x.xml, TEST-x.xml",
            "D:/ws/TEST-y.xml, TEST-y.xml",
            "shards/shard-0/reports/TEST-x.xml, shards/shard-0/reports/TEST-x.xml",
            "TEST-evil.xml, TEST-evil.xml"})
    void reportFilesAreShownRelativeNeverAsAgentPaths(String path, String shown) {
        assertThat(ResultsModel.reportFile(path)).isEqualTo(shown);
    }

    @Test
    void summaryHasNullWhereNothingWasMeasuredOrThereIsNoPreviousResult() {
        RunRecord bare = RunRecord.builder("bare", Instant.EPOCH).tests(3, 2, 1, 0, 0).build();
        Map<String, Object> summary = ResultsModel.summary(bare, Optional.empty());
        assertThat(summary).containsEntry("runId", "bare").containsEntry("startedAt", "1970-01-01T00:00:00Z")
                .containsEntry("total", 3).containsEntry("failed", 1)
                .containsEntry("lineCoverage", null).containsEntry("branchCoverage", null)
                .containsEntry("lineCoverageChange", null);
        assertThat(ResultsModel.summary(SampleResults.record(8), Optional.of(bare))).containsEntry("lineCoverageChange", null);
    }

    @Test
    void lineCoverageChangeIsAgainstThePreviousMeasurement() {
        RunRecord before = SampleResults.record(1);
        RunRecord now = SampleResults.record(100);
        assertThat(ResultsModel.lineCoverageChange(now, Optional.of(before))).hasValueSatisfying(c -> assertThat(c)
                .isCloseTo(now.lineCoverage().orElseThrow() - before.lineCoverage().orElseThrow(), within(1e-12)));
        assertThat(ResultsModel.lineCoverageChange(now, Optional.empty())).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void coverageHasCountersWithRatiosPerPackageAndNoRatioWithoutAnythingToCount() {
        Map<String, Object> measured = ResultsModel.coverage(SampleResults.withPackageWithoutBranches(
                SampleResults.hostileDetails(SampleResults.record(1))).coverage());
        assertThat(measured).containsEntry("measured", true).containsEntry("language", "java")
                .containsEntry("line", Map.of("covered", 160L, "missed", 40L, "ratio", 0.8));
        Map<String, Object> noBranches = ((List<Map<String, Object>>) measured.get("packages")).get(2);
        assertThat(noBranches).containsEntry("name", SampleResults.NO_BRANCH_PACKAGE);
        assertThat((Map<String, Object>) noBranches.get("branch")).containsEntry("covered", 0L).containsEntry("ratio", null);
        assertThat(measured.get("warnings")).isEqualTo(List.of("3 class(es) do not match the execution data: <x>"));

        assertThat(ResultsModel.coverage(CoverageSummary.NO_COVERAGE)).containsEntry("measured", false)
                .containsEntry("packages", List.of());
    }

    @Test
    @SuppressWarnings("unchecked")
    void failuresAreTheFailedAndErroredTestsWithTheirTexts() {
        RunDetails details = SampleResults.withFlakyTest(SampleResults.hostileDetails(SampleResults.record(1)));
        List<Map<String, Object>> failures = ResultsModel.failures(details);
        assertThat(failures).extracting(f -> f.get("name")).containsExactly(SampleResults.HOSTILE_NAME, "dividesByZero");
        assertThat(failures.get(0)).containsEntry("className", SampleResults.HOSTILE_CLASS)
                .containsEntry("message", SampleResults.HOSTILE_MESSAGE).containsEntry("details", SampleResults.HOSTILE_DETAILS)
                .containsEntry("reportFile", "TEST-evil.xml").containsEntry("durationSeconds", 0.5);
        assertThat(failures.get(1)).containsEntry("status", "ERROR");
    }

    @Test
    @SuppressWarnings("unchecked")
    void orphansCountFromTheRecordAndClassesFromTheDetails() {
        RunRecord record = SampleResults.record(1);
        Map<String, Object> orphans = ResultsModel.orphans(SampleResults.hostileDetails(record).orphans(), record);
        assertThat(orphans).containsEntry("total", 2).containsEntry("covered", 1).containsEntry("uncovered", 1);
        assertThat((List<Map<String, Object>>) orphans.get("classes")).containsExactly(
                Map.of("className", "com.example.Legacy", "viaOrphan", false, "covered", true),
                Map.of("className", "com.example.<i>Helper</i>", "viaOrphan", true, "covered", false));
        assertThat(ResultsModel.orphans(OrphanReport.NONE, record)).containsEntry("classes", List.of());
    }
}
