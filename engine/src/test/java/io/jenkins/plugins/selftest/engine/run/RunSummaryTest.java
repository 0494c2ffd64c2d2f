package io.jenkins.plugins.selftest.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import io.jenkins.plugins.selftest.engine.history.ShardRecord;
import io.jenkins.plugins.selftest.engine.junit.TestCaseResult;
import io.jenkins.plugins.selftest.engine.junit.TestStatus;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.orphans.OrphanReport;
import io.jenkins.plugins.selftest.engine.shard.TimingHistory;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunSummaryTest {

    private static TestSuiteResult suite(String cls, TestStatus... statuses) {
        List<TestCaseResult> cases = new java.util.ArrayList<>();
        for (int i = 0; i < statuses.length; i++) {
            cases.add(new TestCaseResult(cls, "t" + i, 1.5, statuses[i], false, Optional.empty(), Optional.empty(),
                    Optional.empty(), "TEST-" + cls + ".xml"));
        }
        return new TestSuiteResult(cases, List.of());
    }

    /** A shard and the results it left: what a merge reads. */
    private record Shard(ShardResult result, TestSuiteResult results) {
    }

    private static Shard shard(int index, ShardOutcome outcome, TestSuiteResult r) {
        return new Shard(new ShardResult(index, 1, List.of("x"), outcome, Optional.of(0), 3.0, r.total(), r.passed(),
                r.failed() + r.errors(), r.skipped(), 0, outcome == ShardOutcome.TIMEOUT ? 1 : 0, List.of(),
                Optional.empty(), "local processes"), r);
    }

    private static RunSummary summary(Shard... shards) {
        TestSuiteResult merged = TestSuiteResult.merge(java.util.Arrays.stream(shards).map(Shard::results).toList());
        return RunSummary.of("r1", Instant.parse("2026-01-01T00:00:00Z"), 4.0, "local processes",
                java.util.Arrays.stream(shards).map(Shard::result).toList(), merged,
                CoverageSummary.NO_COVERAGE, OrphanReport.NONE, 0, 0, "report", List.of());
    }

    @Test
    void allShardsOkAndNoFailuresIsAPass() {
        RunSummary s = summary(shard(0, ShardOutcome.OK, suite("A", TestStatus.PASSED, TestStatus.SKIPPED)),
                shard(1, ShardOutcome.OK, suite("B", TestStatus.PASSED)));
        assertThat(s.allPassed()).isTrue();
        RunRecord r = s.toRecord();
        assertThat(r.complete()).isTrue();
        assertThat(r.total()).isEqualTo(3);
        assertThat(r.skipped()).isEqualTo(1);
        assertThat(r.shards()).extracting(ShardRecord::outcome).containsExactly(ShardOutcome.OK, ShardOutcome.OK);
        assertThat(r.classDurations()).containsEntry("A", 3.0).containsEntry("B", 1.5);
        assertThat(r.lineCoverage()).isEmpty();
    }

    @Test
    void timedOutShardMakesTheRunPartialSoPlanningDiscountsIt() {
        RunSummary s = summary(shard(0, ShardOutcome.TIMEOUT, suite("A", TestStatus.PASSED)),
                shard(1, ShardOutcome.OK, suite("B", TestStatus.PASSED)));
        assertThat(s.allPassed()).isFalse();
        assertThat(s.toRecord().complete()).isFalse();
        TimingHistory h = TimingHistory.fromHistory(List.of(
                summary(shard(0, ShardOutcome.OK, suite("A", TestStatus.PASSED, TestStatus.PASSED, TestStatus.PASSED, TestStatus.PASSED))).toRecord(),
                s.toRecord()));
        assertThat(h.estimate("A").getAsDouble()).as("the complete run's 6 s, not the partial 1.5 s").isEqualTo(6.0);
    }

    @Test
    void failingTestsFailTheRunButKeepItComplete() {
        RunSummary s = summary(shard(0, ShardOutcome.FAILED, suite("A", TestStatus.FAILED, TestStatus.ERROR)));
        assertThat(s.allPassed()).isFalse();
        assertThat(s.complete()).isTrue();
        assertThat(s.toRecord().shards().get(0).failed()).isEqualTo(2);
    }

    @Test
    void noTestsAtAllIsNotAPass() {
        assertThat(summary(shard(0, ShardOutcome.OK, TestSuiteResult.EMPTY)).allPassed()).isFalse();
    }
}
