package io.jenkins.plugins.selftest.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.selftest.engine.history.ShardOutcome;
import io.jenkins.plugins.selftest.engine.shard.ShardPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** selfTestPublish's input: shard directories copied together, each with its shard.json and reports. */
class ShardCollectionTest {

    @TempDir
    Path report;

    private static final ShardPlan PLAN = new ShardPlan(List.of(new ShardPlan.Shard(0, List.of("a.ATest"), 1, 0, 1),
            new ShardPlan.Shard(1, List.of("a.BTest"), 1, 0, 1)), 2, List.of());

    private void junit(int shard, String cls, int passed, int failed) throws IOException {
        StringBuilder xml = new StringBuilder("<testsuite name=\"" + cls + "\">");
        for (int i = 0; i < passed; i++) {
            xml.append("<testcase classname=\"").append(cls).append("\" name=\"ok").append(i).append("\" time=\"0.1\"/>");
        }
        for (int i = 0; i < failed; i++) {
            xml.append("<testcase classname=\"").append(cls).append("\" name=\"bad").append(i)
                    .append("\" time=\"0.1\"><failure message=\"no\"/></testcase>");
        }
        Path reports = Files.createDirectories(ShardDirectory.of(report, shard).reports());
        Files.writeString(reports.resolve("TEST-" + cls + ".xml"), xml.append("</testsuite>").toString());
        Files.writeString(reports.resolve("jacoco-" + shard + ".exec"), "");
    }

    @Test
    void readsShardFilesOfEarlierVersionsAndCountsFromTheReports() throws IOException {
        junit(1, "a.BTest", 2, 1);
        // as the plugin's ShardOutcome wrote it before it became the engine's ShardResult
        Files.writeString(ShardDirectory.of(report, 1).resultFile(), """
                {"index":1,"shardCount":2,"tests":["a.BTest"],"outcome":"failed","exitCode":1,"runtimeSeconds":12.5,
                 "total":99,"passed":99,"failed":0,"skipped":0,"containerFailures":1,"containerTimeouts":0,
                 "problems":["a problem"],"setupError":null,"mode":"podman containers (local engine)"}""");
        junit(0, "a.ATest", 3, 0);
        ShardDirectory.of(report, 0).writeResult(new ShardResult(0, 2, List.of("a.ATest"), ShardOutcome.OK,
                Optional.of(0), 4.0, 3, 3, 0, 0, 0, 0, List.of(), Optional.empty(), "podman containers (local engine)"));

        ShardCollection c = ShardCollection.collect(PLAN, report);

        assertThat(c.problems()).isEmpty();
        assertThat(c.mode()).isEqualTo("podman containers (local engine)");
        assertThat(c.longestSeconds()).isEqualTo(12.5);
        ShardResult second = c.shards().get(1).result();
        assertThat(second.outcome()).isEqualTo(ShardOutcome.FAILED);
        assertThat(second.exitCode()).contains(1);
        assertThat(List.of(second.total(), second.passed(), second.failed())).as("counted from the JUnit XML")
                .containsExactly(3, 2, 1);
        assertThat(second.containerFailures()).isEqualTo(1);
        assertThat(second.problems()).containsExactly("a problem");
        assertThat(c.shards().get(1).reports().tests().total()).isEqualTo(3);
        assertThat(c.shards().get(1).reports().execFiles()).extracting(p -> p.getFileName().toString())
                .containsExactly("jacoco-1.exec");
    }

    /** Issue #10, item 7: a damaged shard.json threw, and selfTestPublish gathered nothing of any shard. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"null", "{\"index\": 1, \"outcome\": ", "\u0000\u0001garbage"})
    void aDamagedShardFileIsANamedProblemAndTheShardsReportsAreStillGathered(String damaged) throws IOException {
        junit(0, "a.ATest", 1, 0);
        ShardDirectory.of(report, 0).writeResult(new ShardResult(0, 2, List.of("a.ATest"), ShardOutcome.OK,
                Optional.of(0), 1.0, 1, 1, 0, 0, 0, 0, List.of(), Optional.empty(), "local processes"));
        junit(1, "a.BTest", 2, 1);
        Path file = ShardDirectory.of(report, 1).resultFile();
        Files.writeString(file, damaged);

        ShardCollection c = ShardCollection.collect(PLAN, report);

        assertThat(c.problems()).singleElement().asString()
                .startsWith("shard 2/2: unreadable shard result (" + file).endsWith("); its test reports are still gathered");
        ShardResult second = c.shards().get(1).result();
        assertThat(second.outcome()).isEqualTo(ShardOutcome.ERROR);
        assertThat(List.of(second.total(), second.passed(), second.failed())).containsExactly(3, 2, 1);
        assertThat(c.shards().get(0).result().outcome()).isEqualTo(ShardOutcome.OK);
    }

    @Test
    void aShardFileLargerThanTheBoundIsNotRead() throws IOException {
        junit(1, "a.BTest", 1, 0);
        Path file = ShardDirectory.of(report, 1).resultFile();
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {'{'}), ShardDirectory.MAX_RESULT_BYTES); // sparse
        }

        ShardCollection c = ShardCollection.collect(PLAN, report);

        assertThat(c.problems()).anySatisfy(p -> assertThat(p).startsWith("shard 2/2: unreadable shard result (" + file)
                .contains("larger than"));
        assertThat(c.shards().get(1).result().total()).isEqualTo(1);
    }

    @Test
    void aShardWithoutResultsIsAnErrorNamingTheStepToRun() throws IOException {
        junit(0, "a.ATest", 1, 0);
        ShardDirectory.of(report, 0).writeResult(new ShardResult(0, 2, List.of("a.ATest"), ShardOutcome.OK,
                Optional.of(0), 1.0, 1, 1, 0, 0, 0, 0, List.of(), Optional.empty(), "local processes"));

        ShardCollection c = ShardCollection.collect(PLAN, report);

        assertThat(c.problems()).containsExactly(
                "shard 2/2 has no results: run selfTest(shard: 1) before selfTestPublish()");
        ShardResult missing = c.shards().get(1).result();
        assertThat(missing.outcome()).isEqualTo(ShardOutcome.ERROR);
        assertThat(missing.tests()).containsExactly("a.BTest");
        assertThat(missing.problems()).isEmpty();
        assertThat(c.shards().get(1).reports()).isEqualTo(ShardReports.NONE);
        assertThat(c.mode()).as("the one mode of the shards that ran").isEqualTo("local processes");
    }

    @Test
    void shardsThatRanDifferentlyRanOnSeveralAgents() throws IOException {
        for (int i = 0; i < 2; i++) {
            ShardDirectory.of(report, i).writeResult(new ShardResult(i, 2, List.of(), ShardOutcome.OK, Optional.of(0),
                    1.0, 0, 0, 0, 0, 0, 0, List.of(), Optional.empty(), i == 0 ? "local processes" : "docker containers"));
        }

        assertThat(ShardCollection.collect(PLAN, report).mode()).isEqualTo(ShardCollection.SEVERAL_AGENTS);
        assertThat(ShardCollection.collect(new ShardPlan(List.of(), 0, List.of()), report).mode())
                .as("nothing ran").isEqualTo(ShardCollection.SEVERAL_AGENTS);
    }
}
