package io.jenkins.plugins.selftest.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.history.RunHistory;
import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import io.jenkins.plugins.selftest.engine.history.ShardRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local shards that do not pay for their start are merged, from the figures of earlier runs (#12). */
class ShardPayoffIT {

    /**
     * A custom shard whose start takes a second and holds a lock of the workspace meanwhile, as build tools' starts
     * compete for the cores of one machine (so a second shard starts a second later), then runs each of its tests for
     * 0.2 s and reports it as a passing JUnit case, named as pytest names them (module {@code tests.test_m0} for the
     * file {@code tests/test_m0.py}).
     */
    private static final String SLOW_START_SHARD = "flock start.lock sleep 1; for t in $(cat \"$SELFTEST_TESTS_FILE\"); do "
            + "n=$(basename \"$t\" .py); sleep 0.2; printf '<testsuite name=\"%s\" tests=\"1\"><testcase classname=\"%s\" "
            + "name=\"ok\" time=\"0.2\"/></testsuite>' \"tests.$n\" \"tests.$n\" > \"$SELFTEST_REPORTS_DIR/TEST-$n.xml\"; done";

    private static SelfTestOptions.Builder options(Path tmp, String report) throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws/tests"));
        for (int i = 0; i < 4; i++) {
            Files.writeString(ws.resolve("test_m" + i + ".py"), "def test_ok(): pass\n");
        }
        return SelfTestOptions.builder(ws.getParent()).framework(Framework.CUSTOM).paths(List.of("tests/*.py"))
                .command(SLOW_START_SHARD).shards(2).workers(2).history(tmp.resolve("history.jsonl"))
                .reportDir(tmp.resolve(report));
    }

    @Test
    void secondRunMergesShardsWhoseTestsDoNotPayForTheirStartUnlessToldToKeepThem(@TempDir Path tmp) throws Exception {
        RunSummary first = new SelfTestRun(options(tmp, "r1").build()).run(RunListener.NONE);
        assertThat(first.shards()).hasSize(2);
        assertThat(RunHistory.load(tmp.resolve("history.jsonl")).records().get(0).shards())
                // each shard ran 2 tests of 0.2 s with one worker: its fixed cost is its wall time less 0.4 s
                .allSatisfy(s -> assertThat(s.fixedSeconds()).hasValueSatisfying(f -> assertThat(f)
                        .isCloseTo(s.runtimeSeconds() - 0.4, org.assertj.core.data.Offset.offset(1e-6))
                        .isGreaterThanOrEqualTo(0.6)));

        List<String> notes = Collections.synchronizedList(new ArrayList<>());
        RunListener listener = notingInto(notes);
        RunSummary second = new SelfTestRun(options(tmp, "r2").build()).run(listener);
        assertThat(second.shards()).hasSize(1);
        assertThat(second.tests().total()).isEqualTo(4);
        assertThat(notes).anySatisfy(n -> assertThat(n).startsWith(
                "planned 1 local shard(s) with 1 worker(s) instead of 2 with 2: 0.8 s of tests (from earlier runs)")
                // the first run measured two shards side by side: the second one's start waited for the first's
                .contains("earlier runs with 2 workers: a start beside the others took 2."));

        // a distributed plan (selfTestPlan: the shards go to other agents) is never merged
        assertThat(new SelfTestRun(options(tmp, "plan").build()).plan().shardCount()).isEqualTo(2);

        RunSummary kept = new SelfTestRun(options(tmp, "r3").hostEnvironment(withKeep())
                .build()).run(RunListener.NONE);
        assertThat(kept.shards()).hasSize(2);
        assertThat(kept.tests().total()).isEqualTo(4);
    }

    /**
     * The calculator example as a real Maven build, with a history in which two local shards paid (their starts 4 s,
     * the slow classes 6 s each): its two shards run as one Maven build with two forks, which run every test and
     * measure coverage as two shards do, and the run is recorded with its two workers.
     */
    @Test
    void localMavenShardsOfOneModuleRunAsOneBuildWhoseForksShareTheClasses(@TempDir Path tmp) throws Exception {
        Path example = Path.of("..", "examples", "calculator").toAbsolutePath().normalize();
        Path history = tmp.resolve("history.jsonl");
        java.util.Map<String, Double> durations = new java.util.HashMap<>();
        for (String c : List.of("SlowATest", "SlowBTest", "SlowCTest", "SlowDTest")) {
            durations.put("org.example.calc." + c, 6.0);
        }
        for (String c : List.of("CalculatorTest", "PluginsTest", "ExpressionParserTest", "FractionTest", "StatisticsTest")) {
            durations.put("org.example.calc." + c, 0.5);
        }
        RunHistory.load(history).append(io.jenkins.plugins.selftest.engine.history.RunRecord.builder("timed",
                        java.time.Instant.parse("2026-12-04T10:00:00Z")).runtimeSeconds(16)
                .shards(List.of(new ShardRecord(0, 6, 6, 0, 0, 16, ShardOutcome.OK, java.util.Optional.of(4.0), 1),
                        new ShardRecord(1, 6, 6, 0, 0, 16, ShardOutcome.OK, java.util.Optional.of(4.0), 1)))
                .classDurations(durations).build());
        List<String> notes = Collections.synchronizedList(new ArrayList<>());
        RunListener listener = notingInto(notes);

        RunSummary s = new SelfTestRun(SelfTestOptions.builder(example).shards(2).workers(2).history(history)
                .reportDir(tmp.resolve("report")).env("EXAMPLE_SLEEP_MS", "300").build()).run(listener);

        assertThat(notes).contains("ran the 2 local shards as one Maven build with 2 forks, which take the test "
                + "classes as they go: Maven starts once, and no shard waits for another's slow classes (set "
                + "SELFTEST_KEEP_SHARDS=1 to run as asked)");
        assertThat(s.shards()).hasSize(1);
        assertThat(s.shards().get(0).workers()).isEqualTo(2);
        assertThat(s.allPassed()).as(s.problems().toString()).isTrue();
        assertThat(s.tests().total()).isGreaterThanOrEqualTo(40);
        assertThat(s.tests().classDurations()).containsKeys("org.example.calc.SlowATest", "org.example.calc.SlowDTest");
        assertThat(s.coverage().line().covered()).isPositive();
        assertThat(RunHistory.load(history).records().get(1).shards()).singleElement()
                .satisfies(r -> assertThat(r.workers()).isEqualTo(2))
                .satisfies(r -> assertThat(r.fixedSeconds()).isPresent());
    }

    /** A listener that adds the run's notes to {@code notes}. */
    private static RunListener notingInto(List<String> notes) {
        return new RunListener() {
            @Override
            public void note(String message) {
                notes.add(message);
            }
        };
    }

    private static java.util.Map<String, String> withKeep() {
        java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put(TestDiscovery.KEEP_SHARDS, "1");
        return env;
    }

    @Test
    void containerShardsRecordNoFixedCostAndAreNeverMerged(@TempDir Path tmp) throws Exception {
        io.jenkins.plugins.selftest.engine.container.Containers.assumePodman();
        for (String r : List.of("c1", "c2")) {
            RunSummary s = new SelfTestRun(options(tmp, r).useContainer(true).build()).run(RunListener.NONE);
            assertThat(s.shards()).as(s.problems().toString()).hasSize(2);
        }
        assertThat(RunHistory.load(tmp.resolve("history.jsonl")).records())
                .flatExtracting(rec -> rec.shards()).extracting(ShardRecord::fixedSeconds)
                .containsOnly(java.util.Optional.empty());
    }
}
