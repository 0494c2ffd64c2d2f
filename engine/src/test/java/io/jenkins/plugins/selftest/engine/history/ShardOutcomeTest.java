package io.jenkins.plugins.selftest.engine.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.selftest.engine.json.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shard outcomes keep the spelling history files and build records have always had. */
class ShardOutcomeTest {

    @Test
    void persistsInLowerCaseAndReadsItBack() {
        ShardRecord r = new ShardRecord(1, 10, 9, 1, 0, 2.5, ShardOutcome.TIMEOUT);

        assertThat(Json.write(r)).contains("\"outcome\":\"timeout\"");
        assertThat(Json.read(Json.write(r), ShardRecord.class)).isEqualTo(r);
        assertThat(ShardOutcome.ABORTED).hasToString("aborted");
    }

    @Test
    void aHistoryLineOfAnEarlierVersionReads() {
        String line = "{\"runId\":\"r7\",\"startedAt\":\"2026-01-01T00:00:00Z\",\"runtimeSeconds\":3.0,\"complete\":false,"
                + "\"total\":2,\"passed\":1,\"failed\":1,\"errors\":0,\"skipped\":0,\"lineCoverage\":0.5,"
                + "\"shards\":[{\"index\":0,\"tests\":1,\"passed\":1,\"failed\":0,\"skipped\":0,\"runtimeSeconds\":1.0,"
                + "\"outcome\":\"ok\"},{\"index\":1,\"tests\":1,\"passed\":0,\"failed\":1,\"skipped\":0,"
                + "\"runtimeSeconds\":2.0,\"outcome\":\"error\"}]}";

        RunRecord r = Json.read(line, RunRecord.class);

        assertThat(r.startedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(r.shards()).extracting(ShardRecord::outcome).containsExactly(ShardOutcome.OK, ShardOutcome.ERROR);
    }

    @Test
    void parsesItsLabelsOnlyAndNamesThem() {
        assertThat(ShardOutcome.parse(" Failed ")).isEqualTo(ShardOutcome.FAILED);
        assertThat(new ShardRecord(0, 1, 1, 0, 0, 1.0, "ok").outcome()).isEqualTo(ShardOutcome.OK);
        assertThatThrownBy(() -> ShardOutcome.parse("passed")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown shard outcome 'passed': use ok, failed, timeout, error, aborted");
    }

    @Test
    void onlyOkAndFailedShardsHaveWholeResults() {
        assertThat(List.of(ShardOutcome.values())).filteredOn(ShardOutcome::complete)
                .containsExactly(ShardOutcome.OK, ShardOutcome.FAILED);
    }
}
