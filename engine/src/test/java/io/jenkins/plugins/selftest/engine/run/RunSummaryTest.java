package io.jenkins.plugins.selftest.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.history.ShardRecord;
import io.jenkins.plugins.selftest.engine.junit.TestCaseResult;
import io.jenkins.plugins.selftest.engine.junit.TestStatus;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.orphans.OrphanReport;
import io.jenkins.plugins.selftest.engine.shard.TimingHistory;
import java.nio.file.Path;
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

    private static ShardResult shard(int index, String outcome, TestSuiteResult r) {
        return new ShardResult(index, List.of("x"), outcome, Optional.of(0), 3.0, r, Path.of("r"), Path.of("l"), List.of(),
                0, ShardRecord.TIMEOUT.equals(outcome) ? 1 : 0, List.of());
    }

    private static RunSummary summary(ShardResult... shards) {
        TestSuiteResult merged = TestSuiteResult.merge(java.util.Arrays.stream(shards).map(ShardResult::results).toList());
        return new RunSummary("r1", Instant.parse("2026-01-01T00:00:00Z"), 4.0, "local processes", List.of(shards), merged,
                CoverageSummary.NO_COVERAGE, OrphanReport.NONE, 0, 0, Path.of("report"), List.of());
    }

    @Test
    void allShardsOkAndNoFailuresIsAPass() {
        RunSummary s = summary(shard(0, ShardRecord.OK, suite("A", TestStatus.PASSED, TestStatus.SKIPPED)),
                shard(1, ShardRecord.OK, suite("B", TestStatus.PASSED)));
        assertThat(s.allPassed()).isTrue();
        RunRecord r = s.toRecord();
        assertThat(r.complete()).isTrue();
        assertThat(r.total()).isEqualTo(3);
        assertThat(r.skipped()).isEqualTo(1);
        assertThat(r.shards()).extracting(ShardRecord::outcome).containsExactly("ok", "ok");
        assertThat(r.classDurations()).containsEntry("A", 3.0).containsEntry("B", 1.5);
        assertThat(r.lineCoverage()).isEmpty();
    }

    @Test
    void timedOutShardMakesTheRunPartialSoPlanningDiscountsIt() {
        RunSummary s = summary(shard(0, ShardRecord.TIMEOUT, suite("A", TestStatus.PASSED)),
                shard(1, ShardRecord.OK, suite("B", TestStatus.PASSED)));
        assertThat(s.allPassed()).isFalse();
        assertThat(s.toRecord().complete()).isFalse();
        TimingHistory h = TimingHistory.fromHistory(List.of(
                summary(shard(0, ShardRecord.OK, suite("A", TestStatus.PASSED, TestStatus.PASSED, TestStatus.PASSED, TestStatus.PASSED))).toRecord(),
                s.toRecord()));
        assertThat(h.estimate("A").getAsDouble()).as("the complete run's 6 s, not the partial 1.5 s").isEqualTo(6.0);
    }

    @Test
    void failingTestsFailTheRunButKeepItComplete() {
        RunSummary s = summary(shard(0, ShardRecord.FAILED, suite("A", TestStatus.FAILED, TestStatus.ERROR)));
        assertThat(s.allPassed()).isFalse();
        assertThat(s.complete()).isTrue();
        assertThat(s.toRecord().shards().get(0).failed()).isEqualTo(2);
    }

    @Test
    void noTestsAtAllIsNotAPass() {
        assertThat(summary(shard(0, ShardRecord.OK, TestSuiteResult.EMPTY)).allPassed()).isFalse();
    }
}
