package io.jenkins.plugins.selftest.engine.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import io.jenkins.plugins.selftest.engine.history.ShardRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TimingHistoryTest {

    @Test
    void averagesOverSeveralCompleteRunsNotOnlyTheLast() {
        TimingHistory h = TimingHistory.of(List.of(
                new TimingHistory.PastRun(Map.of("A", 10.0), true),
                new TimingHistory.PastRun(Map.of("A", 20.0), true),
                new TimingHistory.PastRun(Map.of("A", 30.0), true)));
        assertThat(h.estimate("A").getAsDouble()).isEqualTo(20.0);
    }

    @Test
    void windowKeepsOnlyTheMostRecentRuns() {
        TimingHistory h = TimingHistory.of(List.of(
                new TimingHistory.PastRun(Map.of("A", 100.0), true),
                new TimingHistory.PastRun(Map.of("A", 2.0), true),
                new TimingHistory.PastRun(Map.of("A", 4.0), true)), 2);
        assertThat(h.estimate("A").getAsDouble()).isEqualTo(3.0);
    }

    @Test
    void partialRunIsIgnoredWhereCompleteRunsKnowTheTest() {
        TimingHistory h = TimingHistory.of(List.of(
                new TimingHistory.PastRun(Map.of("A", 12.0), true),
                new TimingHistory.PastRun(Map.of("A", 0.3, "B", 7.0), false)));
        assertThat(h.estimate("A").getAsDouble()).isEqualTo(12.0);
        assertThat(h.estimate("B").getAsDouble()).as("lower bound from the partial run").isEqualTo(7.0);
    }

    @Test
    void zeroDurationsAreNotTimings() {
        TimingHistory h = TimingHistory.of(List.of(new TimingHistory.PastRun(Map.of("A", 0.0), true)));
        assertThat(h.estimate("A")).isEmpty();
        assertThat(TimingHistory.EMPTY.estimate("A")).isEmpty();
    }

    @Test
    void aPytestFileIsEstimatedFromTheCasesOfItsModuleAndItsClasses() {
        TimingHistory h = TimingHistory.of(List.of(new TimingHistory.PastRun(Map.of(
                "tests.test_calc", 1.0, "tests.test_calc.TestAdd", 2.5, "tests.test_calcx", 9.0,
                "tests.unit.test_io", 0.5), true)));
        assertThat(h.estimate("tests/test_calc.py")).hasValue(3.5);
        assertThat(h.estimate("tests/unit/test_io.py")).hasValue(0.5);
        assertThat(h.estimate("tests/test_other.py")).isEmpty();
        assertThat(h.totalSeconds(List.of("tests/test_calc.py", "tests/unit/test_io.py"))).hasValue(4.0);
        assertThat(h.totalSeconds(List.of("tests/test_calc.py", "tests/test_other.py"))).isEmpty();
        // a Java class is still found by its own name only
        assertThat(h.estimate("tests")).isEmpty();
    }

    @Test
    void theFixedCostIsTheMedianOverTheLocalShardsOfRecentCompleteRuns() {
        TimingHistory h = TimingHistory.of(List.of(
                new TimingHistory.PastRun(Map.of("A", 1.0), true, List.of(9.0, 9.5)),
                new TimingHistory.PastRun(Map.of("A", 1.0), false, List.of(0.1)),
                new TimingHistory.PastRun(Map.of("A", 1.0), true, List.of(4.0, 5.0, 4.5))));
        assertThat(h.fixedSeconds()).hasValue(5.0);
        assertThat(TimingHistory.of(List.of(new TimingHistory.PastRun(Map.of("A", 1.0), true))).fixedSeconds()).isEmpty();
        assertThat(TimingHistory.of(List.of(new TimingHistory.PastRun(Map.of("A", 1.0), true, List.of(9.0)),
                new TimingHistory.PastRun(Map.of("A", 1.0), true, List.of(1.0))), 1).fixedSeconds()).hasValue(1.0);
    }

    /**
     * Per shard count, from complete runs whose shards were all local: the median fixed cost of their shards, and their
     * tests' time over the estimates (here two shards side by side ran their tests 8 s where the average run took 6.5).
     * A run with container shards (no fixed costs) and a partial run measure nothing.
     */
    @Test
    void runsOfEachShardCountTellWhatThatManyLocalShardsCost() {
        TimingHistory h = TimingHistory.of(List.of(
                new TimingHistory.PastRun(Map.of("A", 5.0, "B", 5.0), true, List.of(4.0)),
                new TimingHistory.PastRun(Map.of("A", 8.0, "B", 8.0), true, List.of(7.0, 8.0)),
                new TimingHistory.PastRun(Map.of("A", 5.0, "B", 5.0), true, List.of(4.4)),
                new TimingHistory.PastRun(Map.of("A", 8.0, "B", 8.0), true, List.of(), 2),
                new TimingHistory.PastRun(Map.of("A", 1.0, "B", 1.0), false, List.of(1.0, 1.0)),
                new TimingHistory.PastRun(Map.of("A", 8.0, "B", 8.0), true, List.of(3.0), 3)));
        assertThat(h.estimate("A")).hasValue(6.8); // (5 + 8 + 5 + 8 + 8) / 5
        assertThat(h.measured()).containsOnlyKeys(1, 2);
        assertThat(h.measured().get(1).fixedSeconds()).isEqualTo(4.4);
        assertThat(h.measured().get(1).testFactor()).isCloseTo(10 / 13.6, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(h.measured().get(2).fixedSeconds()).isEqualTo(8.0);
        assertThat(h.measured().get(2).testFactor()).isCloseTo(16 / 13.6, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(TimingHistory.EMPTY.measured()).isEmpty();
    }

    /**
     * A run counts by its test processes, not its shards: one Maven build with two forks measures what two test
     * processes side by side cost, as two shards of one fork each do; a shard recorded by an earlier version, without
     * its workers, had one.
     */
    @Test
    void runsCountByTheirTestProcessesOverAllTheirShards() {
        java.time.Instant t = java.time.Instant.parse("2026-12-04T10:00:00Z");
        TimingHistory h = TimingHistory.fromHistory(List.of(
                RunRecord.builder("two-forks", t).classDurations(Map.of("A", 6.0, "B", 6.0)).shards(List.of(
                        new ShardRecord(0, 2, 2, 0, 0, 9.0, ShardOutcome.OK, Optional.of(3.0), 2))).build(),
                RunRecord.builder("earlier", t).classDurations(Map.of("A", 4.0, "B", 4.0)).shards(List.of(
                        new ShardRecord(0, 2, 2, 0, 0, 12.0, ShardOutcome.OK, Optional.of(4.0), 0))).build()));
        assertThat(h.measured()).containsOnlyKeys(1, 2);
        assertThat(h.measured().get(2).fixedSeconds()).isEqualTo(3.0);
        assertThat(h.measured().get(2).testFactor()).isCloseTo(12 / 10.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(h.measured().get(1).fixedSeconds()).isEqualTo(4.0);
    }
}
