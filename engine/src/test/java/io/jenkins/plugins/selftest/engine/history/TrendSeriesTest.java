package io.jenkins.plugins.selftest.engine.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.selftest.engine.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrendSeriesTest {

    @Test
    void keepsTheLastRunsOldestFirstWithFailuresAndErrorsTogether() {
        List<RunRecord> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            records.add(RunHistoryTest.record(i));
        }
        TrendSeries t = TrendSeries.of(records, 4);

        assertThat(t.size()).isEqualTo(4);
        assertThat(t.runIds()).containsExactly("run-6", "run-7", "run-8", "run-9");
        assertThat(t.failed()).containsOnly(2);
        assertThat(t.lineCoverage()).containsOnly(Optional.of(80.0));
        assertThat(t.branchCoverage()).containsOnly(Optional.empty());
        assertThat(t.runtimeSeconds()).containsExactly(16.0, 17.0, 18.0, 19.0);
        assertThat(t.complete()).containsExactly(true, false, true, false);
        assertThat(t.startedAt().get(0)).isEqualTo("2026-01-01T06:00:00Z");
    }

    @Test
    void missingCoverageIsNullInJsonSoChartsShowAGap() {
        RunRecord none = RunRecord.builder("r", Instant.EPOCH).build();
        String json = Json.write(TrendSeries.of(List.of(none), 10));
        assertThat(json).contains("\"lineCoverage\":[null]");
    }

    @Test
    void rejectsNonPositiveSize() {
        assertThatThrownBy(() -> TrendSeries.of(List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
