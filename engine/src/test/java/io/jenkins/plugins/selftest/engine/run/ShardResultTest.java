package io.jenkins.plugins.selftest.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.json.JsonForm;
import io.jenkins.plugins.selftest.engine.junit.TestCaseResult;
import io.jenkins.plugins.selftest.engine.junit.TestStatus;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.orphans.OrphanReport;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The answers of the agent calls cross a remoting channel: Java serialization must give them back whole. */
class ShardResultTest {

    private static final ShardResult SHARD = new ShardResult(1, 2, List.of("a.BTest"), ShardOutcome.FAILED,
            Optional.of(1), 12.34, 35, 33, 1, 1, 0, 0, List.of("a problem"), Optional.empty(), "local processes");

    @SuppressWarnings("unchecked")
    private static <T> T overTheWire(T value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    @Test
    void aShardResultCrossesTheChannelAndItsFileKeepsTheEarlierSpelling() throws Exception {
        assertThat(overTheWire(SHARD)).isEqualTo(SHARD);
        assertThat(Json.write(SHARD)).contains("\"outcome\":\"failed\"", "\"exitCode\":1", "\"setupError\":null");
        assertThat(SHARD.toRecord().failed()).isEqualTo(1);
    }

    @Test
    void aStreamNamingAnotherTypeIsRefused() {
        JsonForm foreign = new JsonForm(ArrayList.class, "[]");

        assertThatThrownBy(() -> overTheWire(foreign)).isInstanceOf(InvalidObjectException.class).hasMessage("not an engine value: java.util.ArrayList");
    }

    @Test
    void aRunSummaryAndAPlanCrossTheChannel() throws Exception {
        TestSuiteResult tests = new TestSuiteResult(List.of(new TestCaseResult("a.BTest", "t", 1.5, TestStatus.FAILED,
                false, Optional.of("boom"), Optional.empty(), Optional.empty(), "TEST-a.BTest.xml")), List.of());
        RunSummary summary = RunSummary.of("r1", Instant.parse("2026-01-01T00:00:00Z"), 4.0, "local processes",
                List.of(SHARD), tests, CoverageSummary.NO_COVERAGE, OrphanReport.NONE, 0, 0, "/agent/report", List.of("p"))
                .withArtifacts(List.of("index.html"));
        RunSummary failed = RunSummary.setupError("no tests found", "/agent/report");
        ShardPlan plan = new ShardPlan(List.of(new ShardPlan.Shard(0, List.of("a.ATest"), 2, 3.5, 0)), 2, List.of("n"));

        assertThat(overTheWire(summary)).isEqualTo(summary);
        assertThat(overTheWire(failed)).isEqualTo(failed);
        assertThat(overTheWire(plan)).isEqualTo(plan);
        assertThat(failed.details()).isEmpty();
        assertThat(failed.complete()).isFalse();
        assertThat(summary.outcomes()).containsExactly(ShardOutcome.FAILED);
    }
}
