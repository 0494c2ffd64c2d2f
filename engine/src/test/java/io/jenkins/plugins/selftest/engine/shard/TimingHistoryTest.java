package io.jenkins.plugins.selftest.engine.shard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
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
}
