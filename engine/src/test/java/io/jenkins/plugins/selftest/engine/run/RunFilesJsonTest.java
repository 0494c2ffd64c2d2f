package io.jenkins.plugins.selftest.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.selftest.engine.coverage.Counter;
import io.jenkins.plugins.selftest.engine.coverage.CoverageSummary;
import io.jenkins.plugins.selftest.engine.coverage.PackageCoverage;
import io.jenkins.plugins.selftest.engine.history.RunDetails;
import io.jenkins.plugins.selftest.engine.history.RunRecord;
import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import io.jenkins.plugins.selftest.engine.history.ShardRecord;
import io.jenkins.plugins.selftest.engine.history.TrendSeries;
import io.jenkins.plugins.selftest.engine.json.DataBinding;
import io.jenkins.plugins.selftest.engine.json.Json;
import io.jenkins.plugins.selftest.engine.junit.TestCaseResult;
import io.jenkins.plugins.selftest.engine.junit.TestStatus;
import io.jenkins.plugins.selftest.engine.junit.TestSuiteResult;
import io.jenkins.plugins.selftest.engine.orphans.Orphan;
import io.jenkins.plugins.selftest.engine.orphans.OrphanReport;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import io.jenkins.plugins.selftest.engine.supervisor.DaemonLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files and records of a run keep their form now that {@link Json} writes and reads them through
 * {@code RecordJson} instead of Jackson's data binding ({@link DataBinding}): the history's lines, a build's record,
 * its details, a shard's plan and result, a daemon's launcher, a page's trend. For each, with every member set and
 * with the optional ones empty: the same members with the same values (the binding also wrote the boolean methods
 * {@code isFailure()}, {@code isEmpty()} and {@code isPython()} as members, which no reader used), each reads what
 * the other wrote, and a history line is the same bytes (its JSON is what planning reads back across versions).
 */
class RunFilesJsonTest {

    private static final Instant T = Instant.parse("2026-12-03T15:07:30.123456789Z");
    private static final String AWKWARD = "say \"hi\" \\ \b\t\n\f\r \u0000\u001f\u007f é \uD83D\uDE00 </script>";

    @TempDir
    Path tmp;

    private static RunRecord record() {
        Map<String, Double> durations = new LinkedHashMap<>();
        durations.put("org.example.SlowTest", 12.5);
        durations.put(AWKWARD, 0.001);
        return RunRecord.builder("run-" + AWKWARD, T).runtimeSeconds(61.25).complete(false).tests(10, 7, 1, 1, 1)
                .coverage(Optional.of(0.817), Optional.of(0.5), Optional.of(1.0))
                .shards(List.of(new ShardRecord(0, 6, 5, 1, 0, 30.5, ShardOutcome.FAILED, Optional.of(3.5), 2),
                        new ShardRecord(1, 4, 2, 0, 1, 29.0, ShardOutcome.TIMEOUT, Optional.empty(), 0)))
                .orphans(3, 1, 2).containers(1, 1).classDurations(durations).build();
    }

    private static TestSuiteResult tests() {
        return new TestSuiteResult(List.of(
                new TestCaseResult("org.example.ATest", "passes", 0.25, TestStatus.PASSED, false, Optional.empty(),
                        Optional.empty(), Optional.empty(), "TEST-org.example.ATest.xml"),
                new TestCaseResult("org.example.ATest", AWKWARD, 1.5, TestStatus.FAILED, true, Optional.of(AWKWARD),
                        Optional.of("at x\n\tat y"), Optional.of("out"), "reports/" + AWKWARD)),
                List.of(AWKWARD), 2);
    }

    private static CoverageSummary coverage() {
        Counter c = new Counter(817, 183);
        return new CoverageSummary(c, new Counter(40, 9), new Counter(0, 0), c, c,
                List.of(new PackageCoverage("org.example", c, c, c, c, c)),
                new LinkedHashSet<>(List.of("org.example.A", "org.example.B")), List.of(AWKWARD), "java");
    }

    private static List<Object> values() {
        List<Object> values = new ArrayList<>();
        values.add(record());
        values.add(RunRecord.builder("minimal", Instant.EPOCH).build());
        values.add(new RunDetails(record(), tests(), coverage(),
                new OrphanReport(List.of(new Orphan("org.example.Unused", true, false)), List.of(AWKWARD), "java")));
        values.add(new ShardPlan(List.of(new ShardPlan.Shard(0, List.of("a.BTest", AWKWARD), 2, 12.5, 1)), 2,
                List.of(AWKWARD)));
        values.add(new ShardResult(1, 2, List.of("a.BTest"), ShardOutcome.OK, Optional.of(0), 12.25, 3, 3, 0, 0, 0, 0,
                List.of(AWKWARD), Optional.empty(), "local", Optional.of(3.25), 2));
        values.add(new ShardResult(0, 1, List.of(), ShardOutcome.ERROR, Optional.empty(), 0, 0, 0, 0, 0, 1, 1,
                List.of(), Optional.of(AWKWARD), "podman", Optional.empty(), 0));
        values.add(TrendSeries.of(List.of(record(), RunRecord.builder("minimal", Instant.EPOCH).build()), 10));
        values.add(new DaemonLauncher(Path.of("/usr/lib/jvm/java 17/bin/java"),
                List.of(Path.of("/opt/a b.jar"), Path.of("/opt/é.jar")), List.of("-Xint"), Map.of("A", AWKWARD)));
        return values;
    }

    @Test
    void writesTheMembersOfTheDataBindingAndReadsThemBack() throws IOException {
        for (Object value : values()) {
            String bound = DataBinding.write(value);
            String ours = Json.write(value);

            assertThat(components(DataBinding.mapper().readTree(ours))).as(value.getClass().getSimpleName())
                    .isEqualTo(components(DataBinding.mapper().readTree(bound)));
            assertThat(Json.read(bound, value.getClass())).as("what an earlier version wrote").isEqualTo(value);
            assertThat(DataBinding.read(ours, value.getClass())).as("what an earlier version reads").isEqualTo(value);
        }
    }

    @Test
    void aHistoryLineIsTheSameBytes() {
        for (RunRecord r : List.of(record(), RunRecord.builder("minimal", Instant.EPOCH).build())) {
            assertThat(Json.write(r)).isEqualTo(DataBinding.write(r));
        }
    }

    @Test
    void filesWrittenBeforeAreReadAsTheyWere() throws IOException {
        for (Object value : values()) {
            DataBinding.writeIndented(tmp.resolve("before.json"), value);
            Json.writeAtomically(tmp.resolve("now.json"), value);

            assertThat(Json.read(tmp.resolve("before.json"), value.getClass())).isEqualTo(value);
            assertThat(DataBinding.read(tmp.resolve("now.json"), value.getClass())).isEqualTo(value);
            assertThat(Files.readString(tmp.resolve("now.json"))).contains("\n  ");
        }
    }

    /** The tree without the members the binding made of boolean methods that are no record components. */
    private static JsonNode components(JsonNode node) {
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            o.remove(List.of("failure", "empty", "python"));
            for (Iterator<JsonNode> it = o.elements(); it.hasNext(); ) {
                components(it.next());
            }
        } else if (node.isArray()) {
            node.forEach(RunFilesJsonTest::components);
        }
        return node;
    }
}
